"""Upvotes: uniqueness is the table's primary key, so concurrent requests can never double-count."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import upsert
from paperboy.store.schema import votes


def set_vote(conn: Connection, user_id: int, paper_id: int, on: bool) -> None:
    """Idempotent: asking for the state you already have changes nothing (double clicks, retries, races)."""
    if on:
        conn.execute(upsert(conn, votes).values(user_id=user_id, paper_id=paper_id).on_conflict_do_nothing())
    else:
        conn.execute(sa.delete(votes).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id))


def local_votes(conn: Connection, paper_id: int) -> int:
    return conn.execute(sa.select(sa.func.count()).where(votes.c.paper_id == paper_id)).scalar_one()


def voted_papers(conn: Connection, user_id: int, paper_ids: list[int]) -> set[int]:
    if not paper_ids:
        return set()
    rows = conn.execute(
        sa.select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id.in_(paper_ids))
    )
    return {pid for (pid,) in rows}
