"""Hugging Face daily papers: ``GET /api/daily_papers?date=`` responses and saved day files.

One day is one batch: it lands whole with its checkpoint, or not at all. A day whose content is not the API's
schema (for example entries saved as Python repr strings) is refused with the reason, never stored as empty.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

from paperboy.errors import IngestError
from paperboy.ingest.dates import parse_iso
from paperboy.ingest.http import PoliteClient
from paperboy.ingest.jsonsafe import int_or_none, loads, text_or_none
from paperboy.models import (
    Author,
    Batch,
    Checkpoint,
    DailyEntry,
    Failure,
    Organization,
    Paper,
    Submitter,
    split_arxiv_id,
)

DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
HF_AVATAR_HOST = "https://huggingface.co"
PAGE_LIMIT = 100


def _clean(text: object) -> str:
    """Titles and abstracts with their line breaks folded, as Hugging Face shows them."""
    return " ".join(text.split()) if isinstance(text, str) else ""


def _avatar(url: object) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    return HF_AVATAR_HOST + url if url.startswith("/") else url


def _organization(raw: object) -> Organization | None:
    name = text_or_none(raw.get("name")) if isinstance(raw, dict) else None
    if not name:
        return None
    return Organization(
        name=name, fullname=text_or_none(raw.get("fullname")), avatar_url=_avatar(raw.get("avatar"))
    )


def _submitter(entry: dict, paper: dict) -> Submitter | None:
    raw = entry.get("submittedBy") or paper.get("submittedOnDailyBy")
    if not isinstance(raw, dict):
        return None
    username = text_or_none(raw.get("name")) or text_or_none(raw.get("user"))
    if not username:
        return None
    return Submitter(
        username=username,
        fullname=text_or_none(raw.get("fullname")),
        avatar_url=_avatar(raw.get("avatarUrl")),
    )


def parse_entry(entry: object, position: int, label: str) -> tuple[Paper, dict]:
    """One API entry to a Paper; raise IngestError naming the position when it is not the API's shape."""
    if not isinstance(entry, dict):
        hint = (
            " (a Python repr string, not a JSON object)"
            if isinstance(entry, str) and entry.startswith("{'")
            else ""
        )
        raise IngestError(label, f"entry {position} is a {type(entry).__name__}{hint}, expected an object")
    paper = entry.get("paper")
    if not isinstance(paper, dict):
        raise IngestError(label, f"entry {position} has no 'paper' object")
    try:
        arxiv_id, version = split_arxiv_id(str(paper.get("id", "")))
    except ValueError as exc:
        raise IngestError(label, f"entry {position}: {exc}") from None
    title = _clean(paper.get("title") or entry.get("title"))
    if not title:
        raise IngestError(label, f"entry {position} ({arxiv_id}) has no title")
    raw_authors = paper.get("authors")
    authors = [
        Author(name=_clean(a.get("name")), hidden=a.get("hidden") is True)
        for a in (raw_authors if isinstance(raw_authors, list) else [])
        if isinstance(a, dict) and _clean(a.get("name"))
    ]
    keywords = paper.get("ai_keywords")
    record = Paper(
        arxiv_id=arxiv_id,
        version=version,
        title=title,
        abstract=_clean(paper.get("summary") or entry.get("summary")),
        authors=authors,
        submitted_at=parse_iso(paper.get("publishedAt")),
        github_repo=text_or_none(paper.get("githubRepo")),
        github_stars=int_or_none(paper.get("githubStars")),
        project_page=text_or_none(paper.get("projectPage")),
        organization=_organization(paper.get("organization") or entry.get("organization")),
        ai_summary=_clean(paper.get("ai_summary")) or None,
        ai_keywords=[k for k in map(text_or_none, keywords) if k] if isinstance(keywords, list) else None,
        upvotes=int_or_none(paper.get("upvotes")),
        num_comments=int_or_none(entry.get("numComments")),
        thumbnail=text_or_none(entry.get("thumbnail")),
    )
    return record, paper


