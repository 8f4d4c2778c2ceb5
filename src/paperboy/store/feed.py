"""Read side of papers and daily feeds, shared by the HTML pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Author, Organization, Paper, Submitter
from paperboy.store.dialect import as_utc
from paperboy.store.schema import comments, daily_entries, organizations, papers, users, votes

SORTS = ("publishedAt", "trending")


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


def _authors(raw: list | None) -> list[Author]:
    return [
        Author(name=a.get("name", ""), affiliation=a.get("affiliation"), hidden=bool(a.get("hidden")))
        for a in raw or []
    ]


def _paper_from_row(row: sa.Row) -> Paper:
    m = row._mapping
    org = (
        Organization(name=m["org_name"], fullname=m["org_fullname"], avatar_url=m["org_avatar"])
        if m["org_name"]
        else None
    )
    return Paper(
        arxiv_id=m["arxiv_id"],
        title=m["title"],
        abstract=m["abstract"],
        version=m["version"],
        authors=_authors(m["authors"]),
        categories=list(m["categories"] or []),
        primary_category=m["primary_category"],
        submitted_at=as_utc(m["submitted_at"]),
        updated_at=as_utc(m["updated_at"]),
        announced_on=m["announced_on"],
        doi=m["doi"],
        journal_ref=m["journal_ref"],
        comments=m["comments"],
        license=m["license"],
        github_repo=m["github_repo"],
        github_stars=m["github_stars"],
        project_page=m["project_page"],
        organization=org,
        ai_summary=m["ai_summary"],
        ai_keywords=m["ai_keywords"],
        upvotes=m["hf_upvotes"],
        num_comments=m["hf_num_comments"],
        thumbnail=m["thumbnail"],
        withdrawn=m["withdrawn"],
    )


def _view(row: sa.Row) -> PaperView:
    paper = _paper_from_row(row)
    m = row._mapping
    hf_votes, local = paper.upvotes or 0, m["local_votes"] or 0
    return PaperView(
        paper=paper,
        upvotes=hf_votes + local,
        num_comments=(paper.num_comments or 0) + (m["local_comments"] or 0),
        paper_id=m["id"],
        hf_upvotes=hf_votes,
        local_upvotes=local,
        hidden=m["hidden_at"] is not None,
    )


LOCAL_VOTES = (
    sa.select(sa.func.count()).where(votes.c.paper_id == papers.c.id).correlate(papers).scalar_subquery()
)
LOCAL_COMMENTS = (
    sa.select(sa.func.count())
    .where(
        comments.c.paper_id == papers.c.id, comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None)
    )
    .correlate(papers)
    .scalar_subquery()
)
TOTAL_UPVOTES = papers.c.hf_upvotes + LOCAL_VOTES
VISIBLE = papers.c.hidden_at.is_(None)


def _paper_columns() -> list:
    return [
        *[c for c in papers.c],
        LOCAL_VOTES.label("local_votes"),
        LOCAL_COMMENTS.label("local_comments"),
        organizations.c.name.label("org_name"),
        organizations.c.fullname.label("org_fullname"),
        organizations.c.avatar_url.label("org_avatar"),
    ]


def _papers_with_org():  # type: ignore[no-untyped-def]
    return papers.outerjoin(organizations, papers.c.organization_id == organizations.c.id)


def any_categories(conn: Connection) -> bool:
    """Whether at least one paper has an arXiv category (one index probe)."""
    query = sa.select(papers.c.id).where(papers.c.primary_category.is_not(None)).limit(1)
    return conn.execute(query).first() is not None


def get_paper(conn: Connection, arxiv_id: str) -> PaperView | None:
    row = conn.execute(
        sa.select(*_paper_columns()).select_from(_papers_with_org()).where(papers.c.arxiv_id == arxiv_id)
    ).first()
    if row is None:
        return None
    view = _view(row)
    days = conn.execute(
        sa.select(daily_entries.c.day).where(daily_entries.c.paper_id == row.id).order_by(daily_entries.c.day)
    )
    view.featured_on = [d for (d,) in days]
    return view


def feed(
    conn: Connection,
    start: date,
    end: date,
    sort: str = "trending",
    limit: int = 50,
    offset: int = 0,
    submitter: str | None = None,
) -> list[FeedItem]:
    """Papers featured between ``start`` and ``end`` inclusive; a paper featured twice appears once."""
    first_day = (
        sa.select(daily_entries.c.paper_id, sa.func.min(daily_entries.c.day).label("day"))
        .where(daily_entries.c.day.between(start, end))
        .group_by(daily_entries.c.paper_id)
        .subquery()
    )
    entries = first_day.join(
        daily_entries,
        sa.and_(daily_entries.c.paper_id == first_day.c.paper_id, daily_entries.c.day == first_day.c.day),
    )
    query = _entry_select(entries).where(VISIBLE)
    if submitter:
        query = query.where(users.c.username == submitter)
    if sort == "publishedAt":
        query = query.order_by(daily_entries.c.submitted_at.desc(), TOTAL_UPVOTES.desc(), papers.c.id)
    else:
        query = query.order_by(TOTAL_UPVOTES.desc(), daily_entries.c.submitted_at.desc(), papers.c.id)
    return [_item(row) for row in conn.execute(query.limit(limit).offset(offset))]


def first_feature(conn: Connection, paper_id: int) -> FeedItem | None:
    """The paper's first daily entry (who featured it, when): one indexed row, not a day's whole feed."""
    query = _entry_select(daily_entries).where(daily_entries.c.paper_id == paper_id)
    row = conn.execute(query.order_by(daily_entries.c.day).limit(1)).first()
    return _item(row) if row is not None else None


def _entry_select(entries):  # type: ignore[no-untyped-def]
    """Papers with the daily entry each is shown under, its organization and its submitter."""
    return sa.select(
        *_paper_columns(),
        daily_entries.c.day.label("entry_day"),
        daily_entries.c.source.label("entry_source"),
        daily_entries.c.submitted_at.label("entry_submitted_at"),
        users.c.username,
        users.c.fullname.label("user_fullname"),
        users.c.avatar_url.label("user_avatar"),
    ).select_from(
        entries.join(papers, papers.c.id == daily_entries.c.paper_id)
        .outerjoin(organizations, papers.c.organization_id == organizations.c.id)
        .outerjoin(users, users.c.id == daily_entries.c.submitter_id)
    )


def _item(row: sa.Row) -> FeedItem:
    m = row._mapping
    who = Submitter(m["username"], m["user_fullname"], m["user_avatar"]) if m["username"] else None
    return FeedItem(
        view=_view(row),
        day=m["entry_day"],
        source=m["entry_source"],
        submitter=who,
        submitted_at=as_utc(m["entry_submitted_at"]),
    )


def count_feed(conn: Connection, start: date, end: date) -> int:
    return conn.execute(
        sa.select(sa.func.count(sa.distinct(daily_entries.c.paper_id)))
        .join(papers, papers.c.id == daily_entries.c.paper_id)
        .where(daily_entries.c.day.between(start, end), VISIBLE)
    ).scalar_one()


def latest_day(conn: Connection) -> date | None:
    return conn.execute(sa.select(sa.func.max(daily_entries.c.day))).scalar()


def neighbour_days(conn: Connection, day: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have papers, for previous / next links."""
    before = conn.execute(
        sa.select(sa.func.max(daily_entries.c.day)).where(daily_entries.c.day < day)
    ).scalar()
    after = conn.execute(
        sa.select(sa.func.min(daily_entries.c.day)).where(daily_entries.c.day > day)
    ).scalar()
    return before, after


def stats(conn: Connection) -> dict[str, object]:
    def count(table: sa.Table) -> int:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()

    span = conn.execute(sa.select(sa.func.min(daily_entries.c.day), sa.func.max(daily_entries.c.day))).first()
    return {
        "papers": count(papers),
        "daily_entries": count(daily_entries),
        "days": conn.execute(sa.select(sa.func.count(sa.distinct(daily_entries.c.day)))).scalar_one(),
        "organizations": count(organizations),
        "users": count(users),
        "first_day": span[0] if span else None,
        "last_day": span[1] if span else None,
    }
