"""The arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot.json``, JSON lines) -> ``Paper`` records.

The snapshot is how a deployment back-fills all of arXiv (~2.7 M lines, ~4 GB, often gzipped) in one go, so
the loader must sustain >= 10,000 papers/s end to end on two cores including the database. Hence: no regex and
no ``email.utils`` on the hot path (a hand-parsed fixed RFC-822 form), one pass over ``versions``, streaming
line by line with a bounded line length, and a 0-based line index that the runner checkpoints to resume.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from paperboy.errors import IngestError
from paperboy.ingest.jsonsafe import loads
from paperboy.ingest.normalize import decode_tex_accents, parse_rfc822_utc, split_authors, version_number
from paperboy.models import Author, Paper, split_arxiv_id

__all__ = ["MAX_LINE_BYTES", "iter_snapshot_lines", "parse_snapshot_line", "parse_snapshot_record"]

# A real line is a few KB; anything this long is a corrupt file, refused before it can exhaust memory.
MAX_LINE_BYTES = 8 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def iter_snapshot_lines(path: Path, start_line: int = 0) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_index, raw_line)`` from ``start_line`` (0-based) on; plain or gzip (by magic bytes).

    Memory stays bounded by one line. Blank lines are skipped but still counted, so an index saved as a
    checkpoint (``last yielded index + 1``) resumes at exactly the next record whichever form the file is in.
    """
    path = Path(path)
    with path.open("rb") as raw:
        magic = raw.read(2)
        raw.seek(0)
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if magic == _GZIP_MAGIC else raw
        index = 0
        try:
            while True:
                line = stream.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                if len(line) > MAX_LINE_BYTES:
                    raise IngestError(f"{path}:{index + 1}", f"line longer than {MAX_LINE_BYTES} bytes")
                if index >= start_line:
                    line = line.rstrip(b"\r\n")
                    if line.strip():
                        yield index, line
                index += 1
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip
            raise IngestError(f"{path}:{index + 1}", f"unreadable snapshot: {exc}") from exc


def parse_snapshot_line(line: bytes, label: str) -> Paper:
    """Decode one JSON line and parse it; bad JSON becomes an ``IngestError`` naming ``label`` (file:line)."""
    try:
        obj = loads(line, label)
    except IngestError as exc:
        raise IngestError(
            label, f"not a JSON object: {exc.reason.removeprefix('malformed JSON: ')}"
        ) from None
    if not isinstance(obj, dict):
        raise IngestError(label, "not a JSON object")
    return parse_snapshot_record(obj, label)


def _text(value: Any) -> str | None:
    """Whitespace-collapsed string, ``None`` for null/blank (so it never erases another source's value)."""
    if not value or not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _authors(obj: dict[str, Any]) -> list[Author]:
    """``authors_parsed`` rows are ``[last, first, suffix, affiliation...]`` with accents already decoded."""
    parsed = obj.get("authors_parsed")
    if not parsed or not isinstance(parsed, list):
        return _typed_authors(obj)
    authors: list[Author] = []
    for row in parsed:
        if not isinstance(row, list) or not row:
            continue
        last = row[0] if isinstance(row[0], str) else ""
        first = row[1] if len(row) > 1 and isinstance(row[1], str) else ""
        suffix = row[2] if len(row) > 2 and isinstance(row[2], str) else ""
        name = f"{first} {last} {suffix}" if suffix else f"{first} {last}" if first else last
        name = " ".join(name.split())
        if "\\" in name:
            name = decode_tex_accents(name)
        if not name:
            continue
        affiliation = None
        if len(row) > 3:
            affiliation = "; ".join(a for a in (_text(x) for x in row[3:]) if a) or None
        authors.append(Author(name, affiliation))
    return authors or _typed_authors(obj)


def _typed_authors(obj: dict[str, Any]) -> list[Author]:
    """The free-text ``authors`` field, the fallback when ``authors_parsed`` is missing or empty."""
    typed = obj.get("authors")
    return split_authors(typed) if isinstance(typed, str) else []


def parse_snapshot_record(obj: dict[str, Any], label: str = "arxiv-snapshot") -> Paper:
    """One snapshot object -> ``Paper``; ``label`` (e.g. ``file.jsonl:123``) names the line in errors."""
    raw_id = obj.get("id")
    if not raw_id or not isinstance(raw_id, str):
        raise IngestError(label, "record without id")
    try:  # the common new-style id is one fullmatch (arxiv_ids.parse tries it before any other shape)
        arxiv_id, _ = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise IngestError(label, f"{raw_id!r} is not an arXiv id") from exc
    title = _text(obj.get("title"))
    if not title:
        raise IngestError(label, f"record {arxiv_id} has no title")

    version = None
    first_created = last_created = None
    first_number = 1 << 30
    versions = obj.get("versions")
    for entry in versions if isinstance(versions, list) else ():
        if not isinstance(entry, dict):
            continue
        tag = entry.get("version") or ""
        number = version_number(tag)
        created = entry.get("created")
        if number is None or not isinstance(created, str | None):
            raise IngestError(label, f"record {arxiv_id}: unreadable version {tag!r} created {created!r}")
        if version is None or number > version:
            version, last_created = number, created
        if number < first_number:
            first_number, first_created = number, created
    try:
        submitted_at = parse_rfc822_utc(first_created) if first_created else None
        updated_at = parse_rfc822_utc(last_created) if last_created else None
    except ValueError as exc:
        raise IngestError(label, f"record {arxiv_id}: {exc}") from exc

    categories = obj.get("categories")
    categories = categories.split() if isinstance(categories, str) else []
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_text(obj.get("abstract")) or "",
        version=version,
        authors=_authors(obj),
        categories=categories,
        primary_category=categories[0] if categories else None,
        submitted_at=submitted_at,
        updated_at=updated_at,
        doi=_text(obj.get("doi")),
        journal_ref=_text(obj.get("journal-ref")),
        comments=_text(obj.get("comments")),
        license=_text(obj.get("license")),
    )
