"""Gauges read from the database at scrape time: ingest lag, embedding backlog, digest outbox depth.

They describe the whole deployment, not this process, so any worker or host may report them. A scrape reads
them at most once every ``CACHE_SECONDS`` per process (a busy Prometheus, or several, cost a few cheap
queries, never one per scrape), and computes the lags against the clock at each scrape.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine

from paperboy.store import embedding_queue
from paperboy.store.dialect import as_utc
from paperboy.store.schema import digest_outbox, ingest_checkpoints

CACHE_SECONDS = 5.0
UNSENT = ("pending", "sending")
log = logging.getLogger(__name__)


@dataclass
class Reading:
    ok: bool = False
    checkpoints: dict[str, datetime] = field(default_factory=dict)  # source -> last successful checkpoint
    embedding_backlog: int = 0
    outbox_depth: int = 0


def read(engine: Engine, model: str | None) -> Reading:
    """One short read transaction; a failure is reported as ``paperboy_database_up 0``, not a 500."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(ingest_checkpoints.c.source, sa.func.max(ingest_checkpoints.c.updated_at)).group_by(
                ingest_checkpoints.c.source
            )
        )
        checkpoints = {source: as_utc(at) for source, at in rows if at is not None}
        backlog = embedding_queue.backlog(conn, model) if model else 0
        depth = conn.execute(
            sa.select(sa.func.count()).select_from(digest_outbox).where(digest_outbox.c.status.in_(UNSENT))
        ).scalar_one()
    return Reading(True, checkpoints, backlog, depth)  # type: ignore[arg-type]


class DatabaseGauges(Collector):
    def __init__(self, engine: Engine, model: str | None) -> None:
        self.engine = engine
        self.model = model
        self._lock = threading.Lock()
        self._reading = Reading()
        self._read_at = float("-inf")

    def reading(self) -> Reading:
        with self._lock:  # concurrent scrapes share one read
            if time.monotonic() - self._read_at >= CACHE_SECONDS:
                try:
                    self._reading = read(self.engine, self.model)
                except Exception as exc:  # noqa: BLE001 - the scrape still reports the process's metrics
                    log.warning("metrics: database gauges unavailable: %s", str(exc).splitlines()[0][:200])
                    self._reading = Reading()
                self._read_at = time.monotonic()
            return self._reading

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reading = self.reading()
        yield GaugeMetricFamily(
            "paperboy_database_up", "1 if the last read of the database gauges succeeded.", int(reading.ok)
        )
        if not reading.ok:
            return
        now = datetime.now(UTC)
        lag = GaugeMetricFamily(
            "paperboy_ingest_lag_seconds",
            "Seconds since the last successful ingest checkpoint of each source.",
            labels=["source"],
        )
        for source, at in sorted(reading.checkpoints.items()):
            lag.add_metric([source], max(0.0, (now - at).total_seconds()))
        yield lag
        backlog = GaugeMetricFamily(
            "paperboy_embedding_backlog",
            "Papers queued for embedding with the configured model (see `paperboy stats`).",
            labels=["model"],
        )
        if self.model:
            backlog.add_metric([self.model], reading.embedding_backlog)
        yield backlog
        yield GaugeMetricFamily(
            "paperboy_digest_outbox_depth", "Digest mails waiting to be sent.", reading.outbox_depth
        )
