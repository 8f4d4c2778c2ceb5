"""A real ingest process killed several times, then resumed, ends with every paper exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.schema import daily_entries, ingest_checkpoints, papers
from tests.conftest import HF_DAILY

PAPERBOY = [sys.executable, "-m", "paperboy", "ingest", "hf", "--dir", str(HF_DAILY)]


def snapshot_counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(  # type: ignore[return-value]
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (papers, daily_entries, ingest_checkpoints)
            )
    finally:
        engine.dispose()


@pytest.mark.timeout(600)
def test_killed_ingest_resumes_without_duplicates_or_gaps(db_url: str) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    engine.dispose()
    env = {**os.environ, "PAPERBOY_DATABASE_URL": db_url}
    partial_counts = []
    for delay in (1.5, 1.0, 1.0):
        process = subprocess.Popen(PAPERBOY, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Wait until the process has committed at least one day beyond what it started with, then kill it.
        before = snapshot_counts(db_url)[2]
        deadline = time.monotonic() + 60
        while snapshot_counts(db_url)[2] <= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(delay * 0.2)
        process.send_signal(signal.SIGKILL)
        process.wait()
        partial_counts.append(snapshot_counts(db_url))
    assert any(0 < p[0] < 9577 for p in partial_counts), f"no kill landed mid-ingest: {partial_counts}"
    checkpointed = mark_checkpoints(db_url)
    assert 0 < len(checkpointed) < 558
    finished = subprocess.run(PAPERBOY, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert snapshot_counts(db_url) == (9577, 9581, 558)
    resumed = mark_checkpoints(db_url, only_read=True)
    assert resumed == checkpointed, "the resumed run read checkpointed days again"


MARK = datetime(2000, 1, 1, 12, tzinfo=UTC)


def mark_checkpoints(url: str, only_read: bool = False) -> set[str]:
    """Days whose checkpoint still carries the mark; without ``only_read``, first set the mark on every one.

    Writing a day's checkpoint again moves its ``updated_at``, so a resumed run that skips what was done
    leaves every marked checkpoint marked, and a run that started over would leave none.
    """
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if not only_read:
                conn.execute(ingest_checkpoints.update().values(updated_at=MARK))
            rows = conn.execute(sa.select(ingest_checkpoints.c.key, ingest_checkpoints.c.updated_at))
            return {key for key, at in rows if at.year == MARK.year}
    finally:
        engine.dispose()
