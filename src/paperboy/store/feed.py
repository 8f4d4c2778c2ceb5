"""Read side of the daily feeds, shared by the HTML pages and the JSON API (papers come from ``papers``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import FeedItem, Submitter
from paperboy.store.dialect import as_utc
from paperboy.store.papers import TOTAL_UPVOTES, VISIBLE, view_columns, view_of, with_organization
from paperboy.store.schema import daily_entries, organizations, papers, users


def feed(
    conn: Connection,
    start: date,
    end: date,
    sort: Literal["upvotes", "publishedAt"] = "upvotes",
    limit: int = 50,
    offset: int = 0,
    submitter: str | None = None,
) -> list[FeedItem]:
    """Papers featured between ``start`` and ``end`` inclusive; a paper featured twice appears once.

    Most upvoted or most recently featured first; the trending score is computed in ``discovery.trending``.
    """
    query = _entry_select(daily_entries).where(
        daily_entries.c.day.between(start, end), _first_in(start, end), VISIBLE
    )
    if submitter:
        query = query.where(users.c.username == submitter)
    if sort == "publishedAt":
        query = query.order_by(daily_entries.c.submitted_at.desc(), TOTAL_UPVOTES.desc(), papers.c.id)
    elif sort == "upvotes":
        query = query.order_by(TOTAL_UPVOTES.desc(), daily_entries.c.submitted_at.desc(), papers.c.id)
    else:
        raise ValueError(f"feed sorts by upvotes or publishedAt, not {sort!r}")
    return [_item(row) for row in conn.execute(query.limit(limit).offset(offset))]


def _first_in(start: date, end: date) -> sa.ColumnElement:
    """The entry is its paper's first in the period: no entry of the same paper on an earlier day of it.

    An anti-join probed through the paper's entries of the period only, rather than a grouped sub-query
    joined back to its own table, which PostgreSQL answered with a full scan of ``daily_entries`` for a
    month's feed (tests/store/test_query_plans.py).
    """
    earlier = daily_entries.alias("earlier")
    return ~sa.exists().where(
        earlier.c.paper_id == daily_entries.c.paper_id,
        earlier.c.day.between(start, end),
        earlier.c.day < daily_entries.c.day,
    )


def first_feature(conn: Connection, paper_id: int) -> FeedItem | None:
    """The paper's first daily entry (who featured it, when): one indexed row, not a day's whole feed."""
    query = _entry_select(daily_entries).where(daily_entries.c.paper_id == paper_id)
    row = conn.execute(query.order_by(daily_entries.c.day).limit(1)).first()
    return _item(row) if row is not None else None


def _entry_select(entries):  # type: ignore[no-untyped-def]
    """Papers with the daily entry each is shown under, its organization and its submitter."""
    return sa.select(
        *view_columns(),
        daily_entries.c.day.label("entry_day"),
        daily_entries.c.source.label("entry_source"),
        daily_entries.c.submitted_at.label("entry_submitted_at"),
        users.c.username,
        users.c.fullname.label("user_fullname"),
        users.c.avatar_url.label("user_avatar"),
    ).select_from(
        with_organization(entries.join(papers, papers.c.id == daily_entries.c.paper_id)).outerjoin(
            users, users.c.id == daily_entries.c.submitter_id
        )
    )


def _item(row: sa.Row) -> FeedItem:
    m = row._mapping
    who = Submitter(m["username"], m["user_fullname"], m["user_avatar"]) if m["username"] else None
    return FeedItem(
        view=view_of(row),
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


def day_span(conn: Connection) -> tuple[date | None, date | None]:
    """The first and last days that have papers: the bounds of the feed pages' date picker."""
    row = conn.execute(sa.select(sa.func.min(daily_entries.c.day), sa.func.max(daily_entries.c.day))).one()
    return row[0], row[1]


def neighbour_days(conn: Connection, day: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have papers, for previous / next links (one statement)."""
    before = sa.select(sa.func.max(daily_entries.c.day)).where(daily_entries.c.day < day).scalar_subquery()
    after = sa.select(sa.func.min(daily_entries.c.day)).where(daily_entries.c.day > day).scalar_subquery()
    row = conn.execute(sa.select(before.label("before"), after.label("after"))).one()
    return row.before, row.after


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


def submitted_by(conn: Connection, user_id: int, limit: int = 50, offset: int = 0) -> list[FeedItem]:
    """Papers a person featured, most recently featured first (a paper they featured twice appears once)."""
    first_day = (
        sa.select(daily_entries.c.paper_id, sa.func.min(daily_entries.c.day).label("day"))
        .where(daily_entries.c.submitter_id == user_id)
        .group_by(daily_entries.c.paper_id)
        .subquery()
    )
    entries = first_day.join(
        daily_entries,
        sa.and_(daily_entries.c.paper_id == first_day.c.paper_id, daily_entries.c.day == first_day.c.day),
    )
    query = (
        _entry_select(entries)
        .where(VISIBLE)
        .order_by(daily_entries.c.day.desc(), daily_entries.c.submitted_at.desc(), papers.c.id.desc())
    )
    return [_item(row) for row in conn.execute(query.limit(limit).offset(offset))]
