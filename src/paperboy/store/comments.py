"""Threaded comments: soft deletion keeps replies attached; moderators hide rather than destroy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc
from paperboy.store.schema import comments, users


@dataclass(slots=True)
class CommentView:
    id: int
    paper_id: int
    parent_id: int | None
    user_id: int
    username: str
    fullname: str | None
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    replies: list[CommentView] = field(default_factory=list)


def add(conn: Connection, paper_id: int, user_id: int, body: str, parent_id: int | None) -> int:
    if parent_id is not None:
        parent = conn.execute(sa.select(comments.c.paper_id).where(comments.c.id == parent_id)).first()
        if parent is None or parent.paper_id != paper_id:
            raise ValueError("the comment you reply to is not on this paper")
    return conn.execute(
        sa.insert(comments)
        .values(paper_id=paper_id, user_id=user_id, body=body, parent_id=parent_id)
        .returning(comments.c.id)
    ).scalar_one()


def get(conn: Connection, comment_id: int) -> CommentView | None:
    rows = _select(conn, comments.c.id == comment_id)
    return rows[0] if rows else None


def _select(conn: Connection, *where: sa.ColumnElement) -> list[CommentView]:
    rows = conn.execute(
        sa.select(comments, users.c.username, users.c.fullname)
        .join(users, users.c.id == comments.c.user_id)
        .where(*where)
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [
        CommentView(
            id=r.id,
            paper_id=r.paper_id,
            parent_id=r.parent_id,
            user_id=r.user_id,
            username=r.username,
            fullname=r.fullname,
            body=r.body,
            created_at=as_utc(r.created_at),
            edited_at=as_utc(r.edited_at),
            deleted=r.deleted_at is not None,
            hidden=r.hidden_at is not None,
        )
        for r in rows
    ]


def thread(conn: Connection, paper_id: int) -> list[CommentView]:
    """Top-level comments with nested replies, oldest first."""
    flat = _select(conn, comments.c.paper_id == paper_id)
    by_id = {c.id: c for c in flat}
    roots: list[CommentView] = []
    for comment in flat:
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(comment)
    return roots


def edit(conn: Connection, comment_id: int, body: str) -> None:
    conn.execute(
        sa.update(comments)
        .where(comments.c.id == comment_id)
        .values(body=body, edited_at=sa.func.current_timestamp())
    )


def delete(conn: Connection, comment_id: int) -> None:
    conn.execute(
        sa.update(comments).where(comments.c.id == comment_id).values(deleted_at=sa.func.current_timestamp())
    )


def set_hidden(conn: Connection, comment_id: int, moderator_id: int, hidden: bool) -> None:
    values = (
        {"hidden_at": sa.func.current_timestamp(), "hidden_by": moderator_id}
        if hidden
        else {"hidden_at": None, "hidden_by": None}
    )
    conn.execute(sa.update(comments).where(comments.c.id == comment_id).values(**values))


def visible_count_expr() -> sa.ColumnElement:
    """Comments that count on cards and in the API: not deleted, not hidden."""
    return sa.and_(comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None))


def ancestors(conn: Connection, comment_id: int, limit: int) -> list[int]:
    """``comment_id`` and the comments above it, nearest first, at most ``limit``: bounds reply depth."""
    chain: list[int] = []
    current: int | None = comment_id
    while current is not None and len(chain) < limit:
        chain.append(current)
        current = conn.execute(sa.select(comments.c.parent_id).where(comments.c.id == current)).scalar()
    return chain
