"""Fetch referenced pictures once, through the polite client, and store small copies: the background job.

Run by ``paperboy images fetch`` and by each worker tick, never by a reader's request. Bounded (``limit``
pictures per run) and resumable: every batch commits its outcomes, so a run that is stopped loses at most one
batch, and the next run starts with what is still missing. A picture that fails (404, timeout, 5xx) is tried
again later, after 6 hours, then 12, 24 … up to a week; one that can never work (not an image, too large, an
SVG, a host outside ``PAPERBOY_IMAGE_HOSTS``) is refused for good. Either way pages show initials or a
placeholder meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.errors import IngestError, UpstreamRefused
from paperboy.ingest.clients import allowed_image_host, make_image_client
from paperboy.ingest.http import PoliteClient
from paperboy.media.resize import PictureRefused, prepare
from paperboy.store import images as store
from paperboy.store.dialect import chunks

log = logging.getLogger(__name__)
BATCH = 20
FIRST_RETRY = timedelta(hours=6)
LONGEST_RETRY = timedelta(days=7)


@dataclass(slots=True)
class FetchReport:
    stored: int = 0
    failed: int = 0
    refused: int = 0

    @property
    def tried(self) -> int:
        return self.stored + self.failed + self.refused

    def summary(self) -> str:
        return f"{self.stored} stored, {self.failed} failed (tried again later), {self.refused} refused"


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed try (n from 1): 6 h, 12 h, 24 h … at most a week."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)


def _refusal(url: str, allowed: Callable[[str], bool]) -> str | None:
    """Why ``url`` is never fetched, or None; decided without a request."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    if not allowed(parts.hostname):
        return f"{parts.hostname} is not in PAPERBOY_IMAGE_HOSTS"
    if parts.path.lower().endswith(".svg"):
        return "SVG pictures are not copied (initials are shown instead)"
    return None


def fetch_one(client: PoliteClient, settings: Settings, wanted: store.Wanted, now: datetime) -> store.Outcome:
    """One picture's outcome; never raises for anything the upstream or the bytes do."""

    def outcome(status: str, error: str) -> store.Outcome:
        retry = now + retry_delay(wanted.attempts + 1) if status == store.FAILED else None
        return store.Outcome(wanted.url, wanted.kind, status, now, error=error[:500], retry_at=retry)

    reason = _refusal(wanted.url, allowed_image_host(settings))
    if reason:
        return outcome(store.REFUSED, reason)
    try:
        response = client.get(wanted.url, max_bytes=settings.image_max_bytes)
        picture = prepare(response.content, wanted.kind)
    except UpstreamRefused as exc:
        return outcome(store.REFUSED, exc.reason)
    except PictureRefused as exc:
        return outcome(store.REFUSED, str(exc))
    except IngestError as exc:
        return outcome(store.FAILED, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one strange answer must not stop the run
        log.warning("picture %s: unexpected %s", wanted.url, type(exc).__name__, exc_info=True)
        return outcome(store.FAILED, f"{type(exc).__name__}: {exc}")
    return store.Outcome(
        wanted.url,
        wanted.kind,
        store.STORED,
        now,
        name=picture.name,
        data=picture.data,
        width=picture.width,
        height=picture.height,
    )


def fetch_images(
    engine: Engine,
    settings: Settings,
    limit: int,
    retry_failed: bool = False,
    client: PoliteClient | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FetchReport:
    """Fetch and store up to ``limit`` pictures still missing; ``progress(done, total)`` after each batch."""
    report = FetchReport()
    with engine.connect() as conn:
        todo = store.pending(conn, limit, datetime.now(UTC), retry_failed)
    if not todo:
        return report
    own = client is None
    client = client or make_image_client(settings)
    try:
        for batch in chunks(todo, BATCH):
            outcomes = [fetch_one(client, settings, wanted, datetime.now(UTC)) for wanted in batch]
            with engine.begin() as conn:
                store.save(conn, outcomes)
            for done in outcomes:
                setattr(report, done.status, getattr(report, done.status) + 1)
            if progress is not None:
                progress(report.tried, len(todo))
    finally:
        if own:
            client.close()
    return report
