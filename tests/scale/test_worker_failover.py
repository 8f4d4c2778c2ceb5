"""Leader failover between real ``paperboy worker`` processes on one PostgreSQL database.

Two workers run; the leader is SIGKILLed while it waits for a (slowed) Hugging Face reply, and a replacement
starts as a supervisor would restart it. The other worker takes over within a few ticks and ingests every
announcement; then it is SIGKILLed in turn just as the SMTP server accepted a digest, and the replacement
takes over sending. No announcement day is skipped, every queued digest arrives, and the crash mid-send
costs at most one duplicate.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paperboy.digest.outbox import queue
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.schema import daily_entries, digest_outbox
from paperboy.worker import INGEST_SOURCE, announcements
from tests.conftest import HF_DAILY, load_hf_daily, make_postgres_database
from tests.digest.conftest import FRIDAY_MORNING, WEEK, add_subscribers, digest_settings
from tests.digest.smtp_server import Handler, SmtpServer
from tests.upstream import Reply, Upstream

pytestmark = pytest.mark.postgres
TICK = 0.5
BACKFILL_DAYS = 3
REPLY_DELAY = 1.5  # seconds the fake Hugging Face takes per page: time to kill a leader mid-ingest
SUBSCRIBERS = 30
KILL_AFTER = 10  # accepted digests before the second leader dies
TAKEOVER = 3 * TICK + 6.0  # a tick to notice, plus process scheduling on a busy 2-core machine


class Worker:
    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "paperboy", "worker"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def leading(self) -> bool:
        return "leading the schedule" in self.log.read_text(errors="replace")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def _wait(condition, timeout: float, problem) -> float:  # type: ignore[no-untyped-def]
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < timeout, problem()
        time.sleep(0.05)
    return time.monotonic() - began


def _hugging_face(upstream: Upstream, today: datetime) -> None:
    """Every date the workers may ask for, each answered (slowly) with a different real day's papers."""
    files = sorted(HF_DAILY.glob("????-??-??.json"))[-(BACKFILL_DAYS + 4) :]
    for back, path in enumerate(files):
        day = (today - timedelta(days=back - 2)).date().isoformat()
        body = path.read_bytes()
        query = {"date": day, "limit": 100, "p": 0}
        upstream.add(
            "/api/daily_papers", query, Reply(200, body, {"Content-Type": "application/json"}, REPLY_DELAY)
        )


