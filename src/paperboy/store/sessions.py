"""Server-side sessions, API tokens and one-time link records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc
from paperboy.store.schema import api_tokens, one_time_tokens, sessions


def create_session(
    conn: Connection, id_hash: str, user_id: int, csrf_token: str, lifetime: timedelta
) -> None:
    conn.execute(
        sa.insert(sessions).values(
            id_hash=id_hash,
            user_id=user_id,
            csrf_token=csrf_token,
            expires_at=as_utc(datetime.now(UTC) + lifetime),
        )
    )


def session_user(conn: Connection, id_hash: str) -> tuple[int, str] | None:
    """(user id, CSRF token) of a live session."""
    row = conn.execute(
        sa.select(sessions.c.user_id, sessions.c.csrf_token).where(
            sessions.c.id_hash == id_hash, sessions.c.expires_at > as_utc(datetime.now(UTC))
        )
    ).first()
    return (row.user_id, row.csrf_token) if row else None


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(sa.delete(sessions).where(sessions.c.id_hash == id_hash))


def delete_user_sessions(conn: Connection, user_id: int) -> None:
    """After a password reset every other device is signed out."""
    conn.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))


def create_api_token(conn: Connection, user_id: int, name: str, token_hash: str) -> int:
    return conn.execute(
        sa.insert(api_tokens)
        .values(user_id=user_id, name=name, token_hash=token_hash)
        .returning(api_tokens.c.id)
    ).scalar_one()


def api_token_user(conn: Connection, token_hash: str) -> tuple[int, int] | None:
    """(token id, user id) of a token: a read only, so concurrent requests with one token never contend."""
    row = conn.execute(
        sa.select(api_tokens.c.id, api_tokens.c.user_id).where(api_tokens.c.token_hash == token_hash)
    ).first()
    return (row.id, row.user_id) if row is not None else None


TOKEN_TOUCH_SECONDS = 60


def touch_api_token(conn: Connection, token_id: int) -> None:
    """Record use at most once a minute, in one statement of its own transaction: a script firing many
    requests writes once, and on SQLite the statement takes the write lock directly (waiting its turn)
    instead of upgrading a read transaction, which fails at once when another writer holds it."""
    stale = as_utc(datetime.now(UTC) - timedelta(seconds=TOKEN_TOUCH_SECONDS))
    conn.execute(
        sa.update(api_tokens)
        .where(
            api_tokens.c.id == token_id,
            sa.or_(api_tokens.c.last_used_at.is_(None), api_tokens.c.last_used_at < stale),
        )
        .values(last_used_at=as_utc(datetime.now(UTC)))
    )


def list_api_tokens(conn: Connection, user_id: int) -> list[dict]:
    rows = conn.execute(
        sa.select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.last_used_at)
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id)
    )
    return [dict(r._mapping) for r in rows]


def delete_api_token(conn: Connection, user_id: int, token_id: int) -> bool:
    result = conn.execute(
        sa.delete(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
    )
    return result.rowcount > 0


def record_link(conn: Connection, once: str, user_id: int, purpose: str) -> None:
    conn.execute(sa.insert(one_time_tokens).values(id=once, user_id=user_id, purpose=purpose))


def link_unused(conn: Connection, once: str, user_id: int, purpose: str) -> bool:
    """Whether a recorded link can still be used (read only: ``consume_link`` is what uses it)."""
    row = conn.execute(
        sa.select(one_time_tokens.c.id).where(
            one_time_tokens.c.id == once,
            one_time_tokens.c.user_id == user_id,
            one_time_tokens.c.purpose == purpose,
            one_time_tokens.c.used_at.is_(None),
        )
    ).first()
    return row is not None


def consume_link(conn: Connection, once: str, user_id: int, purpose: str) -> bool:
    """True exactly once per link: the UPDATE only matches an unused row."""
    result = conn.execute(
        sa.update(one_time_tokens)
        .where(
            one_time_tokens.c.id == once,
            one_time_tokens.c.user_id == user_id,
            one_time_tokens.c.purpose == purpose,
            one_time_tokens.c.used_at.is_(None),
        )
        .values(used_at=sa.func.current_timestamp())
    )
    return result.rowcount == 1


def expire_links(conn: Connection, user_id: int, purpose: str) -> None:
    conn.execute(
        sa.update(one_time_tokens)
        .where(
            one_time_tokens.c.user_id == user_id,
            one_time_tokens.c.purpose == purpose,
            one_time_tokens.c.used_at.is_(None),
        )
        .values(used_at=sa.func.current_timestamp())
    )
