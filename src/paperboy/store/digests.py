"""Read side of digests: the new papers of a period, and stored texts and vectors for recommendations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import PaperView
from paperboy.store.dialect import as_utc, chunks
from paperboy.store.papers import VISIBLE, select_views, view_columns, view_of, with_organization
from paperboy.store.schema import daily_entries, paper_embeddings, papers


@dataclass(slots=True)
class Candidate:
    """A paper new in a digest's window, with when it was featured (for the trending decay)."""

    view: PaperView
    featured_at: datetime


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def candidates(conn: Connection, start: date, end: date, limit: int = 5000) -> list[Candidate]:
    """Papers featured on the feed between ``start`` and ``end``, or announced by arXiv then; visible only."""
    first = (
        sa.select(
            daily_entries.c.paper_id,
            sa.func.min(daily_entries.c.day).label("day"),
            sa.func.min(daily_entries.c.submitted_at).label("at"),
        )
        .where(daily_entries.c.day.between(start, end))
        .group_by(daily_entries.c.paper_id)
        .subquery()
    )
    featured = conn.execute(
        sa.select(*view_columns(), first.c.day.label("entry_day"), first.c.at.label("entry_at"))
        .select_from(with_organization().join(first, first.c.paper_id == papers.c.id))
        .where(VISIBLE, papers.c.withdrawn.is_(False))
        .limit(limit)
    )
    found: dict[int, Candidate] = {}
    for row in featured:
        when = as_utc(row.entry_at) or _midnight(row.entry_day)
        found[row.id] = Candidate(view_of(row), when)
    announced = conn.execute(
        select_views()
        .where(VISIBLE, papers.c.withdrawn.is_(False), papers.c.announced_on.between(start, end))
        .limit(limit)
    )
    for row in announced:
        if row.id not in found:
            found[row.id] = Candidate(view_of(row), _midnight(row.announced_on))
    return list(found.values())


def texts(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """Title and abstract of papers, for the keyword profile when no vectors are stored."""
    found: dict[int, str] = {}
    for chunk in chunks(ids):
        rows = conn.execute(
            sa.select(papers.c.id, papers.c.title, papers.c.abstract).where(papers.c.id.in_(chunk))
        )
        found.update({pid: f"{title}. {abstract}" for pid, title, abstract in rows})
    return found


def vectors(conn: Connection, ids: Sequence[int]) -> tuple[str | None, dict[int, bytes]]:
    """(model, paper id → float32 vector bytes) for the embedding model that covers most of ``ids``.

    Reads the search issue's ``paper_embeddings`` table directly and only this way, so recommendations work
    with whatever model search chose, and fall back to keywords (model None) when nothing is embedded.
    """
    rows: list[tuple[int, str, bytes]] = []
    for chunk in chunks(ids):
        query = sa.select(
            paper_embeddings.c.paper_id, paper_embeddings.c.model, paper_embeddings.c.vector
        ).where(paper_embeddings.c.paper_id.in_(chunk))
        rows.extend((pid, model, bytes(vec)) for pid, model, vec in conn.execute(query))
    if not rows:
        return None, {}
    model = Counter(m for _, m, _ in rows).most_common(1)[0][0]
    return model, {pid: vec for pid, m, vec in rows if m == model}


def vectors_of(conn: Connection, model: str, ids: Sequence[int]) -> dict[int, bytes]:
    """Stored vectors of one model for these papers (those not embedded are absent)."""
    found: dict[int, bytes] = {}
    for chunk in chunks(ids):
        query = sa.select(paper_embeddings.c.paper_id, paper_embeddings.c.vector).where(
            paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_(chunk)
        )
        found.update((pid, bytes(vec)) for pid, vec in conn.execute(query))
    return found
