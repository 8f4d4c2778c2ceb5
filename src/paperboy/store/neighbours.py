"""Stored similar papers (``paper_neighbours``): written when a paper is embedded, read by its page.

The lists are derived data: deleting them loses nothing (the next view or background pass computes them
again), which is how a paper's list is refreshed when a new paper may belong in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.schema import paper_embeddings, paper_neighbours


@dataclass(frozen=True, slots=True)
class StoredNeighbour:
    neighbour_id: int
    score: float
    cosine: float | None
    reason: str


def load(conn: Connection, paper_id: int, model: str) -> list[StoredNeighbour] | None:
    """The stored list, best first; None when none was stored for this model ([] is a real answer)."""
    rows = conn.execute(
        sa.select(
            paper_neighbours.c.neighbour_id,
            paper_neighbours.c.score,
            paper_neighbours.c.cosine,
            paper_neighbours.c.reason,
            paper_neighbours.c.model,
        )
        .where(paper_neighbours.c.paper_id == paper_id)
        .order_by(paper_neighbours.c.rank)
    ).all()
    if not rows or rows[0].model != model:
        return None
    return [
        StoredNeighbour(r.neighbour_id, r.score, r.cosine, r.reason)
        for r in rows
        if r.neighbour_id != paper_id
    ]


def save(conn: Connection, paper_id: int, model: str, found: Sequence[StoredNeighbour]) -> None:
    """Replace the paper's list. A paper with no neighbours stores one row pointing at itself with an empty
    reason, so "computed, nothing found" is told apart from "never computed"."""
    conn.execute(sa.delete(paper_neighbours).where(paper_neighbours.c.paper_id == paper_id))
    rows = [
        {
            "paper_id": paper_id,
            "rank": rank,
            "neighbour_id": n.neighbour_id,
            "score": n.score,
            "cosine": n.cosine,
            "reason": n.reason,
            "model": model,
        }
        for rank, n in enumerate(found)
    ] or [
        {
            "paper_id": paper_id,
            "rank": 0,
            "neighbour_id": paper_id,
            "score": 0.0,
            "cosine": None,
            "reason": "",
            "model": model,
        }
    ]
    conn.execute(sa.insert(paper_neighbours), rows)


def missing(conn: Connection, model: str, limit: int) -> list[int]:
    """Embedded papers whose list is missing or was computed for another model, lowest ids first."""
    stored = (
        sa.select(paper_neighbours.c.paper_id)
        .where(paper_neighbours.c.rank == 0, paper_neighbours.c.model == model)
        .scalar_subquery()
    )
    query = (
        sa.select(paper_embeddings.c.paper_id)
        .where(paper_embeddings.c.model == model, paper_embeddings.c.paper_id.not_in(stored))
        .order_by(paper_embeddings.c.paper_id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def forget_older_than_embedding(
    conn: Connection, paper_ids: Sequence[int], newcomer: int, model: str
) -> None:
    """Drop the lists of ``paper_ids`` computed before ``newcomer`` was embedded: it may belong in them.

    Lists computed after it already considered it, so a first back-fill of a whole corpus drops nothing.
    """
    embedded_at = (
        sa.select(paper_embeddings.c.created_at)
        .where(paper_embeddings.c.paper_id == newcomer, paper_embeddings.c.model == model)
        .scalar_subquery()
    )
    conn.execute(
        sa.delete(paper_neighbours).where(
            paper_neighbours.c.paper_id.in_(list(paper_ids)),
            paper_neighbours.c.computed_at < embedded_at,
        )
    )
