"""Keeping the derived indexes in step with the database, crash-safely, with several processes sharing them.

- **Keyword index** (one per index directory): the writer reads papers modified since its watermark, upserts
  them, commits, and only then records the new watermark in ``keyword.json``. A crash between the database
  commit and the index commit (or between the index commit and the watermark) just means the next sync reads
  those papers again: re-indexing a paper is idempotent. The watermark is moved back by ``OVERLAP`` on every
  read, because a PostgreSQL transaction stamps ``modified_at`` when it starts, not when it commits.
- **Writer election**: an exclusive ``flock`` on ``writer.lock``. The holder writes; every other process
  reloads the committed index. When the writer dies its lock dies with it and another process takes over.
- **Vector index** (one per process; its bulk shared through the page cache): the writer publishes
  snapshots, every process memory-maps the newest (``vectors.py``) and catches up on ``paper_embeddings``
  rows above its watermark into a small private delta. When the writer publishes a new generation, readers
  switch to it and re-read only the rows above its watermark.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from paperboy.search.keyword import KeywordIndex
from paperboy.search.vectors import VectorIndex
from paperboy.store import embeddings as store

log = logging.getLogger(__name__)
OVERLAP = timedelta(minutes=15)
BATCH = 2_000


class WriterLock:
    """Non-blocking exclusive lock on a file: at most one writer per index directory, across processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class KeywordSync:
    """The writer's side of the keyword index: watermark, change marker and recently seen versions."""

    def __init__(self, engine: Engine, index: KeywordIndex, state_path: Path) -> None:
        self.engine = engine
        self.index = index
        self.state_path = state_path
        self._seen: dict[
            int, datetime
        ] = {}  # paper -> modified_at already indexed, inside the overlap window

    def state(self) -> dict:
        try:
            return json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}

    def _save(self, watermark: datetime | None, marker: list) -> None:
        tmp = self.state_path.with_name(self.state_path.name + ".tmp")
        tmp.write_text(
            json.dumps({"watermark": watermark.isoformat() if watermark else None, "marker": marker})
        )
        os.replace(tmp, self.state_path)

    def sync(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index what changed since the last sync; returns how many papers were (re)indexed."""
        state = self.state()
        with self.engine.connect() as conn:
            marker = list(store.change_marker(conn))
            if state.get("marker") == marker and self.index.num_docs() > 0:
                return 0
            if state.get("marker") and marker[1] < state["marker"][1]:  # restored or recreated database
                log.warning(
                    "papers went back from id %s to %s: rebuilding the keyword index",
                    state["marker"][1],
                    marker[1],
                )
                conn.close()
                return self.rebuild(progress)
            watermark = datetime.fromisoformat(state["watermark"]) if state.get("watermark") else None
            changed = store.changed_since(conn, watermark - OVERLAP if watermark else None)
        todo = [pid for pid, when in changed if self._seen.get(pid) != when]
        done = 0
        for start in range(0, len(todo), BATCH):
            with self.engine.connect() as conn:
                rows = store.index_rows(conn, todo[start : start + BATCH])
            present = {r.id for r in rows}
            self.index.upsert(rows, removed=[p for p in todo[start : start + BATCH] if p not in present])
            done += len(rows)
            if progress:
                progress(done, len(todo))
        newest = max((when for _pid, when in changed), default=watermark)
        if newest is not None:
            floor = newest - OVERLAP
            self._seen = {pid: when for pid, when in changed if when >= floor}
        self._save(newest, marker)
        return done

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Everything again from the database, published in one commit (readers never see it half-built)."""
        with self.engine.connect() as conn:
            marker = list(store.change_marker(conn))
            changed = store.changed_since(conn, None)
        ids = [pid for pid, _when in changed]
        writer = self.index.writer()
        writer.delete_all_documents()
        done = 0
        for start in range(0, len(ids), BATCH):
            with self.engine.connect() as conn:
                for row in store.index_rows(conn, ids[start : start + BATCH]):
                    writer.add_document(self.index._document(row))
                    done += 1
            if progress:
                progress(done, len(ids))
        writer.commit()
        self.index.reload()
        newest = max((when for _pid, when in changed), default=None)
        self._seen = {}
        self._save(newest, marker)
        return done


def load_vectors(engine: Engine, model: str, dim: int, snapshot: Path | None, **options: int) -> VectorIndex:
    """A vector index for ``model``: the saved snapshot if there is a good one, then caught up from the DB.

    Without one (first start, damaged file) the index is built in this process's memory from the database,
    as before snapshots were shared, and follows ``snapshot`` so it switches to the writer's first one.
    """
    index = VectorIndex.load(snapshot, model, dim, **options) if snapshot else None
    if index is None:
        index = VectorIndex(dim, **options)
        pids, vectors, watermark = _read_all(engine, model, dim)
        index.build(pids, vectors, watermark)
        del pids, vectors
        if snapshot:
            index.follow(snapshot, model)
    catch_up(engine, index, model)
    return index


def _read_all(engine: Engine, model: str, dim: int) -> tuple[np.ndarray, np.ndarray, int]:
    pid_parts: list[np.ndarray] = []
    vec_parts: list[np.ndarray] = []
    watermark = 0
    while True:
        with engine.connect() as conn:
            rows = store.embeddings_after(conn, model, watermark, 20_000)
        if not rows:
            break
        pid_parts.append(np.array([p for _i, p, _v in rows], dtype=np.int64))
        vec_parts.append(np.frombuffer(b"".join(v for _i, _p, v in rows), dtype="<f4").reshape(-1, dim))
        watermark = rows[-1][0]
    if not pid_parts:
        return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32), 0
    return np.concatenate(pid_parts), np.vstack(vec_parts).astype(np.float32, copy=False), watermark


def catch_up(engine: Engine, index: VectorIndex, model: str, batch: int = 20_000) -> int:
    """Apply embedding rows above the index's watermark; returns how many rows were read.

    First, if the writer has published a snapshot generation newer than the index's base, switch to it:
    it is caught up on its own (the rows above its watermark, usually a few minutes' worth) and then
    replaces the old base and delta in one step, so the delta rows it covers are dropped and searches
    never see a half-switched index.
    """
    applied = 0
    fresh = index.newer_snapshot()
    if fresh is not None:
        applied += _apply_rows(engine, fresh, model, batch)
        index.switch_to(fresh)
    return applied + _apply_rows(engine, index, model, batch)


def _apply_rows(engine: Engine, index: VectorIndex, model: str, batch: int) -> int:
    applied = 0
    while True:
        with engine.connect() as conn:
            rows = store.embeddings_after(conn, model, index.watermark, batch)
        if not rows:
            return applied
        pids = np.array([p for _i, p, _v in rows], dtype=np.int64)
        vectors = np.frombuffer(b"".join(v for _i, _p, v in rows), dtype="<f4").reshape(len(rows), index.dim)
        index.add(pids, vectors, rows[-1][0])
        applied += len(rows)
