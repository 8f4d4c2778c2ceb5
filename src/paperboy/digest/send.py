"""The sender: claims due outbox rows, sends each over one reused SMTP connection at a steady rate, and
records the outcome of every message in its own commit.

- accepted (2xx): ``sent``, committed before the next message, so a crash re-sends at most the one in flight;
- temporary refusal (4xx) or a network error: back to ``pending`` with an exponential, jittered back-off,
  until ``PAPERBOY_DIGEST_GIVE_UP_HOURS`` have passed (then ``failed``);
- permanent refusal (5xx, a hard bounce): ``bounced``, and the address is suppressed for good;
- a row claimed by a sender that died comes back when its lease ends.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.engine import Engine

from paperboy import mailer
from paperboy.auth.secrets_util import digest as token_digest
from paperboy.auth.secrets_util import new_token
from paperboy.config import Settings
from paperboy.digest.compose import compose
from paperboy.models import PaperView
from paperboy.store import outbox, subscriptions
from paperboy.store.outbox import OutboxRow
from paperboy.store.papers import views_by_id
from paperboy.store.subscriptions import Subscription

log = logging.getLogger("paperboy.digest")


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...
    def close(self) -> None: ...


class BackendTransport:
    """The console and file backends, for local runs and `--dry-run`-like inspection."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        mailer.send(self.settings, message)

    def close(self) -> None:
        pass


def transport_for(settings: Settings) -> Transport:
    return mailer.SmtpSession(settings) if settings.mail_backend == "smtp" else BackendTransport(settings)


@dataclass(slots=True)
class SendReport:
    sent: int = 0
    retried: int = 0
    bounced: int = 0
    suppressed: int = 0
    failed: int = 0
    cancelled: int = 0
    lost: int = 0  # rows whose claim another sender took over (lease ran out): left to it
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.bounced} bounced, "
            f"{self.suppressed} suppressed, {self.failed} failed, {self.cancelled} cancelled"
        )


def utcnow() -> datetime:
    return datetime.now(UTC)


class Pacer:
    """At most ``rate`` messages per second, evenly spaced (no bursts that trip a provider's limits)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = time.monotonic()

    def wait(self) -> None:
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


class Sender:
    def __init__(self, engine: Engine, settings: Settings, transport: Transport | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.transport = transport or transport_for(settings)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{random.randrange(1 << 30):x}"[:100]
        self.pacer = Pacer(settings.digest_rate)
        self.report = SendReport()
        self.bounced: set[str] = set()  # addresses that bounced during this run

    def backoff(self, attempts: int) -> timedelta:
        base = self.settings.digest_retry_seconds * 2 ** max(0, attempts - 1)
        delay = min(base, self.settings.digest_retry_max_seconds)
        return timedelta(seconds=delay * random.uniform(0.8, 1.2))

    def run(self, wait: bool = False, stop: threading.Event | None = None) -> SendReport:
        """Send everything due; with ``wait``, also wait out back-offs until no row is left unfinished."""
        try:
            while stop is None or not stop.is_set():
                now = utcnow()
                lease = now + timedelta(seconds=self.settings.digest_lease_seconds)
                with self.engine.begin() as conn:
                    rows = outbox.claim(conn, self.worker, now, lease, self.settings.digest_batch)
                    view_tokens = {row.id: new_token() for row in rows}
                    outbox.set_view_hashes(conn, {i: token_digest(t) for i, t in view_tokens.items()})
                if rows:
                    self.deliver_batch(rows, view_tokens)
                    continue
                if not wait:
                    break
                with self.engine.connect() as conn:
                    due = outbox.next_due(conn)
                if due is None:
                    break
                pause = min(max((due - utcnow()).total_seconds(), 0.02), 1.0)
                if stop is not None:
                    stop.wait(pause)
                else:
                    time.sleep(pause)
        finally:
            self.transport.close()
        return self.report

    def _finish(self, row: OutboxRow, status: str, error: str | None = None) -> None:
        with self.engine.begin() as conn:
            if not outbox.finish(conn, row.id, self.worker, status, utcnow(), error):
                self.report.lost += 1
                return
            if status == "bounced":
                outbox.suppress(conn, row.email, error or "hard bounce")
                self.bounced.add(row.email.lower())
        setattr(self.report, status, getattr(self.report, status) + 1)

    def deliver_batch(self, rows: list[OutboxRow], view_tokens: dict[int, str] | None = None) -> None:
        """Read what a claimed batch needs in a few queries, then send its messages one by one."""
        with self.engine.connect() as conn:
            suppressed = outbox.suppressed_among(conn, [r.email for r in rows])
            subs = subscriptions.by_ids(conn, [r.subscription_id for r in rows])
            views = views_by_id(conn, [p["paper_id"] for r in rows for p in r.picks], include_hidden=True)
        cache: dict[int, dict] = {}  # a paper's rendered parts, shared by the batch's digests
        for row in rows:
            sub = subs.get(row.subscription_id)
            if row.email.lower() in suppressed or row.email.lower() in self.bounced:
                self._finish(row, "suppressed", "address suppressed after a hard bounce")
            elif sub is None or sub.status != "active":
                self._finish(row, "cancelled", "subscription no longer active")
            else:
                self.deliver(row, sub, views, cache, (view_tokens or {}).get(row.id))

    def deliver(
        self,
        row: OutboxRow,
        sub: Subscription,
        views: dict[int, PaperView],
        cache: dict[int, dict] | None = None,
        view_token: str | None = None,
    ) -> None:
        try:
            message = compose(self.settings, row, sub, views, cache, view_token)
        except Exception as exc:  # noqa: BLE001 - one broken row must not stop the queue
            log.exception("digest %s could not be built", row.id)
            self._finish(row, "failed", f"could not build the message: {exc}")
            return
        self.pacer.wait()
        try:
            self.transport.send(message)
        except mailer.MailError as exc:
            self._refused(row, exc)
            return
        self._finish(row, "sent")

    def _refused(self, row: OutboxRow, exc: mailer.MailError) -> None:
        error = str(exc)[:2000]
        if exc.permanent:
            log.warning("digest %s to %s bounced: %s", row.id, row.email, error)
            self._finish(row, "bounced", error)
            return
        now = utcnow()
        if now - row.created_at > timedelta(hours=self.settings.digest_give_up_hours):
            self._finish(row, "failed", f"gave up after {row.attempts} attempts: {error}")
            return
        with self.engine.begin() as conn:
            if outbox.retry_later(conn, row.id, self.worker, now + self.backoff(row.attempts), error):
                self.report.retried += 1
            else:
                self.report.lost += 1
