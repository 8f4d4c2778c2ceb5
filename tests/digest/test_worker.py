"""The schedule: arXiv announcement slots with back-fill and empty days, one leader at a time, digests at
each subscriber's local hour, and ``paperboy digest send --dry-run``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from paperboy.store import outbox
from paperboy.store.leases import LeaderLock
from paperboy.worker import Worker, announcements
from tests.digest.conftest import add_subscribers, digest_settings

SUNDAY_NIGHT_NY = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)  # Sunday 22:00 in New York


def test_announcement_slots_skip_weekends_and_wait_for_the_evening() -> None:
    days = announcements(SUNDAY_NIGHT_NY, 6)
    assert days == [
        date(2025, 9, 22),
        date(2025, 9, 23),
        date(2025, 9, 24),
        date(2025, 9, 25),
        date(2025, 9, 28),
    ]
    before = announcements(SUNDAY_NIGHT_NY - timedelta(hours=2), 0)  # 20:00 NY: not yet (30 min margin)
    assert before == []


def test_missed_days_are_back_filled_empty_days_recorded_failures_retried(engine: Engine) -> None:
    calls: list[date] = []
    broken = {date(2025, 9, 24)}

    def fake_ingest(day: date) -> int:
        calls.append(day)
        if day in broken:
            raise RuntimeError("arXiv is down")
        return 0 if day == date(2025, 9, 23) else 120  # the 23rd: nothing announced (a holiday)

    worker = Worker(engine, digest_settings(engine, worker_backfill_days=6), ingest=fake_ingest)
    assert worker.ingest_due(SUNDAY_NIGHT_NY) == [date(2025, 9, 22), date(2025, 9, 23)]
    assert calls[-1] == date(2025, 9, 24)  # stopped at the failure, oldest first
    assert worker.ingest_due(SUNDAY_NIGHT_NY + timedelta(minutes=5)) == []  # waits before retrying
    broken.clear()
    later = SUNDAY_NIGHT_NY + timedelta(hours=1)
    assert worker.ingest_due(later) == [date(2025, 9, 24), date(2025, 9, 25), date(2025, 9, 28)]
    assert worker.ingest_due(later) == []  # all done, the empty day included


def test_one_leader_at_a_time(engine: Engine) -> None:
    first = LeaderLock(engine, "worker", "a", timedelta(seconds=60))
    second = LeaderLock(engine, "worker", "b", timedelta(seconds=60))
    assert first.acquire() and first.acquire()  # renewing keeps it
    assert not second.acquire()
    if first.conn is not None:  # PostgreSQL: a dead host's lock must not outlive the lease by hours
        show = first.conn.exec_driver_sql
        assert show("SHOW tcp_keepalives_idle").scalar() == "20"  # a third of the 60 s lease, then
        assert show("SHOW tcp_keepalives_interval").scalar() == "10"  # two probes 10 s apart
    first.release()
    assert second.acquire() and not first.acquire()
    second.release()


def test_digests_go_out_at_each_subscribers_local_hour(papers_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_subscribers(papers_engine, 1, prefix="utc", timezone="UTC", hour=8)
    add_subscribers(papers_engine, 1, prefix="paris", timezone="Europe/Paris", hour=9)
    add_subscribers(papers_engine, 1, prefix="newyork", timezone="America/New_York", hour=8)
    settings = digest_settings(papers_engine, mail_backend="file", mail_dir=tmp_path / "mail")
    worker = Worker(papers_engine, settings, ingest=None)
    friday = datetime(2025, 9, 26, 7, 30, tzinfo=UTC)  # 07:30 UTC, 09:30 Paris, 03:30 New York
    assert worker.tick(friday)
    assert [m.name for m in (tmp_path / "mail").glob("*.eml")] and len(
        list((tmp_path / "mail").glob("*"))
    ) == 1
    worker.tick(friday + timedelta(minutes=40))  # 08:10 UTC: the UTC reader's turn
    worker.tick(friday + timedelta(minutes=50))  # nothing new is due
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    worker.tick(friday + timedelta(hours=5))  # 08:30 New York
    with papers_engine.connect() as conn:
        assert outbox.counts(conn) == {"sent": 3}
    worker.lock.release()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dry_run_shows_what_would_go_out(papers_engine: Engine) -> None:
    add_subscribers(papers_engine, 2)
    env = {**os.environ, "PAPERBOY_DATABASE_URL": str(papers_engine.url)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "paperboy",
            "digest",
            "send",
            "--dry-run",
            "--at",
            "2025-09-26T09:00:00+00:00",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "reader0@example.org [2025-09-26] 10 papers" in result.stdout and "why:" in result.stdout
    assert "2 digests would be queued now; outbox: empty" in result.stdout


def test_serve_worker_thread_starts_and_stops(engine: Engine) -> None:
    from paperboy.worker import start_in_background

    settings = digest_settings(engine, worker_ingest="none", worker_tick_seconds=0.05, mail_backend="console")
    thread, stop = start_in_background(engine, settings)
    assert thread.is_alive()
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
