"""Engines for SQLite and PostgreSQL with the connection settings each needs to be safe under load."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets readers run beside the writer; FULL sync makes a commit survive power loss."""
    # Driver-level autocommit: SQLAlchemy's "begin" hook below then owns transaction boundaries.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


DEFAULT_POOL_SIZE = 5


def create_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Build an engine for ``url``; SQLite gets its pragmas on every new connection.

    ``pool_size`` is sized by the caller against its thread count (the web server passes
    ``Settings.pool_size``), so a thread never waits for a connection. A little overflow absorbs a
    background job; checkout gives up after 10 s instead of queueing a request for half a minute.
    """
    pool = {"pool_size": pool_size, "max_overflow": max(2, pool_size // 4), "pool_timeout": 10}
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/") == "sqlite:":
            pool = {}  # one in-memory database per connection: SQLAlchemy's own pool keeps it alive
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool)
        sa.event.listen(engine, "connect", _configure_sqlite)
        # Issue BEGIN ourselves so a transaction really spans a whole batch, reads included.
        sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **pool)


@lru_cache(maxsize=8)
def engine_for(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """One engine (and pool) per URL per process."""
    return create_engine(url, pool_size)
