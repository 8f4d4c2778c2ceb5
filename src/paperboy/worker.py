"""``paperboy worker``: the schedule. Ingest after each arXiv announcement, then digests at readers' hours.

arXiv announces new papers Sunday to Thursday at 20:00 America/New_York. Every tick the leader looks at the
announcement slots of the last ``PAPERBOY_WORKER_BACKFILL_DAYS`` days that have passed and not been ingested
(a worker that was down back-fills them, oldest first); a slot that brings no papers (a holiday, an empty
day) is recorded as done, not retried. A failed ingest is retried on a later tick. Then due digests are
queued and the outbox is sent, and pictures not copied yet are fetched (``media.fetch``). Only the leader
works (``store.leases``), so several workers, on one machine or several, never double the work.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest.outbox import queue
from paperboy.digest.personal import recommender_factory
from paperboy.digest.send import Sender, utcnow
from paperboy.ingest.jobs import backfill_metadata, load_arxiv_oai, load_hf_api
from paperboy.models import Checkpoint
from paperboy.store.checkpoints import load_checkpoints, save_checkpoint
from paperboy.store.leases import LeaderLock

log = logging.getLogger("paperboy.worker")
NEW_YORK = ZoneInfo("America/New_York")
ANNOUNCE_DAYS = (6, 0, 1, 2, 3)  # Sunday … Thursday
ANNOUNCE_AT = 20  # 20:00 New York time
MARGIN = timedelta(minutes=30)  # the listings take a while to appear everywhere
INGEST_SOURCE = "worker:ingest"
RETRY_AFTER = timedelta(minutes=30)
Ingest = Callable[[date], int]  # an announcement's New York date -> papers ingested


def announcements(now: datetime, days: int) -> list[date]:
    """New York dates of the announcements of the last ``days`` days that have already happened."""
    local = now.astimezone(NEW_YORK)
    found = []
    for back in range(days, -1, -1):
        day = local.date() - timedelta(days=back)
        at = datetime(day.year, day.month, day.day, ANNOUNCE_AT, tzinfo=NEW_YORK)
        if day.weekday() in ANNOUNCE_DAYS and at + MARGIN <= now:
            found.append(day)
    return found


def default_ingest(engine: Engine, settings: Settings) -> Ingest | None:
    """The configured source: Hugging Face daily papers of the announcement's days, or arXiv OAI-PMH."""
    if settings.worker_ingest == "none":
        return None

    def ingest(day: date) -> int:
        if settings.worker_ingest == "hf":
            report = load_hf_api(engine, settings, [day, day + timedelta(days=1)])
        else:
            # Each announcement is harvested whole: a token saved by an earlier try may have expired.
            report = load_arxiv_oai(
                engine,
                settings,
                "arXivRaw",
                settings.worker_arxiv_set,
                day.isoformat(),
                None,
                restart=True,
                interactive=False,
            )
        if not report.ok:
            raise RuntimeError(report.summary())
        return report.papers

    return ingest


class Worker:
    def __init__(self, engine: Engine, settings: Settings, ingest: Ingest | None | bool = True) -> None:
        self.engine, self.settings = engine, settings
        self.ingest = default_ingest(engine, settings) if ingest is True else (ingest or None)
        holder = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        ttl = timedelta(seconds=max(settings.worker_lease_seconds, 3 * settings.worker_tick_seconds))
        self.lock = LeaderLock(engine, "worker", holder, ttl)
        self.failed_at: datetime | None = None
        self.leading = False

    def run(self, once: bool = False, stop: threading.Event | None = None) -> None:
        stop = stop or threading.Event()
        log.info("worker started (tick every %.0f s)", self.settings.worker_tick_seconds)
        try:
            while not stop.is_set():
                started = time.monotonic()
                try:
                    self.tick(utcnow())
                except Exception:  # noqa: BLE001 - a bad tick is logged; the schedule goes on
                    log.exception("worker tick failed")
                if once:
                    return
                stop.wait(max(0.0, self.settings.worker_tick_seconds - (time.monotonic() - started)))
        finally:
            self.lock.release()

    def tick(self, now: datetime) -> bool:
        """One schedule check; False when another worker leads."""
        if not self.lock.acquire():
            if self.leading:
                log.warning("no longer leading the schedule")
            self.leading = False
            return False
        if not self.leading:
            log.info("leading the schedule (%s)", self.lock.holder)
            self.leading = True
        self.ingest_due(now)
        report = queue(
            self.engine, self.settings, now, None, recommender_factory(self.engine, self.settings, now)
        )
        if report.queued or report.empty:
            log.info("digests: %s", report.summary())
        sent = Sender(self.engine, self.settings).run(wait=False)
        if sent.sent or sent.retried or sent.bounced:
            log.info("outbox: %s", sent.summary())
        self.fetch_pictures()
        self.backfill_metadata()  # last: it waits on arXiv, and nothing depends on it in time
        return True

    def fetch_pictures(self) -> int:
        """Copies of thumbnails and avatars, ``PAPERBOY_WORKER_IMAGES`` a tick (``media.fetch``)."""
        if not self.settings.worker_images:
            return 0
        from paperboy.media.fetch import fetch_images

        try:
            report = fetch_images(self.engine, self.settings, self.settings.worker_images)
        except Exception:  # noqa: BLE001 - pictures are optional; the schedule goes on without them
            log.exception("picture fetch failed")
            return 0
        if report.tried:
            log.info("pictures: %s", report.summary())
        return report.stored

    def backfill_metadata(self) -> int:
        """arXiv categories and metadata for papers imported from Hugging Face (``metadata_backfill``)."""
        if not self.settings.worker_metadata_backfill or self.ingest is None:
            return 0
        report = backfill_metadata(self.engine, self.settings, self.settings.worker_metadata_backfill)
        if report.papers or not report.ok:
            log.info("arXiv metadata back-fill: %s", report.summary())
        return report.papers

    def ingest_due(self, now: datetime) -> list[date]:
        if self.ingest is None or (self.failed_at and now - self.failed_at < RETRY_AFTER):
            return []
        with self.engine.connect() as conn:
            done = load_checkpoints(conn, INGEST_SOURCE)
        finished = []
        for day in announcements(now, self.settings.worker_backfill_days):
            if day.isoformat() in done:
                continue
            try:
                papers = self.ingest(day)
            except Exception as exc:  # noqa: BLE001 - the source is down or refused: retry later
                log.warning("ingest of the %s announcement failed, retrying later: %s", day, exc)
                self.failed_at = now
                break
            self.failed_at = None
            note = f"{papers} papers" if papers else "no papers (holiday or empty day)"
            with self.engine.begin() as conn:
                save_checkpoint(conn, Checkpoint(INGEST_SOURCE, day.isoformat(), note))
            log.info("ingested the %s announcement: %s", day, note)
            finished.append(day)
        return finished


def start_in_background(engine: Engine, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    """For ``paperboy serve --worker``: the same schedule in a daemon thread of the server process."""
    stop = threading.Event()
    thread = threading.Thread(
        target=Worker(engine, settings).run, kwargs={"stop": stop}, daemon=True, name="worker"
    )
    thread.start()
    return thread, stop
