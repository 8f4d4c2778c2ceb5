"""arXiv API (``export.arxiv.org/api/query``) Atom responses -> ``Paper`` records.

Both generations of the API are read by namespace, not by prefix or element order, which is what differs
between them: 2016 declares ``opensearch``/``arxiv`` on each element and orders entries differently from
2026. An error response is an ordinary feed whose single entry is titled "Error"; it is refused loudly so
that it can never be stored as a paper called "Error". An entry that cannot be read (no id, no title, a bad
date) is set aside with its reason in ``AtomPage.rejected`` and the rest of the page is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from paperboy.errors import IngestError
from paperboy.ingest.dates import plausible
from paperboy.ingest.xmlsafe import clean_text, find_text, local_name, parse_xml
from paperboy.models import Author, Paper, split_arxiv_id

__all__ = ["AtomPage", "parse_atom_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
_ERROR_ID_MARKERS = ("arxiv.org/api/errors",)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


@dataclass(slots=True)
class AtomPage:
    """One page of API results plus the OpenSearch numbers a harvester needs to ask for the next page.

    ``rejected`` holds one reason per unreadable entry, each naming the entry, for the caller to report.
    """

    papers: list[Paper] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    total_results: int = 0
    start_index: int = 0
    items_per_page: int = 0


def parse_atom_feed(data: bytes, label: str) -> AtomPage:
    """Parse one API response body; raise ``IngestError(label, ...)`` for bad XML or an API error entry."""
    root = parse_xml(data, label)
    if root.tag != f"{ATOM}feed":
        raise IngestError(label, f"not an Atom feed (root element <{local_name(root)}>)")
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        _refuse_error_entry(entry, label)
    papers: list[Paper] = []
    rejected: list[str] = []
    for entry in entries:
        try:
            papers.append(_parse_entry(entry, label))
        except IngestError as exc:
            rejected.append(exc.reason)
    return AtomPage(
        papers=papers,
        rejected=rejected,
        total_results=_opensearch_int(root, "totalResults", label, default=len(entries)),
        start_index=_opensearch_int(root, "startIndex", label, default=0),
        items_per_page=_opensearch_int(root, "itemsPerPage", label, default=len(entries)),
    )


def _refuse_error_entry(entry: etree._Element, label: str) -> None:
    """The API reports bad queries (HTTP 400) as an entry titled "Error" under ``/api/errors``."""
    entry_id = find_text(entry, f"{ATOM}id") or ""
    title = find_text(entry, f"{ATOM}title") or ""
    is_error_id = any(marker in entry_id for marker in _ERROR_ID_MARKERS)
    if is_error_id or (title == "Error" and "/abs/" not in entry_id):
        summary = find_text(entry, f"{ATOM}summary") or "arXiv API returned an error entry"
        raise IngestError(label, summary)


def _opensearch_int(root: etree._Element, name: str, label: str, *, default: int) -> int:
    text = find_text(root, f"{OPENSEARCH}{name}")
    if text is None:
        return default
    try:
        return int(text)
    except ValueError as exc:
        raise IngestError(label, f"opensearch:{name} is not a number: {text!r}") from exc


def _timestamp(entry: etree._Element, entry_id: str, name: str, label: str) -> datetime | None:
    text = find_text(entry, f"{ATOM}{name}")
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # OverflowError: the year 9999 or 1 pushed past the calendar
        raise IngestError(label, f"entry {entry_id}: <{name}> is not an ISO-8601 time: {text!r}") from exc
    if not plausible(value):
        raise IngestError(label, f"entry {entry_id}: <{name}> is before 1900: {text!r}")
    return value


def _authors(entry: etree._Element) -> list[Author]:
    authors: list[Author] = []
    for node in entry.iterfind(f"{ATOM}author"):
        name = find_text(node, f"{ATOM}name")
        if not name:
            continue
        affiliations = [clean_text(a.text) for a in node.iterfind(f"{ARXIV}affiliation")]
        authors.append(Author(name=name, affiliation="; ".join(a for a in affiliations if a) or None))
    return authors


def _categories(entry: etree._Element) -> tuple[list[str], str | None]:
    """Categories in document order, with the primary one guaranteed present (first when it was missing)."""
    categories: list[str] = []
    for node in entry.iterfind(f"{ATOM}category"):
        term = clean_text(node.get("term"))
        if term and term not in categories:
            categories.append(term)
    primary_node = entry.find(f"{ARXIV}primary_category")
    primary = clean_text(primary_node.get("term")) if primary_node is not None else ""
    if primary and primary not in categories:
        categories.insert(0, primary)
    return categories, primary or (categories[0] if categories else None)


def _doi(entry: etree._Element) -> str | None:
    doi = find_text(entry, f"{ARXIV}doi")
    if doi:
        return doi
    for link in entry.iterfind(f"{ATOM}link"):
        href = link.get("href") or ""
        if link.get("title") == "doi":
            for prefix in _DOI_PREFIXES:
                if href.startswith(prefix):
                    return href[len(prefix) :] or None
    return None


def _parse_entry(entry: etree._Element, label: str) -> Paper:
    raw_id = find_text(entry, f"{ATOM}id")
    if not raw_id:
        raise IngestError(label, "entry without <id>")
    try:
        arxiv_id, version = split_arxiv_id(raw_id)
    except ValueError as exc:
        raise IngestError(label, f"entry id {raw_id!r} is not an arXiv id") from exc
    title = find_text(entry, f"{ATOM}title")
    if not title:
        raise IngestError(label, f"entry {arxiv_id} has no title")
    categories, primary = _categories(entry)
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=find_text(entry, f"{ATOM}summary") or "",
        version=version,
        authors=_authors(entry),
        categories=categories,
        primary_category=primary,
        submitted_at=_timestamp(entry, arxiv_id, "published", label),
        updated_at=_timestamp(entry, arxiv_id, "updated", label),
        doi=_doi(entry),
        journal_ref=find_text(entry, f"{ARXIV}journal_ref"),
        comments=find_text(entry, f"{ARXIV}comment"),
        license=find_text(entry, f"{ARXIV}license") or find_text(entry, f"{ATOM}rights"),
    )
