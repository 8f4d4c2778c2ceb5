"""arXiv OAI-PMH (``export.arxiv.org/oai2``) ListRecords / GetRecord responses -> ``Paper`` records.

OAI-PMH is how a deployment back-fills or follows all of arXiv incrementally: each page carries a resumption
token, deleted records arrive as bare headers, and protocol errors arrive as an ``<error code>`` element with
HTTP 200. Two metadata formats are read: ``arXivRaw`` (full version history, one typed author string) and
``arXiv`` (structured authors, dates only). Every text node is whitespace-collapsed because real responses are
hard-wrapped and some recordings are re-indented. A record that cannot be read is set aside with its reason in
``OaiPage.rejected``; the rest of the page, and the resumption token, are kept, so one odd record never stalls
a harvest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from paperboy.errors import IngestError
from paperboy.ingest.dates import plausible
from paperboy.ingest.normalize import decode_tex_accents, parse_rfc822_utc, split_authors, version_number
from paperboy.ingest.xmlsafe import clean_text, find_text, local_name, parse_xml
from paperboy.models import Author, Paper, split_arxiv_id

__all__ = ["OaiError", "OaiPage", "parse_list_records"]

OAI = "{http://www.openarchives.org/OAI/2.0/}"
RAW = "{http://arxiv.org/OAI/arXivRaw/}"
ARX = "{http://arxiv.org/OAI/arXiv/}"


class OaiError(IngestError):
    """An OAI-PMH protocol error; ``code`` lets a harvester react (restart on ``badResumptionToken``)."""

    def __init__(self, label: str, code: str, message: str) -> None:
        super().__init__(label, f"OAI-PMH error {code}: {message}" if message else f"OAI-PMH error {code}")
        self.code = code


@dataclass(slots=True)
class OaiPage:
    """One response: its papers, the ids arXiv deleted, and where the next page starts (``None`` = done).

    ``rejected`` holds one reason per unreadable record, each naming the record, for the caller to report.
    """

    papers: list[Paper] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    deleted_ids: list[str] = field(default_factory=list)
    resumption_token: str | None = None
    complete_list_size: int | None = None
    cursor: int | None = None


def parse_list_records(data: bytes, label: str) -> OaiPage:
    """Parse a ListRecords or GetRecord response; ``noRecordsMatch`` is an empty page, other errors raise."""
    root = parse_xml(data, label)
    if root.tag != f"{OAI}OAI-PMH":
        raise IngestError(label, f"not an OAI-PMH response (root element <{local_name(root)}>)")
    errors = root.findall(f"{OAI}error")
    if errors:
        codes = [e.get("code") or "unknown" for e in errors]
        if all(code == "noRecordsMatch" for code in codes):
            return OaiPage(complete_list_size=0)
        first = next(e for e in errors if e.get("code") != "noRecordsMatch")
        raise OaiError(label, first.get("code") or "unknown", clean_text(first.text))
    container = root.find(f"{OAI}ListRecords")
    if container is None:
        container = root.find(f"{OAI}GetRecord")
    if container is None:
        raise IngestError(label, "response has neither <ListRecords> nor <GetRecord>")
    page = OaiPage()
    for record in container.iterfind(f"{OAI}record"):
        try:
            _add_record(page, record, label)
        except IngestError as exc:
            identifier = record.findtext(f"{OAI}header/{OAI}identifier") or "without identifier"
            identifier = clean_text(identifier)
            named = identifier in exc.reason or "record " in exc.reason
            page.rejected.append(exc.reason if named else f"record {identifier}: {exc.reason}")
    token = container.find(f"{OAI}resumptionToken")
    if token is not None:
        page.resumption_token = clean_text(token.text) or None
        page.complete_list_size = _optional_int(token.get("completeListSize"), "completeListSize", label)
        page.cursor = _optional_int(token.get("cursor"), "cursor", label)
    return page


def _optional_int(text: str | None, name: str, label: str) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise IngestError(label, f"resumptionToken {name} is not a number: {text!r}") from exc


def _canonical(raw: str, label: str) -> str:
    try:
        return split_arxiv_id(raw)[0]
    except ValueError as exc:
        raise IngestError(label, f"{raw!r} is not an arXiv id") from exc


def _add_record(page: OaiPage, record: etree._Element, label: str) -> None:
    header = record.find(f"{OAI}header")
    if header is None:
        raise IngestError(label, "record without <header>")
    identifier = find_text(header, f"{OAI}identifier") or ""
    if header.get("status") == "deleted":
        page.deleted_ids.append(_canonical(identifier, label))
        return
    metadata = record.find(f"{OAI}metadata")
    body = next(iter(metadata), None) if metadata is not None else None
    if body is None:
        raise IngestError(label, f"record {identifier} has no metadata")
    if body.tag == f"{RAW}arXivRaw":
        page.papers.append(_parse_raw(body, label))
    elif body.tag == f"{ARX}arXiv":
        page.papers.append(_parse_arxiv(body, label))
    else:
        raise IngestError(label, f"record {identifier}: unsupported metadata format {body.tag}")


def _common(body: etree._Element, ns: str, label: str) -> dict[str, Any]:
    """Fields both formats spell the same way; the id and title are required."""
    raw_id = find_text(body, f"{ns}id")
    if not raw_id:
        raise IngestError(label, "record without <id>")
    arxiv_id = _canonical(raw_id, label)
    title = find_text(body, f"{ns}title")
    if not title:
        raise IngestError(label, f"record {arxiv_id} has no title")
    categories = (find_text(body, f"{ns}categories") or "").split()
    return {
        "arxiv_id": arxiv_id,
        "title": title,
        "abstract": find_text(body, f"{ns}abstract") or "",
        "categories": categories,
        "primary_category": categories[0] if categories else None,
        "doi": find_text(body, f"{ns}doi"),
        "journal_ref": find_text(body, f"{ns}journal-ref"),
        "comments": find_text(body, f"{ns}comments"),
        "license": find_text(body, f"{ns}license"),
    }


def _parse_raw(body: etree._Element, label: str) -> Paper:
    """arXivRaw: versions with RFC-822 dates; a last version of 0kb with source type I is a withdrawal."""
    fields = _common(body, RAW, label)
    versions: list[tuple[int, datetime, str, str]] = []
    for node in body.iterfind(f"{RAW}version"):
        tag = (node.get("version") or "").strip()
        number = version_number(tag)
        date_text = find_text(node, f"{RAW}date")
        if number is None or not date_text:
            raise IngestError(label, f"record {fields['arxiv_id']}: unreadable version {tag!r}")
        try:
            when = parse_rfc822_utc(date_text)
        except ValueError as exc:
            raise IngestError(label, f"record {fields['arxiv_id']}: {exc}") from exc
        size = find_text(node, f"{RAW}size") or ""
        source_type = find_text(node, f"{RAW}source_type") or ""
        versions.append((number, when, size, source_type))
    versions.sort(key=lambda v: v[0])
    latest = versions[-1] if versions else None
    return Paper(
        **fields,
        version=latest[0] if latest else None,
        authors=split_authors(find_text(body, f"{RAW}authors")),
        submitted_at=versions[0][1] if versions else None,
        updated_at=latest[1] if latest else None,
        withdrawn=bool(latest and latest[2] == "0kb" and latest[3] == "I"),
    )


def _day(text: str | None, name: str, label: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise IngestError(label, f"<{name}> is not a YYYY-MM-DD date: {text!r}") from exc
    if not plausible(value):
        raise IngestError(label, f"<{name}> is before 1900: {text!r}")
    return value


def _parse_arxiv(body: etree._Element, label: str) -> Paper:
    """arXiv format: structured authors, ``created``/``updated`` days, no version numbers."""
    fields = _common(body, ARX, label)
    authors: list[Author] = []
    for node in body.iterfind(f"{ARX}authors/{ARX}author"):
        parts = [find_text(node, f"{ARX}{part}") for part in ("forenames", "keyname", "suffix")]
        name = decode_tex_accents(" ".join(p for p in parts if p))
        if not name:
            continue
        affiliations = [clean_text(a.text) for a in node.iterfind(f"{ARX}affiliation") if clean_text(a.text)]
        authors.append(Author(name=name, affiliation=decode_tex_accents("; ".join(affiliations)) or None))
    created = _day(find_text(body, f"{ARX}created"), "created", label)
    return Paper(
        **fields,
        authors=authors,
        submitted_at=created,
        updated_at=_day(find_text(body, f"{ARX}updated"), "updated", label) or created,
    )
