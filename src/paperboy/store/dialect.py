"""Everything that differs between SQLite and PostgreSQL lives here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

T = TypeVar("T")
CHUNK = 500  # values per IN (...) list: far below SQLite's and PostgreSQL's bound-parameter limits


def upsert(conn: Connection, table: sa.Table):  # type: ignore[no-untyped-def]
    """An INSERT that supports ``on_conflict_do_update``/``do_nothing`` on the connection's dialect."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC, naive meaning UTC: on the way in, so SQLite's text timestamps sort and compare correctly;
    on the way out, because SQLite hands back naive datetimes (stored as UTC) and PostgreSQL aware ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The distinct ``values`` (first-seen order) in lists short enough for one ``IN (...)`` each."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _sqlite_value(column_type: sa.types.TypeEngine, value: object) -> object:
    """What SQLAlchemy's SQLite types would store, computed without its per-row machinery."""
    if value is None:
        return None
    if isinstance(column_type, sa.JSON):
        return json.dumps(value)
    if isinstance(value, datetime):
        return as_utc(value).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[union-attr]
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


def for_claim(query: sa.Select, conn: Connection) -> sa.Select:
    """Rows a worker takes for itself without waiting on, or double-taking, rows another worker holds.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so several senders claim disjoint batches concurrently. SQLite has
    one writer at a time: the claiming UPDATE holds the database write lock for its whole statement, so the
    plain sub-select cannot race and a second sender simply waits its turn.
    """
    if is_postgres(conn):
        return query.with_for_update(skip_locked=True)
    return query


def json_array_elements(conn: Connection, column: sa.ColumnElement):  # type: ignore[no-untyped-def]
    """One row per element of a JSON array column: (table-valued FROM item, 0-based position, element).

    SQLite's ``json_each`` numbers elements from 0; PostgreSQL's ``json_array_elements … WITH ORDINALITY``
    from 1. A function in FROM may refer to an earlier FROM item on both (PostgreSQL makes it LATERAL).
    """
    if is_postgres(conn):
        rows = sa.func.json_array_elements(column).table_valued("value", with_ordinality="ordinality")
        return rows, rows.c.ordinality - 1, rows.c.value
    rows = sa.func.json_each(column).table_valued("key", "value")
    return rows, rows.c.key, rows.c.value


def json_text(conn: Connection, element: sa.ColumnElement, key: str) -> sa.ColumnElement:
    """``element[key]`` as text (SQL NULL when absent) from a JSON object element."""
    if is_postgres(conn):
        return element.op("->>")(key)
    return sa.func.json_extract(element, f"$.{key}")


def json_flag_unset(conn: Connection, element: sa.ColumnElement, key: str) -> sa.ColumnElement:
    """True unless ``element[key]`` is JSON true (SQLite reads it as 1, PostgreSQL's ``->>`` as 'true')."""
    if is_postgres(conn):
        return sa.func.coalesce(element.op("->>")(key), "false") != "true"
    return sa.func.coalesce(sa.func.json_extract(element, f"$.{key}"), 0) == 0
