"""Plain records shared by every layer.

Adapters in ``ingest/`` turn upstream formats into these records and the store persists them. Keeping them
free of any import of ours lets the parsers be tested without a database and the store without a network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# One grammar for every arXiv id spelling lives in ``paperboy.arxiv_ids``; re-exported for the callers here.
from paperboy.arxiv_ids import split as split_arxiv_id  # noqa: F401


@dataclass(slots=True)
class Author:
    name: str
    affiliation: str | None = None
    hidden: bool = False


@dataclass(slots=True)
class Organization:
    """A lab or company: ``name`` is its stable handle (as Hugging Face names it), ``fullname`` its name."""

    name: str
    fullname: str | None = None
    avatar_url: str | None = None
    # On papers read from the store, ``name`` is the canonical organization's handle and ``fullname`` its
    # display name, while ``source`` is the handle as Hugging Face gave it (the JSON API answers with that).
    source: Organization | None = None


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
class PaperView:
    """A stored paper with what the pages show beside it."""

    paper: Paper
    upvotes: int  # imported baseline + local votes
    num_comments: int  # imported count + visible local comments
    paper_id: int = 0
    hf_upvotes: int = 0
    local_upvotes: int = 0
    hidden: bool = False
    featured_on: list[date] = field(default_factory=list)


@dataclass(slots=True)
class FeedItem:
    """One paper on one day's feed."""

    view: PaperView
    day: date
    source: str
    submitter: Submitter | None
    submitted_at: datetime | None


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
