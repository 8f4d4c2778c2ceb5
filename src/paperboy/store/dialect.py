"""Everything that differs between SQLite and PostgreSQL lives here."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

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


def value_lists(conn: Connection, values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The distinct ``values`` in lists for ``one_of``: one list on PostgreSQL (an array is one parameter),
    ``chunks`` of ``size`` on SQLite (one parameter per value, and SQLite limits them)."""
    if is_postgres(conn):
        unique = list(dict.fromkeys(values))
        if unique:
            yield unique
        return
    yield from chunks(values, size)


def one_of(conn: Connection, column: sa.ColumnElement, values: list) -> sa.ColumnElement:
    """``column IN values``: on PostgreSQL ``= ANY(array)``, so a 5,000-paper batch is one parameter that
    the driver sends as is, instead of a statement with 5,000 placeholders parsed again for every batch."""
    if is_postgres(conn):
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


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


def merge_many(
    conn: Connection,
    table: sa.Table,
    rows: list[dict],
    on_conflict: Callable[[Any], sa.Insert],
) -> None:
    """Insert ``rows`` (all with the same keys, no conflict key twice) into ``table``, ``on_conflict`` adding
    the merge clause to a dialect INSERT (it reads the incoming row through ``stmt.excluded``).

    SQLite: one ``executemany`` of plain tuples. PostgreSQL: the rows go into a temporary staging table by
    ``COPY`` and one ``INSERT … SELECT … ON CONFLICT`` merges them, so the server plans and runs the upsert
    once per batch instead of once per row (measured against a pipelined ``executemany``: bench/RESULTS.md).
    """
    if not rows:
        return
    columns = list(rows[0])
    if not is_postgres(conn):
        executemany(conn, on_conflict(sqlite.insert(table)), table, rows)
        return
    stage = _staging_table(conn, table, columns)
    json_columns = {name for name in columns if isinstance(table.c[name].type, sa.JSON)}
    names = ", ".join(f'"{name}"' for name in columns)
    statement = f'COPY "{stage.name}" ({names}) FROM STDIN'
    dbapi = conn.connection.dbapi_connection
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[name]) if name in json_columns and row[name] is not None else row[name]
                        for name in columns
                    ]
                )
    except conn.dialect.dbapi.Error as exc:  # type: ignore[union-attr]
        # Raised as SQLAlchemy would have (a NUL in a title is a DataError on either path).
        raise sa.exc.DBAPIError.instance(statement, None, exc, conn.dialect.dbapi.Error) from exc  # type: ignore[union-attr]
    finally:
        cursor.close()
    select = sa.select(*[stage.c[name] for name in columns])
    conn.execute(on_conflict(postgresql.insert(table).from_select(columns, select)))
    conn.exec_driver_sql(f'TRUNCATE "{stage.name}"')


_STAGES: dict[tuple[str, tuple[str, ...]], sa.Table] = {}


def _staging_table(conn: Connection, table: sa.Table, columns: list[str]) -> sa.Table:
    """A temporary table shaped like ``table``'s ``columns``, made once per connection and emptied at every
    commit (a rolled-back transaction takes it away, so it is re-made when missing).

    The ``sa.Table`` describing it is made once per process: a new one for every batch would give every
    batch's INSERT … SELECT a new cache key, and SQLAlchemy's statement cache would fill with copies of it
    (about 0.3 MB a batch, 160 MB over a 2.7 M-line snapshot, before its LRU bound).
    """
    key = (table.name, tuple(columns))
    stage = _STAGES.get(key)
    if stage is None:
        name = f"pb_stage_{table.name}_{len(_STAGES)}"
        stage = sa.Table(name, sa.MetaData(), *[sa.Column(c, table.c[c].type) for c in columns])
        _STAGES[key] = stage
    listed = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage.name}" ON COMMIT DELETE ROWS AS '
        f'SELECT {listed} FROM "{table.name}" WITH NO DATA'
    )
    return stage


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
