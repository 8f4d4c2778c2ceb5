"""Paper-level moderation and the small look-ups the upvote and comment features need."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.schema import papers


def set_paper_hidden(conn: Connection, paper_id: int, hidden: bool) -> None:
    """Hide or restore a paper; ``modified_at`` moves so the search indexes drop (or re-add) it."""
    values = {"hidden_at": sa.func.current_timestamp() if hidden else None}
    condition = papers.c.hidden_at.is_(None) if hidden else papers.c.hidden_at.is_not(None)
    conn.execute(
        sa.update(papers)
        .where(papers.c.id == paper_id, condition)
        .values(**values, modified_at=sa.func.current_timestamp())
    )


def paper_ref(conn: Connection, paper_id: int) -> tuple[str, bool] | None:
    """(arXiv id, hidden?) of a stored paper: where a comment action redirects, and whether it may."""
    row = conn.execute(
        sa.select(papers.c.arxiv_id, papers.c.hidden_at).where(papers.c.id == paper_id)
    ).first()
    return (row.arxiv_id, row.hidden_at is not None) if row else None
