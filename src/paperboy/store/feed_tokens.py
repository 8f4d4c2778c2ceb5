"""Private feed links: one random token per user, kept only as its digest."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, upsert
from paperboy.store.schema import feed_tokens


def replace(conn: Connection, user_id: int, token_hash: str) -> None:
    """Make ``token_hash`` the user's only feed token: the previous link stops working at once."""
    stmt = upsert(conn, feed_tokens).values(user_id=user_id, token_hash=token_hash)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"token_hash": stmt.excluded.token_hash, "created_at": sa.func.current_timestamp()},
        )
    )


def revoke(conn: Connection, user_id: int) -> bool:
    return conn.execute(sa.delete(feed_tokens).where(feed_tokens.c.user_id == user_id)).rowcount > 0


def user_for(conn: Connection, token_hash: str) -> int | None:
    return conn.execute(
        sa.select(feed_tokens.c.user_id).where(feed_tokens.c.token_hash == token_hash)
    ).scalar_one_or_none()


def created_at(conn: Connection, user_id: int) -> datetime | None:
    """When the user's current link was made; None when they have none."""
    value = conn.execute(
        sa.select(feed_tokens.c.created_at).where(feed_tokens.c.user_id == user_id)
    ).scalar_one_or_none()
    return as_utc(value)