def test_a_killed_leader_is_replaced_without_skipping_a_day_or_losing_a_digest(tmp_path: Path) -> None:
    url, drop = make_postgres_database()
    engine = create_engine(url)
    workers: list[Worker] = []
    started = datetime.now(UTC)
    expected_days = {day.isoformat() for day in announcements(started, BACKFILL_DAYS)}
    handler = Handler()
    state = {"pid": 0, "killed": False}
    accept = handler.handle_DATA

    async def handle_data(server, session, envelope):  # type: ignore[no-untyped-def]
        answer = await accept(server, session, envelope)
        if (
            answer.startswith("250")
            and state["pid"]
            and len(handler.received) >= KILL_AFTER
            and not state["killed"]
        ):
            state["killed"] = True
            os.killpg(state["pid"], signal.SIGKILL)  # before the sender hears "250"
        return answer

    handler.handle_DATA = handle_data  # type: ignore[method-assign]
    try:
        upgrade(engine)
        (tmp_path / "days").mkdir()
        for day in WEEK:
            (tmp_path / "days" / f"{day}.json").symlink_to(HF_DAILY / f"{day}.json")
        load_hf_daily(engine, tmp_path / "days")
        add_subscribers(engine, SUBSCRIBERS)
        assert queue(engine, digest_settings(engine), FRIDAY_MORNING, period=WEEK[-1]).queued == SUBSCRIBERS

        with Upstream() as upstream, SmtpServer(handler, None) as smtp:
            _hugging_face(upstream, started)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
            env.update(
                PAPERBOY_DATABASE_URL=url,
                PAPERBOY_SEARCH_INDEX_DIR=str(tmp_path / "index"),
                PAPERBOY_SEARCH_EMBED_BACKGROUND="false",
                PAPERBOY_BASE_URL="https://papers.example.org",
                PAPERBOY_WORKER_INGEST="hf",
                PAPERBOY_WORKER_METADATA_BACKFILL="0",  # its arXiv requests are tested elsewhere
                PAPERBOY_WORKER_IMAGES="0",  # so are picture copies; these papers name Hugging Face's CDN
                PAPERBOY_WORKER_BACKFILL_DAYS=str(BACKFILL_DAYS),
                PAPERBOY_WORKER_TICK_SECONDS=str(TICK),
                PAPERBOY_HF_ENDPOINT=upstream.url,
                PAPERBOY_HF_MIN_INTERVAL="0",
                PAPERBOY_MAIL_BACKEND="smtp",
                PAPERBOY_SMTP_HOST="127.0.0.1",
                PAPERBOY_SMTP_PORT=str(smtp.port),
                PAPERBOY_SMTP_TLS="none",
                PAPERBOY_DIGEST_RATE="500",
                PAPERBOY_DIGEST_BATCH="5",
                PAPERBOY_DIGEST_LEASE_SECONDS="1.5",
                PYTHONUNBUFFERED="1",
            )
            workers += [Worker("w1", env, tmp_path), Worker("w2", env, tmp_path)]

            def logs() -> str:
                return "\n".join(f"--- {w.log.name}\n{w.log.read_text()[-2000:]}" for w in workers)

            # 1. The leader dies while it waits for Hugging Face.
            _wait(
                lambda: upstream.requests and any(w.leading for w in workers),
                60,
                lambda: "no ingest\n" + logs(),
            )
            [leader] = [w for w in workers if w.leading]
            [other] = [w for w in workers if w is not leader]
            leader.kill()
            workers.append(Worker("w3", env, tmp_path))  # the supervisor restarts it
            took = _wait(lambda: other.leading, TAKEOVER, lambda: "no takeover\n" + logs())
            print(f"first takeover in {took:.1f} s")

            # 2. The new leader ingests, then dies just as the SMTP server accepted a digest.
            state["pid"] = other.process.pid
            _wait(lambda: state["killed"], 60, lambda: f"{len(handler.received)} sent\n" + logs())
            other.process.wait(timeout=10)
            replacement = workers[-1]
            took = _wait(lambda: replacement.leading, TAKEOVER, lambda: "no second takeover\n" + logs())
            print(f"second takeover in {took:.1f} s")

            def all_sent() -> bool:
                with engine.connect() as conn:
                    statuses = conn.execute(sa.select(digest_outbox.c.status)).scalars().all()
                return bool(statuses) and set(statuses) == {"sent"}

            _wait(all_sent, 30, lambda: "digests left unsent\n" + logs())

        with engine.connect() as conn:
            done = load_checkpoints(conn, INGEST_SOURCE)
            days = {str(d) for d in conn.execute(sa.select(daily_entries.c.day).distinct()).scalars()}
            rows = conn.execute(sa.select(digest_outbox.c.id, digest_outbox.c.period)).all()
        assert expected_days and expected_days <= set(done), (expected_days, done)  # no day skipped
        assert {d for d in expected_days} <= days  # and its papers are there
        asked = Counter(r.query["date"] for r in upstream.requests)
        assert max(asked.values()) <= 2, asked  # a page is fetched again at most once, after the crash
        copies = Counter(r.message_id for r in handler.received)
        extra = 0
        for row in rows:
            got = sum(n for mid, n in copies.items() if mid.startswith(f"<digest-{row.id}-{row.period}@"))
            assert got >= 1, f"digest {row.id} lost"
            extra += got - 1
        assert len(rows) >= SUBSCRIBERS and extra <= 1, f"{extra} duplicates for one crash mid-send"
    finally:
        for worker in workers:
            worker.kill()
        engine.dispose()
        drop()
