"""A throwaway PostgreSQL primary and its streaming replica: initdb, pg_basebackup, two ports, one folder.

The clusters run as the ``postgres`` user (``runuser``; the tests run as root on the CI machine) in a fresh
folder under /tmp that user owns, listen on 127.0.0.1 only, and are stopped with ``immediate`` and deleted
afterwards.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import free_port

BIN = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class Pair:
    primary: str  # SQLAlchemy URLs
    replica: str

    def wait_caught_up(self, timeout: float = 30.0) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        primary, replica = sa.create_engine(self.primary), sa.create_engine(self.replica)
        try:
            with primary.connect() as conn:
                target = conn.exec_driver_sql("SELECT pg_current_wal_lsn()").scalar_one()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with replica.connect() as conn:
                    behind = conn.exec_driver_sql(
                        "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", (target,)
                    ).scalar_one()
                if behind <= 0:
                    return
                time.sleep(0.1)
            pytest.fail(f"the replica is still {behind} bytes behind after {timeout:.0f} s")
        finally:
            primary.dispose()
            replica.dispose()

    def replay(self, on: bool) -> None:
        """Pause or resume the replica's replay: a replica that is behind, on demand."""
        engine = sa.create_engine(self.replica, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT pg_wal_replay_{'resume' if on else 'pause'}()")
        finally:
            engine.dispose()


def _bin(name: str) -> str:
    found = sorted(BIN.glob(f"*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found under {BIN}: the PostgreSQL server package is needed for this test")
    return str(found[-1])


def _as_postgres(*command: str) -> None:
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}: {done.stderr}{done.stdout}"


def _start(data: Path, port: int) -> None:
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data.parent} -c fsync=off"
    _as_postgres(
        _bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(data.parent / f"{port}.log"), "-w", "start"
    )


@contextlib.contextmanager
def primary_and_replica() -> Iterator[Pair]:
    if os.geteuid() != 0:
        pytest.fail("creating PostgreSQL clusters needs root (to run them as the postgres user)")
    postgres = pwd.getpwnam("postgres")
    root = Path(tempfile.mkdtemp(prefix="paperboy-replica-"))
    os.chown(root, postgres.pw_uid, postgres.pw_gid)
    primary, replica = root / "primary", root / "replica"
    ports = free_port(), free_port()
    started: list[Path] = []
    try:
        _as_postgres(_bin("initdb"), "-D", str(primary), "--auth=trust", "--username=postgres", "--no-sync")
        _start(primary, ports[0])
        started.append(primary)
        _as_postgres(
            _bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres",
            "-D", str(replica), "--write-recovery-conf", "--wal-method=stream", "--no-sync",
        )  # fmt: skip
        _start(replica, ports[1])
        started.append(replica)
        yield Pair(
            f"postgresql+psycopg://postgres@127.0.0.1:{ports[0]}/postgres",
            f"postgresql+psycopg://postgres@127.0.0.1:{ports[1]}/postgres",
        )
    finally:
        for data in reversed(started):
            with contextlib.suppress(AssertionError):
                _as_postgres(_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)
