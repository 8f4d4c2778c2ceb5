"""Computing embeddings for papers that lack one (or whose title or abstract changed), batch by batch.

Used by ``paperboy embed`` (a back-fill, in one or several processes, on one host or several) and by the
index writer's background thread (new papers as they arrive). Every embedder first queues the papers
modified since the database watermark ``embed:<model>`` (``store.embedding_queue``), then claims batches from
that shared queue until it is empty. A batch's papers leave the queue in the transaction that saves their
vectors, so a crash loses at most the batch in hand, and its papers return to the queue when the lease runs
out. A claimed paper whose stored text hash still matches is only taken off the queue, never embedded again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from paperboy.search.embed import Embedder, to_bytes
from paperboy.search.sync import OVERLAP
from paperboy.search.text import paper_text
from paperboy.store import embedding_queue as queue
from paperboy.store import embeddings as store
from paperboy.store.dialect import is_postgres

log = logging.getLogger(__name__)
DEFAULT_LEASE = timedelta(minutes=5)
WAIT_POLL = 1.0  # seconds between looks at a queue whose papers other embedders hold


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class EmbedReport:
    checked: int = 0
    embedded: int = 0
    seconds: float = 0.0


def enqueue(engine: Engine, model: str, seen: dict[int, datetime] | None = None, count: bool = True) -> int:
    """Queue the papers modified since the watermark (less the overlap); returns the queue's length (or 0
    without ``count``: a COUNT over millions of waiting rows is not free).

    The watermark moves as soon as they are queued: the queue itself remembers what is left to do. A
    long-running embedder passes ``seen`` (paper id -> modification time it queued) so the papers inside the
    overlap window, read again on every pass, are not queued and checked again each time.
    """
    name = f"embed:{model}"
    with engine.connect() as conn:  # read apart: a SQLite transaction must write first to wait its turn
        raw = store.get_watermark(conn, name)
        mark = datetime.fromisoformat(raw) if raw else None
        changed = store.changed_since(conn, mark - OVERLAP) if mark and seen is not None else None
    fresh = [(pid, when) for pid, when in changed or () if seen is None or seen.get(pid) != when]
    with engine.begin() as conn:
        if is_postgres(conn):  # one filler at a time: no two inserts of the same rows racing
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4005)")
        if changed is None:
            queue.enqueue_changed(conn, model, mark - OVERLAP if mark else None)
        else:
            queue.enqueue_papers(conn, model, [pid for pid, _ in fresh])
        newest = store.newest_change(conn)
        if newest is not None and (mark is None or newest > mark):
            store.set_watermark(conn, name, newest.isoformat())
        waiting = queue.backlog(conn, model) if count else 0
    if seen is not None and newest is not None:
        seen.update(fresh)
        floor = newest - OVERLAP
        for pid in [pid for pid, when in seen.items() if when < floor]:
            del seen[pid]
    return waiting


class EmbedJob:
    """One embedder: queues what changed, then claims, embeds and saves batches until the queue is empty."""

    def __init__(
        self,
        engine: Engine,
        embedder: Embedder,
        batch_size: int = 32,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.engine = engine
        self.embedder = embedder
        self.batch_size = batch_size
        self.lease = lease
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._registered = False
        self._claims = 0  # claim tokens are holder#n: who holds a batch is visible in the queue
        self._seen: dict[int, datetime] = {}  # queued by this embedder inside the overlap window

    def enqueue(self, count: bool = True) -> int:
        return enqueue(self.engine, self.embedder.name, self._seen, count)

    def run(
        self,
        limit: int | None = None,
        progress: Callable[[int, int, int], None] | None = None,
        stop: threading.Event | None = None,
        fill: bool = True,
        wait: bool = False,
    ) -> EmbedReport:
        """Embed from the queue until it is empty, ``stop`` is set or ``limit`` papers are embedded;
        ``progress(checked, total, embedded)`` after each batch. ``fill=False`` skips queueing (another
        process of the same run did it). With ``wait`` a run that finds only papers other embedders hold
        waits for them (a back-fill is done when the queue is empty, and a dead embedder's papers come back
        when its lease runs out); without it the run ends there."""
        began = time.perf_counter()
        total = self.enqueue(count=progress is not None) if fill else 0
        if not self._registered:
            with self.engine.begin() as conn:
                queue.register(conn, self.holder, self.embedder.name)
            self._registered = True
        report = EmbedReport()
        stop = stop or threading.Event()
        while not stop.is_set() and (limit is None or report.embedded < limit):
            self._claims += 1
            token = f"{self.holder}#{self._claims}"
            # Never claim past ``limit``: a claimed paper is embedded, so a whole batch would overshoot it.
            size = self.batch_size if limit is None else min(self.batch_size, limit - report.embedded)
            with self.engine.begin() as conn:
                ids = queue.claim(conn, self.embedder.name, token, self.lease, size)
                waiting = not ids and wait and queue.backlog(conn, self.embedder.name) > 0
            if waiting:
                stop.wait(WAIT_POLL)
                continue
            if not ids:
                break
            try:
                report.embedded += self._batch(ids, token)
            except BaseException:
                with suppress(Exception), self.engine.begin() as conn:
                    queue.release(conn, self.embedder.name, token)
                raise
            report.checked += len(ids)
            if progress:
                progress(report.checked, max(total, report.checked), report.embedded)
        report.seconds = time.perf_counter() - began
        return report

    def _batch(self, ids: list[int], token: str) -> int:
        with self.engine.connect() as conn:
            rows = store.index_rows(conn, ids)
            stored = store.stored_hashes(conn, self.embedder.name, [r.id for r in rows])
        todo = []
        for row in rows:
            text = paper_text(row.title, row.abstract)
            digest = text_hash(text)
            if text and stored.get(row.id) != digest:
                todo.append((row.id, text, digest))
        vectors = self.embedder.encode([t for _p, t, _h in todo], batch_size=self.batch_size) if todo else []
        with self.engine.begin() as conn:
            # The write lock before any row lock: an embedder waiting for it holds nothing another waits for.
            store.serialise_embedding_writes(conn)
            mine = queue.finish(conn, self.embedder.name, token)  # lost to another embedder or changed: skip
            keep = [
                (pid, to_bytes(v), h) for (pid, _t, h), v in zip(todo, vectors, strict=True) if pid in mine
            ]
            if keep:
                store.save_embeddings(conn, self.embedder.name, self.embedder.dim, keep)
            queue.count_saved(conn, self.holder, len(keep))
        if len(keep) < len(todo):
            log.info("%d papers of a batch were taken over or changed meanwhile", len(todo) - len(keep))
        return len(keep)
