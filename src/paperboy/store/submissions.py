"""Daily entries created by local users' submissions: who featured what, when, and how often today.

A submission is inserted with ``ON CONFLICT DO NOTHING`` rather than through ``upsert_entries``: the upsert
merges (a later record may fill in the submitter), which is right for imports but would let a second
submitter silently take over the credit of a paper someone else featured a moment earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, upsert
from paperboy.store.schema import daily_entries, papers, users

SOURCE = "submission"


@dataclass(slots=True, frozen=True)
class Feature:
    """One day a paper was on the feed, and who put it there (``None`` for imports and rules)."""

    day: date
    source: str
    username: str | None


def lock_user(conn: Connection, user_id: int) -> None:
    """Serialise one user's submissions, so two at once cannot both slip under the daily cap.

    A no-op UPDATE of the user's row, as the transaction's first statement: on PostgreSQL it takes the row
    lock, on SQLite it takes the write lock before anything is read (a transaction that reads first and
    writes later fails with "database is locked" instead of waiting when another writer got in between).
    """
    conn.execute(sa.update(users).where(users.c.id == user_id).values(fullname=users.c.fullname))


def submissions_on(conn: Connection, user_id: int, day: date) -> int:
    """Papers ``user_id`` featured on ``day``'s feed (submissions always land on the day they are made)."""
    return conn.execute(
        sa.select(sa.func.count())
        .select_from(daily_entries)
        .where(
            daily_entries.c.submitter_id == user_id,
            daily_entries.c.source == SOURCE,
            daily_entries.c.day == day,
        )
    ).scalar_one()


def features(conn: Connection, arxiv_id: str) -> list[Feature]:
    """Every day the paper was featured, latest first."""
    rows = conn.execute(
        sa.select(daily_entries.c.day, daily_entries.c.source, users.c.username)
        .select_from(
            daily_entries.join(papers, papers.c.id == daily_entries.c.paper_id).outerjoin(
                users, users.c.id == daily_entries.c.submitter_id
            )
        )
        .where(papers.c.arxiv_id == arxiv_id)
        .order_by(daily_entries.c.day.desc())
    )
    return [Feature(day, source, username) for day, source, username in rows]


def add_submission(conn: Connection, day: date, arxiv_id: str, user_id: int, submitted_at: datetime) -> bool:
    """Feature a stored paper on ``day``; ``False`` when it is already on that day's feed (by anyone)."""
    paper_id = conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == arxiv_id)).scalar_one()
    result = conn.execute(
        upsert(conn, daily_entries)
        .values(
            day=day,
            paper_id=paper_id,
            submitter_id=user_id,
            source=SOURCE,
            submitted_at=as_utc(submitted_at),
        )
        .on_conflict_do_nothing()
        .returning(daily_entries.c.id)  # rowcount is not reliable with RETURNING on every driver
    )
    return result.first() is not None
