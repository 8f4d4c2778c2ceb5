"""How a digest reaches the SMTP server and when it stops trying: implicit TLS (port 465 style), a login the
server requires, and giving up once the retry window has passed (real aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.digest.send import Sender
from paperboy.store import outbox
from paperboy.store.schema import digest_outbox, subscriptions
from tests.digest.conftest import FRIDAY_MORNING, add_subscribers, digest_settings
from tests.digest.smtp_server import Handler, Login, SmtpServer

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # transport, not storage


@pytest.fixture
def smtps(certificate) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    """Implicit TLS from the first byte, and no mail accepted before a successful login."""
    if certificate is None:
        pytest.skip("openssl is needed to make a test certificate")
    with SmtpServer(Handler(), certificate, implicit_tls=True, login=Login("digest", "s3cret")) as server:
        yield server


def test_implicit_tls_with_login_delivers(papers_engine: Engine, smtps: SmtpServer) -> None:
    add_subscribers(papers_engine, 2)
    settings = digest_settings(papers_engine, smtps, digest_retry_seconds=600)
    assert settings.smtp_tls == "ssl" and settings.smtp_user == "digest"
    queue(papers_engine, settings, FRIDAY_MORNING)
    assert Sender(papers_engine, settings).run().sent == 2
    assert sorted(r.rcpt for r in smtps.handler.received) == ["reader0@example.org", "reader1@example.org"]
    assert smtps.login is not None and smtps.login.accepted >= 1 and smtps.login.refused == 0


def test_a_wrong_smtp_password_sends_nothing_and_keeps_the_digest(
    papers_engine: Engine, smtps: SmtpServer
) -> None:
    add_subscribers(papers_engine, 1)
    settings = digest_settings(papers_engine, smtps, smtp_password="wrong", digest_retry_seconds=600)
    queue(papers_engine, settings, FRIDAY_MORNING)
    report = Sender(papers_engine, settings).run()
    assert report.sent == 0 and smtps.handler.received == []
    assert smtps.login is not None and smtps.login.refused >= 1
    with papers_engine.connect() as conn:
        assert conn.execute(sa.select(digest_outbox.c.status)).scalar_one() == "pending"
        # Our bad password is not the reader's fault: no hard bounce, nobody suppressed.
        assert conn.execute(sa.select(subscriptions.c.status)).scalar_one() == "active"
        assert not outbox.is_suppressed(conn, "reader0@example.org")


def test_a_digest_still_refused_after_the_retry_window_is_given_up(
    papers_engine: Engine, smtp: SmtpServer
) -> None:
    add_subscribers(papers_engine, 1)
    smtp.handler.temp_rate = 2.0  # every RCPT answered 451: the mailbox is always "busy"
    settings = digest_settings(papers_engine, smtp, digest_retry_seconds=600, digest_give_up_hours=1)
    queue(papers_engine, settings, FRIDAY_MORNING)
    first = Sender(papers_engine, settings).run()
    assert (first.sent, first.retried) == (0, 1)
    assert _row(papers_engine)[:2] == ("pending", 1), "inside the window a refusal is retried later"

    # An hour and a bit later the retry comes due, and is refused again: now it is given up.
    with papers_engine.begin() as conn:
        (created, due) = conn.execute(
            sa.select(digest_outbox.c.created_at, digest_outbox.c.next_attempt_at)
        ).one()
        back = timedelta(hours=1, minutes=11)
        conn.execute(digest_outbox.update().values(created_at=created - back, next_attempt_at=due - back))
    second = Sender(papers_engine, settings).run()
    assert (second.sent, second.retried, second.failed) == (0, 0, 1)
    status, attempts, error = _row(papers_engine)
    assert status == "failed" and attempts == 2 and error.startswith("gave up after")
    assert Sender(papers_engine, settings).run().failed == 0 and _row(papers_engine)[1] == 2  # never again
    assert smtp.handler.received == []


def _row(engine: Engine) -> tuple[str, int, str | None]:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(digest_outbox.c.status, digest_outbox.c.attempts, digest_outbox.c.last_error)
        ).one()
    return row.status, row.attempts, row.last_error
