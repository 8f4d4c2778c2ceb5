"""A reader's profile signals (upvotes, library, "not interested") and the picks already made for them.

The ``recommendations`` primary key (user, paper) is what makes "never the same paper twice" hold, across the
digest, the /for-you page and the Atom feed, however many workers compute picks at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, chunks, upsert
from paperboy.store.schema import library_items, papers, recommendations, votes


class PickLike(Protocol):
    paper_id: int
    reason: str
    score: float


@dataclass(slots=True)
class Signal:
    """One thing a reader did with a paper: ``weight`` > 0 pulls the profile toward it, < 0 away."""

    arxiv_id: str
    paper_id: int | None
    title: str | None
    kind: str  # upvote | saved | imported | not_interested
    at: datetime | None


def record_picks(conn: Connection, user_id: int, period: str, picks: Sequence[PickLike]) -> list[int]:
    """Store picks; returns the paper ids actually new for this reader (a concurrent writer may have won)."""
    new: list[int] = []
    for pick in picks:
        stmt = (
            upsert(conn, recommendations)
            .values(
                user_id=user_id, paper_id=pick.paper_id, period=period, score=pick.score, reason=pick.reason
            )
            .on_conflict_do_nothing()
            .returning(recommendations.c.paper_id)
        )
        if conn.execute(stmt).scalar() is not None:
            new.append(pick.paper_id)
    return new


def drop_picks(conn: Connection, user_id: int, period: str) -> None:
    """Forget the reader's picks of one period (they are computed again on the next visit)."""
    mine = recommendations.c.user_id == user_id
    conn.execute(sa.delete(recommendations).where(mine, recommendations.c.period == period))


def record_many(conn: Connection, entries: Sequence[tuple[int, str, Sequence[PickLike]]]) -> None:
    """Store (user, period, picks) for many readers at once; a pick already recorded is left as it was."""
    rows = [
        {"user_id": uid, "paper_id": p.paper_id, "period": period, "score": p.score, "reason": p.reason}
        for uid, period, picks in entries
        for p in picks
    ]
    if rows:
        conn.execute(upsert(conn, recommendations).on_conflict_do_nothing(), rows)


def recommended_ids(conn: Connection, user_id: int) -> set[int]:
    return recommended_for(conn, [user_id])[user_id]


def recommended_for(conn: Connection, user_ids: Sequence[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {u: set() for u in user_ids}
    for chunk in chunks(user_ids):
        rows = conn.execute(
            sa.select(recommendations.c.user_id, recommendations.c.paper_id).where(
                recommendations.c.user_id.in_(chunk)
            )
        )
        for uid, pid in rows:
            found[uid].add(pid)
    return found


def picks_of(conn: Connection, user_id: int, limit: int = 50) -> list[dict]:
    """Most recent picks first: what /for-you and the Atom feed show."""
    rows = conn.execute(
        sa.select(recommendations)
        .where(recommendations.c.user_id == user_id)
        .order_by(recommendations.c.created_at.desc(), recommendations.c.score.desc())
        .limit(limit)
    )
    return [{**r._mapping, "created_at": as_utc(r.created_at)} for r in rows]


def signals(conn: Connection, user_id: int) -> list[Signal]:
    return signals_for(conn, [user_id])[user_id]


def signals_for(conn: Connection, user_ids: Sequence[int]) -> dict[int, list[Signal]]:
    """Every profile signal of each reader (upvotes and library items), newest first; a few queries per
    500 readers, so 100,000 digests do not cost 100,000 round trips."""
    found: dict[int, list[Signal]] = {u: [] for u in user_ids}
    for chunk in chunks(user_ids):
        rows = conn.execute(
            sa.select(votes.c.user_id, papers.c.arxiv_id, papers.c.id, papers.c.title, votes.c.created_at)
            .join(papers, papers.c.id == votes.c.paper_id)
            .where(votes.c.user_id.in_(chunk))
        )
        for uid, a, pid, t, at in rows:
            found[uid].append(Signal(a, pid, t, "upvote", as_utc(at)))
        rows = conn.execute(
            sa.select(
                library_items.c.user_id,
                library_items.c.arxiv_id,
                papers.c.id,
                sa.func.coalesce(papers.c.title, library_items.c.title),
                library_items.c.kind,
                library_items.c.added_at,
            )
            .outerjoin(papers, papers.c.arxiv_id == library_items.c.arxiv_id)
            .where(library_items.c.user_id.in_(chunk))
        )
        for uid, a, pid, t, kind, at in rows:
            found[uid].append(Signal(a, pid, t, kind, as_utc(at)))
    oldest = datetime.min.replace(tzinfo=UTC)
    for items in found.values():
        items.sort(key=lambda s: s.at or oldest, reverse=True)
    return found
