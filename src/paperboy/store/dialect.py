"""Everything that differs between SQLite and PostgreSQL lives here."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

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


def _sqlite_value(column_type: sa.types.TypeEngine, value: object) -> object:
    """What SQLAlchemy's SQLite types would store, computed without its per-row machinery."""
    if value is None:
        return None
    if isinstance(column_type, sa.JSON):
        return json.dumps(value)
    if isinstance(value, datetime):
        return to_storage(value).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def executemany(conn: Connection, statement: sa.Insert, table: sa.Table, rows: list[dict]) -> None:
    """Run one statement for many rows; on SQLite through the driver directly.

    Bulk loads (the 2.7 M-paper snapshot) spend most of their time in per-row parameter processing; on SQLite
    we convert values ourselves and hand plain tuples to ``executemany``, which is several times faster.
    PostgreSQL keeps SQLAlchemy's path (psycopg pipelines executemany already).
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(statement, rows)
        return
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    order = compiled.positiontup or []
    defaults = compiled.params
    types = {name: table.c[name].type for name in rows[0]}
    converters = [(name, types.get(name)) for name in order]
    params = [
        tuple(defaults[name] if kind is None else _sqlite_value(kind, row[name]) for name, kind in converters)
        for row in rows
    ]
    conn.exec_driver_sql(compiled.string, params)