def parse_day(data: object, day: date, label: str) -> tuple[list[Paper], list[DailyEntry]]:
    """A whole day's response; any bad entry rejects the day so a day is never half stored."""
    if not isinstance(data, list):
        raise IngestError(label, f"expected a JSON array of entries, got a JSON {type(data).__name__}")
    papers: list[Paper] = []
    entries: list[DailyEntry] = []
    for position, raw in enumerate(data):
        paper, raw_paper = parse_entry(raw, position, label)
        papers.append(paper)
        submitted = parse_iso(raw_paper.get("submittedOnDailyAt")) or parse_iso(raw.get("publishedAt"))
        entries.append(
            DailyEntry(
                day=day,
                arxiv_id=paper.arxiv_id,
                source="huggingface",
                submitter=_submitter(raw, raw_paper),
                submitted_at=submitted,
            )
        )
    return papers, entries


def _decode(body: bytes, label: str) -> object:
    return loads(body, label)


def _paper_id(entry: object) -> object:
    paper = entry.get("paper") if isinstance(entry, dict) else None
    return paper.get("id") if isinstance(paper, dict) else None


def day_batch(body: bytes, day: date, label: str, source: str) -> Batch | Failure:
    """A saved or fetched day file as one batch, or the reason it cannot be read."""
    try:
        data = _decode(body, label)
    except IngestError as exc:
        return Failure(label=label, reason=exc.reason)
    return _parsed_batch(data, day, label, source)


def _parsed_batch(data: object, day: date, label: str, source: str) -> Batch | Failure:
    try:
        papers, entries = parse_day(data, day, label)
    except IngestError as exc:
        return Failure(label=label, reason=exc.reason)
    checkpoint = Checkpoint(source=source, key=day.isoformat(), value=json.dumps({"papers": len(papers)}))
    return Batch(label=label, papers=papers, entries=entries, checkpoint=checkpoint)


def day_files(directory: Path) -> list[tuple[date, Path]]:
    """Day files directly in ``directory`` (sub-folders are not days), oldest first."""
    if not directory.is_dir():
        raise IngestError(str(directory), "not a directory")
    found = []
    for path in directory.iterdir():
        match = DAY_FILE.match(path.name)
        if match and path.is_file():
            try:
                found.append((date.fromisoformat(match.group(1)), path))
            except ValueError:
                continue
    return sorted(found)


def read_directory(
    files: Iterable[tuple[date, Path]], source: str, done: Callable[[str], bool]
) -> Iterator[Batch | Failure]:
    for day, path in files:
        if done(day.isoformat()):
            continue
        yield day_batch(path.read_bytes(), day, str(path), source)


def fetch_days(
    client: PoliteClient, endpoint: str, days: Iterable[date], source: str, done: Callable[[str], bool]
) -> Iterator[Batch | Failure]:
    """Fetch each day from the live API, paging until a short page, one batch per day."""
    url = endpoint.rstrip("/") + "/api/daily_papers"
    for day in days:
        if done(day.isoformat()):
            continue
        label = f"{url}?date={day.isoformat()}"
        entries: list = []
        try:
            for page in range(1000):
                response = client.get(url, params={"date": day.isoformat(), "limit": PAGE_LIMIT, "p": page})
                chunk = _decode(response.content, label)
                if not isinstance(chunk, list):
                    entries = chunk  # let parse_day name the problem
                    break
                seen = {str(_paper_id(e)) for e in entries if _paper_id(e) is not None}
                fresh = [e for e in chunk if _paper_id(e) is None or str(_paper_id(e)) not in seen]
                entries.extend(fresh)
                if len(chunk) < PAGE_LIMIT or not fresh:
                    break
        except IngestError as exc:
            yield Failure(label=label, reason=exc.reason)
            continue
        yield _parsed_batch(entries, day, label, source)
