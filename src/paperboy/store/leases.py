"""One leader at a time among workers: a PostgreSQL advisory lock, or a lease row on SQLite.

PostgreSQL holds a session-level advisory lock on a connection kept open for as long as the worker leads; if
the process dies the server drops the connection and the lock with it. If the whole host dies (power, network)
nothing closes the connection: the server finds out through TCP keepalives, which the lock's session sets to
give up on a silent peer within the lease time (the operating system's default waits over two hours). SQLite
has no such lock across processes, so a row in ``worker_leases`` names the holder until ``expires_at``; the
leader renews it on every tick and a dead leader's lease simply runs out.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from paperboy.store.dialect import as_utc, upsert
from paperboy.store.schema import worker_leases


class LeaderLock:
    def __init__(self, engine: Engine, name: str, holder: str, ttl: timedelta) -> None:
        self.engine, self.name, self.holder, self.ttl = engine, name, holder, ttl
        self.key = zlib.crc32(f"paperboy:{name}".encode())  # a stable 32-bit advisory lock id
        self.conn: Connection | None = None
        self.postgres = engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """True while this process leads; call on every tick (it renews the SQLite lease)."""
        if self.postgres:
            return self._acquire_advisory()
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            values = {"holder": self.holder, "expires_at": as_utc(now + self.ttl)}
            taken = conn.execute(
                sa.update(worker_leases)
                .where(
                    worker_leases.c.name == self.name,
                    sa.or_(worker_leases.c.holder == self.holder, worker_leases.c.expires_at < as_utc(now)),
                )
                .values(**values)
            ).rowcount
            if not taken:
                conn.execute(
                    upsert(conn, worker_leases).values(name=self.name, **values).on_conflict_do_nothing()
                )
            holder = conn.execute(
                sa.select(worker_leases.c.holder).where(worker_leases.c.name == self.name)
            ).scalar()
        return holder == self.holder

    def _acquire_advisory(self) -> bool:
        if self.conn is not None:
            try:
                self.conn.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                self.conn = None  # connection lost: so is the lock; try again below
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        idle = max(1, int(self.ttl.total_seconds() / 3))  # silent for a third of the lease: start probing
        probe = max(1, int(self.ttl.total_seconds() / 6))  # then two unanswered probes: the peer is gone
        conn.exec_driver_sql(
            f"SET tcp_keepalives_idle = {idle}; SET tcp_keepalives_interval = {probe}; "
            "SET tcp_keepalives_count = 2"
        )
        if conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar():
            self.conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self.postgres:
            if self.conn is not None:
                try:
                    self.conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                finally:
                    self.conn.close()
                    self.conn = None
            return
        with self.engine.begin() as conn:
            conn.execute(
                sa.delete(worker_leases).where(
                    worker_leases.c.name == self.name, worker_leases.c.holder == self.holder
                )
            )
