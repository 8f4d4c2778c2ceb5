"""Plain records shared by every layer.

Adapters in ``ingest/`` turn upstream formats into these records and the store persists them. Keeping them
free of any import of ours lets the parsers be tested without a database and the store without a network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

# New-style ids (0704.0001, 2509.21268) and old-style ids (hep-th/9901001, math.GT/0309136), optional version
# (at most nine digits, so it always fits the store's 32-bit column).
_ARXIV_ID = re.compile(
    r"^(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}))(?:v(?P<version>\d{1,9}))?$"
)


def split_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Return (canonical id without version, version or None); raise ValueError for anything else.

    A paper's identity is its id without version, so every source funnels its ids through here.
    """
    text = raw.strip()
    for prefix in ("oai:arXiv.org:", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = re.sub(r"^https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/", "", text)
    text = text.removesuffix(".pdf")
    match = _ARXIV_ID.match(text)
    if not match:
        raise ValueError(f"not an arXiv id: {raw!r}")
    version = match.group("version")
    return match.group("id"), int(version) if version else None


@dataclass(slots=True)
class Author:
    name: str
    affiliation: str | None = None
    hidden: bool = False


@dataclass(slots=True)
class Organization:
    """A lab or company as Hugging Face names it (``name`` is the stable handle)."""

    name: str
    fullname: str | None = None
    avatar_url: str | None = None


@dataclass(slots=True)
class Submitter:
    """The person who featured a paper on a day's feed (a Hugging Face user or a local one)."""

    username: str
    fullname: str | None = None
    avatar_url: str | None = None


@dataclass(slots=True)
class Paper:
    """Everything a source may tell about one paper; ``None`` means "this source does not say".

    Fields that a source leaves as ``None`` never erase what another source said: the store merges records
    of one paper from every source on ``arxiv_id``.
    """

    arxiv_id: str
    title: str
    abstract: str = ""
    version: int | None = None
    authors: list[Author] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    announced_on: date | None = None
    doi: str | None = None
    journal_ref: str | None = None
    comments: str | None = None
    license: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: Organization | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    upvotes: int | None = None
    num_comments: int | None = None
    thumbnail: str | None = None
    withdrawn: bool = False


@dataclass(slots=True)
class DailyEntry:
    """A paper featured on the feed of ``day``, by whom and through which source."""

    day: date
    arxiv_id: str
    source: str
    submitter: Submitter | None = None
    submitted_at: datetime | None = None


@dataclass(slots=True)
class Checkpoint:
    """Where a source stands: committed in the same transaction as the rows it produced."""

    source: str
    key: str
    value: str


@dataclass(slots=True)
class Batch:
    """One unit of ingest that lands whole or not at all (a day file, an API page, a block of lines)."""

    label: str
    papers: list[Paper] = field(default_factory=list)
    entries: list[DailyEntry] = field(default_factory=list)
    checkpoint: Checkpoint | None = None
    deleted_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Failure:
    """A batch that could not be read: ``label`` names the file or URL, ``reason`` says what was wrong."""

    label: str
    reason: str
