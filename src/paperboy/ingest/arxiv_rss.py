"""arXiv daily listing feeds (``rss.arxiv.org/rss/<cat>``, ``rss.arxiv.org/atom/<cat>``) -> ``ListingItem``s.

The listing feeds are the cheapest way to learn what arXiv announced today and *why* a paper appears (new
submission, cross-list, replacement), which is what auto-feature rules such as "all new cs.LG papers" need.
Both the RSS 2.0 and the Atom flavour carry ``<arxiv:announce_type>``, a ``oai:arXiv.org:<id>v<N>``
identifier, a description "arXiv:<id>vN Announce Type: new \\nAbstract: ..." and the authors as one
``dc:creator`` string with affiliations in parentheses; an Atom feed may instead list ``<author><name>``
elements. An item that cannot be read (no id, an unknown announce type, no date) is set aside with its reason
in ``ListingPage.rejected`` and the other items of the day are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from paperboy.errors import IngestError
from paperboy.ingest.dates import plausible
from paperboy.ingest.normalize import parse_rfc822, split_authors
from paperboy.ingest.xmlsafe import clean_text, find_text, local_name, parse_xml
from paperboy.models import Author, Paper, split_arxiv_id

__all__ = ["ANNOUNCE_TYPES", "ListingItem", "ListingPage", "parse_listing_feed"]

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
# "absonly" appears in arXiv's feed code for abstract-only updates; kept so such items are not lost.
ANNOUNCE_TYPES = frozenset({"new", "cross", "replace", "replace-cross", "absonly"})
_HEADER = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*", re.IGNORECASE)


@dataclass(slots=True)
class ListingItem:
    """A paper as announced on one day, and how (``new``, ``cross``, ``replace``, ``replace-cross``)."""

    paper: Paper
    announce_type: str
    announced_on: date


@dataclass(slots=True)
class ListingPage:
    """One listing feed: its readable items, and one reason per item that could not be read."""

    items: list[ListingItem]
    rejected: list[str]


def parse_listing_feed(data: bytes, label: str) -> ListingPage:
    """Parse an RSS 2.0 or Atom listing feed; an empty listing (weekends, holidays) has no items."""
    root = parse_xml(data, label)
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise IngestError(label, "RSS feed without <channel>")
        default_day = _rss_day(find_text(channel, "pubDate") or find_text(channel, "lastBuildDate"), label)
        return _page(channel.iterfind("item"), lambda item: _rss_item(item, default_day, label))
    if root.tag == f"{ATOM}feed":
        default_day = _iso_day(find_text(root, f"{ATOM}updated"), label)
        return _page(root.iterfind(f"{ATOM}entry"), lambda entry: _atom_entry(entry, default_day, label))
    raise IngestError(label, f"not an RSS or Atom listing feed (root element <{local_name(root)}>)")


def _page(nodes: Iterable[etree._Element], parse: Callable[[etree._Element], ListingItem]) -> ListingPage:
    page = ListingPage(items=[], rejected=[])
    for position, node in enumerate(nodes):
        try:
            page.items.append(parse(node))
        except IngestError as exc:
            named = exc.reason.startswith("item ")
            page.rejected.append(exc.reason if named else f"item {position}: {exc.reason}")
    return page


def _rss_day(text: str | None, label: str) -> date | None:
    """The announcement day as arXiv states it (``00:00:00 -0500`` is that day in New York, not UTC)."""
    if not text:
        return None
    try:
        return parse_rfc822(text).date()
    except ValueError as exc:
        raise IngestError(label, str(exc)) from exc


def _iso_day(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        day = datetime.fromisoformat(text).date()
    except ValueError as exc:
        raise IngestError(label, f"not an ISO-8601 time: {text!r}") from exc
    if not plausible(day):
        raise IngestError(label, f"date before 1900: {text!r}")
    return day


def _split_description(text: str | None) -> tuple[str | None, str | None, str]:
    """``arXiv:<id>vN Announce Type: <type> Abstract: <abstract>`` -> (id, type, abstract)."""
    text = text or ""
    match = _HEADER.match(text)
    raw_id, kind = (match.group("id"), match.group("type").lower()) if match else (None, None)
    body = text[match.end() :] if match else text
    body = body.lstrip()
    if body.startswith("Abstract:"):
        body = body[len("Abstract:") :]
    return raw_id, kind, clean_text(body)


def _first_id(candidates: list[str | None]) -> tuple[str, int | None] | None:
    """The first candidate that is a real arXiv id: guid/id, then the description header, then the link."""
    for raw in candidates:
        if raw:
            try:
                return split_arxiv_id(raw)
            except ValueError:
                continue
    return None


def _build(
    *,
    raw_id: str | None,
    links: list[str | None],
    title: str | None,
    description: str | None,
    declared_type: str | None,
    authors: list[Author],
    categories: list[str],
    day: date | None,
    extra: dict[str, str | None],
    label: str,
) -> ListingItem:
    """Shared tail of both flavours: identity, announce type and day are required, the rest is optional."""
    header_id, header_type, abstract = _split_description(description)
    identity = _first_id([raw_id, header_id, *links])
    if identity is None:
        raise IngestError(label, f"item {title or '?'!r} has no arXiv id")
    arxiv_id, version = identity
    announce_type = (declared_type or header_type or "").lower()
    if announce_type not in ANNOUNCE_TYPES:
        raise IngestError(label, f"item {arxiv_id}: unknown announce type {announce_type or None!r}")
    if not title:
        raise IngestError(label, f"item {arxiv_id} has no title")
    if day is None:
        raise IngestError(label, f"item {arxiv_id} has no announcement date")
    unique = list(dict.fromkeys(c for c in categories if c))
    paper = Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        version=version,
        authors=authors,
        categories=unique,
        primary_category=unique[0] if unique else None,
        announced_on=day,
        **extra,
    )
    return ListingItem(paper=paper, announce_type=announce_type, announced_on=day)


def _extra(node: etree._Element, rights: str | None) -> dict[str, str | None]:
    """DOI and journal reference (arXiv's feed spells them ``arxiv:DOI`` / ``arxiv:journal_reference``)."""
    return {
        "doi": find_text(node, f"{ARXIV}DOI") or find_text(node, f"{ARXIV}doi"),
        "journal_ref": find_text(node, f"{ARXIV}journal_reference") or find_text(node, f"{ARXIV}journal_ref"),
        "comments": find_text(node, f"{ARXIV}comment"),
        "license": find_text(node, f"{DC}rights") or rights,
    }


def _rss_item(item: etree._Element, default_day: date | None, label: str) -> ListingItem:
    return _build(
        raw_id=find_text(item, "guid"),
        links=[find_text(item, "link")],
        title=find_text(item, "title"),
        description=item.findtext("description"),
        declared_type=find_text(item, f"{ARXIV}announce_type"),
        authors=split_authors(find_text(item, f"{DC}creator")),
        categories=[clean_text(c.text) for c in item.iterfind("category")],
        day=_rss_day(find_text(item, "pubDate"), label) or default_day,
        extra=_extra(item, None),
        label=label,
    )


def _atom_entry(entry: etree._Element, default_day: date | None, label: str) -> ListingItem:
    creator = find_text(entry, f"{DC}creator")
    if creator:
        authors = split_authors(creator)
    else:
        names = (find_text(a, f"{ATOM}name") for a in entry.iterfind(f"{ATOM}author"))
        authors = [Author(name=name) for name in names if name]
    links = [n.get("href") for n in entry.iterfind(f"{ATOM}link") if n.get("rel", "alternate") == "alternate"]
    return _build(
        raw_id=find_text(entry, f"{ATOM}id"),
        links=links,
        title=find_text(entry, f"{ATOM}title"),
        description=entry.findtext(f"{ATOM}summary"),
        declared_type=find_text(entry, f"{ARXIV}announce_type"),
        authors=authors,
        categories=[clean_text(c.get("term")) for c in entry.iterfind(f"{ATOM}category")],
        day=_iso_day(find_text(entry, f"{ATOM}published"), label) or default_day,
        extra=_extra(entry, find_text(entry, f"{ATOM}rights")),
        label=label,
    )
