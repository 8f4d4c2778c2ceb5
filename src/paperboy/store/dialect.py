"""Everything that differs between SQLite and PostgreSQL lives here."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def upsert(conn: Connection, table: sa.Table):  # type: ignore[no-untyped-def]
    """An INSERT that supports ``on_conflict_do_update``/``do_nothing`` on the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones. Both become aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_storage(value: datetime | None) -> datetime | None:
    """Store every timestamp in UTC so SQLite's text timestamps sort and compare correctly."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"
