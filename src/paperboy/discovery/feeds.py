"""RSS 2.0 and Atom documents for a list of papers, built with feedgen (pure: records in, bytes out).

feedgen writes through lxml, so every title, name and abstract is escaped as XML text; what lxml refuses
outright (control characters that XML 1.0 cannot carry, which do turn up in scraped metadata) is removed
first, so one bad record cannot turn a whole feed into a 500.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from feedgen.feed import FeedGenerator

from paperboy import __version__
from paperboy.models import PaperView

Format = Literal["rss", "atom"]
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedItemOut:
    """One paper in a feed and the moment it counts from (when featured, else when published)."""

    view: PaperView
    published: datetime | None


@dataclass(frozen=True, slots=True)
class FeedMeta:
    title: str
    description: str
    page_url: str  # the HTML page this feed mirrors
    feed_url: str  # this document's own address (rel="self")
    site_name: str
    base_url: str  # papers link to {base_url}/papers/{id}


def clean(text: str | None) -> str:
    """Plain one-paragraph text that XML can carry: invalid characters dropped, whitespace collapsed."""
    return " ".join(_NOT_XML.sub("", text or "").split())


def paper_url(base_url: str, arxiv_id: str) -> str:
    return f"{base_url.rstrip('/')}/papers/{arxiv_id}"


def _entry(fg: FeedGenerator, meta: FeedMeta, item: FeedItemOut, kind: Format, fallback: datetime) -> None:
    paper = item.view.paper
    url = paper_url(meta.base_url, paper.arxiv_id)
    names = [clean(a.name) for a in paper.authors if not a.hidden and clean(a.name)]
    when = (item.published or paper.submitted_at or fallback).astimezone(UTC)
    entry = fg.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(clean(paper.title) or paper.arxiv_id)
    entry.link(href=url, rel="alternate")
    if names:
        entry.author([{"name": name} for name in names])  # Atom <author>; RSS needs an email, so:
        entry.dc.dc_creator(", ".join(names))  # RSS <dc:creator>
    text = clean(paper.abstract) or clean(paper.title)
    if kind == "atom":
        entry.summary(text, type="text")  # Atom says it is plain text
    else:
        entry.description(html.escape(text))  # RSS descriptions are HTML: "<think>" must stay text
    entry.published(when)
    entry.updated(when)
    if paper.primary_category:
        entry.category(term=clean(paper.primary_category))


def build_feed(meta: FeedMeta, items: list[FeedItemOut], kind: Format, now: datetime | None = None) -> bytes:
    """The feed document; entries keep the order given (the page's order)."""
    now = now or datetime.now(UTC)
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(meta.page_url)
    fg.title(clean(meta.title))
    fg.description(clean(meta.description))  # also Atom's subtitle
    fg.author({"name": clean(meta.site_name) or "paperboy"})  # Atom needs one where entries have none
    fg.link(href=meta.feed_url, rel="self", type=MEDIA_TYPES[kind])
    fg.link(href=meta.page_url, rel="alternate")  # last: feedgen makes the last link RSS's <link>
    fg.language("en")
    fg.generator("paperboy", version=__version__)
    times = [i.published or i.view.paper.submitted_at for i in items]
    fg.updated(max((t for t in times if t is not None), default=now))
    for item in items:
        _entry(fg, meta, item, kind, now)
    return fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
