"""Computing embeddings for papers that lack one (or whose title or abstract changed), batch by batch.

Used by ``paperboy embed`` (a back-fill with a progress bar) and by the index writer's background thread
(new papers as they arrive). Each batch commits on its own, so an interrupted run loses at most one batch;
running again skips every paper whose stored text hash still matches. The database watermark
``embed:<model>`` only moves once a pass has finished, so a crash never skips a paper.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from paperboy.search.embed import Embedder, to_bytes
from paperboy.search.sync import OVERLAP
from paperboy.search.text import paper_text
from paperboy.store import embeddings as store

log = logging.getLogger(__name__)


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class EmbedReport:
    checked: int = 0
    embedded: int = 0
    seconds: float = 0.0


class EmbedJob:
    """One model's embedding pass; remembers what it saw inside the overlap window between passes."""

    def __init__(self, engine: Engine, embedder: Embedder, batch_size: int = 32) -> None:
        self.engine = engine
        self.embedder = embedder
        self.batch_size = batch_size
        self.watermark_name = f"embed:{embedder.name}"
        self._seen: dict[int, datetime] = {}

    def pending(self) -> list[tuple[int, datetime]]:
        """(paper id, modified_at) of papers that may need embedding: changed since the watermark."""
        with self.engine.connect() as conn:
            raw = store.get_watermark(conn, self.watermark_name)
            since = datetime.fromisoformat(raw) - OVERLAP if raw else None
            changed = store.changed_since(conn, since)
        return [(pid, when) for pid, when in changed if self._seen.get(pid) != when]

    def run(
        self,
        limit: int | None = None,
        progress: Callable[[int, int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> EmbedReport:
        """Embed what is pending (at most ``limit`` papers); ``progress(checked, total, embedded)``."""
        import time

        began = time.perf_counter()
        changed = self.pending()
        report = EmbedReport()
        step = self.batch_size * 4
        finished = True
        start = 0
        while start < len(changed):
            if stop is not None and stop.is_set() or limit is not None and report.embedded >= limit:
                finished = False
                break
            size = step if limit is None else min(step, limit - report.embedded)  # never past ``limit``
            chunk = changed[start : start + size]
            start += len(chunk)
            report.embedded += self._batch([pid for pid, _ in chunk])
            report.checked += len(chunk)
            self._seen.update(chunk)
            if progress:
                progress(report.checked, len(changed), report.embedded)
        if finished and changed:
            newest = max(when for _pid, when in changed)
            with self.engine.begin() as conn:
                store.set_watermark(conn, self.watermark_name, newest.isoformat())
            floor = newest - OVERLAP
            self._seen = {pid: when for pid, when in self._seen.items() if when >= floor}
        report.seconds = time.perf_counter() - began
        return report

    def _batch(self, ids: list[int]) -> int:
        with self.engine.connect() as conn:
            rows = store.index_rows(conn, ids)
            stored = store.stored_hashes(conn, self.embedder.name, [r.id for r in rows])
        todo = []
        for row in rows:
            text = paper_text(row.title, row.abstract)
            digest = text_hash(text)
            if text and stored.get(row.id) != digest:
                todo.append((row.id, text, digest))
        if not todo:
            return 0
        vectors = self.embedder.encode([t for _p, t, _h in todo], batch_size=self.batch_size)
        with self.engine.begin() as conn:
            if not store.lock_embedder(conn):
                raise RuntimeError("another embedder is writing embeddings right now; try again later")
            store.save_embeddings(
                conn,
                self.embedder.name,
                self.embedder.dim,
                [(pid, to_bytes(v), h) for (pid, _t, h), v in zip(todo, vectors, strict=True)],
            )
        return len(todo)
