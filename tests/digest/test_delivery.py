"""Delivery through a real SMTP server (aiosmtpd, STARTTLS) on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.digest.send import Sender
from paperboy.store import outbox
from paperboy.store.schema import digest_items, digest_outbox, subscriptions
from tests.digest.conftest import FRIDAY_MORNING, add_subscribers, digest_settings
from tests.digest.smtp_server import SmtpServer


def test_one_digest_per_subscriber_with_headers_and_both_parts(
    papers_engine: Engine, smtp: SmtpServer
) -> None:
    add_subscribers(papers_engine, 5)
    settings = digest_settings(papers_engine, smtp)
    report = queue(papers_engine, settings, FRIDAY_MORNING)
    assert (report.queued, report.empty) == (5, 0)
    again = queue(papers_engine, settings, FRIDAY_MORNING + timedelta(hours=3))
    assert again.queued == 0  # same period: already queued
    sent = Sender(papers_engine, settings).run()
    assert sent.sent == 5
    assert sorted(r.rcpt for r in smtp.handler.received) == [f"reader{n}@example.org" for n in range(5)]
    message = smtp.handler.received[0].parsed()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://papers.example.org/unsubscribe/") and unsubscribe.endswith(">")
    url = unsubscribe[1:-1]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert url in text and url.replace("&", "&amp;") in html
    assert "Why:" in text and "trending" in text
    assert "<table" in html and 'style="' in html
    assert message["Message-ID"].startswith("<digest-") and message["Message-ID"].endswith(
        "-2025-09-26@papers.example.org>"
    )
    assert message["Subject"] == "10 trending papers · Friday, September 26, 2025 · paperboy"
    first = _papers_sent(papers_engine, "2025-09-26")
    assert len(first) == settings.digest_max_papers
    # Monday's digest draws on two of the same days (its window reaches back four) but repeats none of these.
    assert queue(papers_engine, settings, FRIDAY_MORNING + timedelta(days=3)).queued == 5
    assert Sender(papers_engine, settings).run().sent == 5
    second = _papers_sent(papers_engine, "2025-09-29")
    assert len(second) == settings.digest_max_papers and first.isdisjoint(second)
    monday = [r for r in smtp.handler.received if "Monday, September 29" in r.subject]
    assert len(monday) == 5


def _papers_sent(engine: Engine, period: str) -> set[int]:
    """Papers given in one period's digests (the same list for every reader here)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(digest_items.c.paper_id).where(digest_items.c.period == period))
        return {pid for (pid,) in rows}


def test_no_mail_when_nothing_is_new(papers_engine: Engine, smtp: SmtpServer) -> None:
    add_subscribers(papers_engine, 2, "weekly")
    settings = digest_settings(papers_engine, smtp, digest_max_papers=50)
    total = 0
    for week in ("2025-W39", "2025-W40", "2025-W41"):
        queue(papers_engine, settings, FRIDAY_MORNING, period=week)
        total += Sender(papers_engine, settings).run().sent
    with papers_engine.connect() as conn:
        states = outbox.counts(conn)
    # The week's papers run out after a few digests; then periods are recorded as empty and nothing is sent.
    assert states.get("empty", 0) >= 2 and total == states["sent"]
    assert len(smtp.handler.received) == total


def test_temporary_failures_retry_and_hard_bounces_suppress(papers_engine: Engine, smtp: SmtpServer) -> None:
    add_subscribers(papers_engine, 30)
    smtp.handler.temp_rate = 0.5
    settings = digest_settings(papers_engine, smtp, digest_retry_seconds=0.01, digest_retry_max_seconds=0.05)
    queue(papers_engine, settings, FRIDAY_MORNING)
    smtp.handler.bounced.add("reader7@example.org")
    report = Sender(papers_engine, settings).run(wait=True)
    assert report.retried > 0 and report.bounced == 1 and report.sent == 29
    received = [r.rcpt for r in smtp.handler.received]
    assert sorted(received) == sorted(f"reader{n}@example.org" for n in range(30) if n != 7)
    with papers_engine.connect() as conn:
        assert outbox.is_suppressed(conn, "reader7@example.org")
        status = conn.execute(
            sa.select(subscriptions.c.status).where(subscriptions.c.email == "reader7@example.org")
        ).scalar()
        assert status == "bounced"
    # Suppressed for good: the next period queues nothing for the bounced address.
    queue(papers_engine, settings, FRIDAY_MORNING + timedelta(days=3))
    with papers_engine.connect() as conn:
        rows = conn.execute(
            sa.select(sa.func.count()).where(digest_outbox.c.email == "reader7@example.org")
        ).scalar()
    assert rows == 1


def test_the_rate_limit_is_kept(papers_engine: Engine, smtp: SmtpServer) -> None:
    add_subscribers(papers_engine, 6)
    settings = digest_settings(papers_engine, smtp, digest_rate=20.0)
    queue(papers_engine, settings, FRIDAY_MORNING)
    started = time.monotonic()
    assert Sender(papers_engine, settings).run().sent == 6
    assert time.monotonic() - started >= 5 / 20.0


def test_two_senders_at_once_never_send_a_digest_twice(papers_engine: Engine, smtp: SmtpServer) -> None:
    """PostgreSQL: SKIP LOCKED gives each sender its own rows; SQLite: the claiming UPDATE is one writer."""
    import threading

    add_subscribers(papers_engine, 40)
    settings = digest_settings(papers_engine, smtp, digest_batch=3)
    queue(papers_engine, settings, FRIDAY_MORNING)
    senders = [Sender(papers_engine, settings) for _ in range(2)]
    threads = [threading.Thread(target=s.run) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [r.message_id for r in smtp.handler.received]
    assert len(ids) == len(set(ids)) == 40
    assert all(s.report.sent > 0 for s in senders)  # both did part of the work
