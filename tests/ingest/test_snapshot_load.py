"""Snapshot loading end to end: gzip, bad lines, truncated files, and resuming a killed process."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from paperboy.ingest.background import in_background
from paperboy.ingest.runner import run
from paperboy.ingest.snapshot_load import read_snapshot, snapshot_source
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.schema import papers
from tests.conftest import SHARED_DATA

SAMPLE = SHARED_DATA / "arxiv_snapshot" / "wanng-ide_sample.jsonl"


def synthetic(path: Path, lines: int) -> None:
    records = [json.loads(line) for line in SAMPLE.read_text().splitlines()]
    with gzip.open(path, "wt") as out:
        for n in range(lines):
            record = dict(records[n % len(records)], id=f"2{n // 90000 % 10}01.{n % 90000 + 10000:05d}")
            out.write(json.dumps(record) + "\n")


def count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        result = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    engine.dispose()
    return result


def test_bad_lines_are_reported_alone_and_a_truncated_gzip_keeps_what_came_before(
    tmp_path: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    lines = SAMPLE.read_bytes().splitlines()
    lines[10] = b'{"id": "0704.0011", "title": '
    lines[20] = b'["not", "an", "object"]'
    damaged = tmp_path / "damaged.jsonl.gz"
    data = gzip.compress(b"\n".join(lines) + b"\n")
    damaged.write_bytes(data[: len(data) * 3 // 4])
    report = run(
        engine, snapshot_source(damaged), in_background(read_snapshot, damaged, 0, 50), "s", interactive=False
    )
    labels = [f.label for f in report.failures]
    assert labels[:2] == [f"{damaged}:11", f"{damaged}:21"]
    assert "unreadable snapshot" in report.failures[-1].reason
    assert 100 < report.papers < 198
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    assert stored == report.papers


def test_killed_snapshot_ingest_resumes_exactly(tmp_path: Path, db_url: str) -> None:
    snapshot = tmp_path / "snapshot.json.gz"
    synthetic(snapshot, 60_000)
    engine = create_engine(db_url)
    upgrade(engine)
    env = {**os.environ, "PAPERBOY_DATABASE_URL": db_url}
    command = [sys.executable, "-m", "paperboy", "ingest", "snapshot", str(snapshot), "--batch-size", "2000"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db_url) < 6000 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = count(db_url)
    with engine.connect() as conn:
        line = int(load_checkpoints(conn, snapshot_source(snapshot))["line"])
    assert 0 < partial < 60_000 and line == partial
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert f"resuming {snapshot} at line {line + 1}" in finished.stdout
    assert count(db_url) == 60_000
    engine.dispose()
