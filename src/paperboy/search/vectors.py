"""The vector index: faiss over the embeddings stored in the database, kept in step by the embedding row id.

Exact inner-product search (``IndexFlatIP``) while the corpus is small; an inverted-file index (``IVFFlat``)
once it passes ``ivf_threshold`` vectors, where exact search would cost tens of milliseconds per query.
Vectors are L2-normalised, so inner product is cosine similarity.

**Base and delta.** ``paperboy serve --workers N`` runs N processes on one host; each used to hold every
vector in its own memory (1.5 GB per worker at a million 384-d papers). Now the index is a read-only *base*
plus a small in-memory *delta*:

- The base is normally the snapshot the index writer published, memory-mapped (``IO_FLAG_MMAP_IFC`` for the
  flat index, ``IO_FLAG_MMAP`` for the IVF inverted lists), so every worker on the host reads the same pages
  of the page cache: one copy, however many workers. A mapped faiss index cannot take additions (the flat
  one even aborts the process), so the base is never mutated.
- Rows newer than the base (``catch_up``) go into the delta, an exact ``IndexFlatIP`` searched alongside;
  results are merged by score. A re-embedded paper tombstones its old base position in ``live`` (a private
  bitmap, applied to the base search as an ``IDSelectorBitmap``), so a stale vector is never returned.
- The writer's ``save`` writes a *compacted* snapshot (live vectors only) under a new generation and then
  serves from it itself; readers notice the new generation (``newer_snapshot``), map it, and re-read from the
  database only the rows above its watermark: their delta rows now covered by the base are dropped.
- An IVF snapshot is written by streaming list by list from the current base and delta (no second copy of
  the vectors in the writer); a flat one, or an IVF whose corpus outgrew its training fourfold, is rebuilt
  in memory (flat indexes are small; retraining is rare).

A base built from the database (no usable snapshot, or ``mmap=False``) lives in this process's memory and
absorbs its delta when that grows; the database stays the truth and a missing or damaged snapshot only costs
a rebuild. faiss ids are positions; ``pids[pos]`` is the paper. ``watermark`` is the highest embedding row
id applied: catching up is "every row above it".
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import math
import os
import re
import struct
import threading
import time
from pathlib import Path

import faiss
import numpy as np

log = logging.getLogger(__name__)

DEAD_FRACTION = 0.2
# Delta rows at which an in-memory base absorbs its delta, and the writer snapshots early: an exact search
# over 10,000 384-d rows costs about 1.5 ms on top of the base search (bench/vector_memory.py).
DELTA_FOLD = 10_000
# An IVF base is retrained (rebuilt in memory) rather than extended once it holds this many times the
# vectors its coarse quantizer was trained on: nlist was chosen for the smaller corpus.
RETRAIN_GROWTH = 4
# One OpenMP thread per search: a single query gains nothing from two, and on a busy 2-core server spinning
# threads multiplied tail latency (measured in bench/search_speed.py). Builds use every core (``_all_cores``).
faiss.omp_set_num_threads(1)

_STATE = (
    "index",
    "kind",
    "mapped",
    "pids",
    "live",
    "_sorted",
    "_order",
    "_base_live",
    "_trained_on",
    "_params",
    "delta",
    "delta_pids",
    "delta_live",
    "_delta_pos",
    "watermark",
    "generation",
    "_dirty",
)


class _all_cores:
    def __enter__(self) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)

    def __exit__(self, *exc: object) -> None:
        faiss.omp_set_num_threads(1)


class VectorIndex:
    """Thread-safe. Searches take ``_lock`` only briefly; mutations (``add``, ``build``, ``save``, switching
    to a new snapshot) are serialised by ``_write_lock`` and swap their result in under ``_lock``, so a
    search never waits for a snapshot being written or an index being trained."""

    def __init__(self, dim: int, ivf_threshold: int = 50_000, nprobe: int = 96, mmap: bool = True) -> None:
        self.dim = dim
        self.ivf_threshold = ivf_threshold
        self.nprobe = nprobe
        self.mmap = mmap  # serve from memory-mapped snapshots (shared between processes) when there is one
        self.path: Path | None = None  # the snapshot this index follows
        self.model: str | None = None
        self._failed: str | None = None  # a generation that would not load: not retried every refresh
        self._lock = threading.RLock()
        self._write_lock = threading.RLock()
        self.watermark = 0
        self.generation: str | None = None  # the snapshot generation the base is, None if built here
        self._reset(0)

    def _reset(self, expected: int) -> None:
        self.kind = "ivf" if expected >= self.ivf_threshold else "flat"
        self.mapped = False
        self._trained_on = 0
        self._set_base(faiss.IndexFlatIP(self.dim), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
        self._clear_delta()
        self._dirty = True

    def _set_base(
        self,
        index: faiss.Index,
        pids: np.ndarray,
        live: np.ndarray,
        sorted_pids: np.ndarray | None = None,
        order: np.ndarray | None = None,
    ) -> None:
        """``_sorted``/``_order`` find a paper's live base position by binary search: a dict of a million
        Python ints would cost each worker about 100 MB; these arrays come mapped from the snapshot."""
        if sorted_pids is None or order is None:
            alive = np.flatnonzero(live)
            order = alive[np.argsort(pids[alive], kind="stable")]
            sorted_pids = pids[order]
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = self.nprobe
            lists = faiss.downcast_InvertedLists(index.invlists)
            if isinstance(lists, faiss.OnDiskInvertedLists):
                # Mapped lists: faiss would start 32 read-ahead threads per search, doubling its latency
                # (0.9 -> 1.7 ms measured); the pages are in the page cache, shared, and need no read-ahead.
                lists.prefetch_nthread = 0
        self.index, self.pids, self.live = index, pids, live
        self._sorted, self._order = sorted_pids, order
        self._base_live = int(np.count_nonzero(live))
        self._params: tuple | None = None  # (bitmap, selector, search parameters) while the base has dead

    def _clear_delta(self) -> None:
        self.delta = faiss.IndexFlatIP(self.dim)
        self.delta_pids = np.zeros(0, dtype=np.int64)
        self.delta_live = np.zeros(0, dtype=bool)
        self._delta_pos: dict[int, int] = {}

    def _adopt(self, other: VectorIndex) -> None:
        """Take over another index's contents in one step (searches see the old state or the new one)."""
        private = not self.mapped and len(self.pids) > 0
        with self._lock:
            for name in _STATE:
                setattr(self, name, getattr(other, name))
        if private:
            _return_freed_memory()

    def __len__(self) -> int:
        return self._base_live + len(self._delta_pos)

    @property
    def dead(self) -> int:
        """Tombstoned rows, in the base and the delta."""
        return len(self.pids) - self._base_live + len(self.delta_pids) - len(self._delta_pos)

    @property
    def snapshot_due(self) -> bool:
        """Worth a snapshot before the writer's next period: nothing published holds this base yet (so other
        workers cannot share it), or the delta or the tombstones grew enough to slow every search."""
        if len(self) == 0:
            return False
        rows = len(self.pids) + len(self.delta_pids)
        return (
            self.generation is None
            or len(self.delta_pids) >= DELTA_FOLD
            or self.dead > DEAD_FRACTION * max(1, rows)
        )

    def follow(self, path: Path, model: str) -> None:
        """Watch the snapshot at ``path`` (``newer_snapshot``) though the base was not loaded from it."""
        self.path, self.model = path, model

    # -- building --------------------------------------------------------------------------------------

    def _ivf(self, sample: np.ndarray, total: int) -> faiss.Index:
        nlist = int(min(4096, max(16, 2 * math.sqrt(total)), max(1, len(sample) // 40)))
        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        take = min(len(sample), 64 * nlist)
        index.train(sample[rng.choice(len(sample), take, replace=False)] if take < len(sample) else sample)
        index.nprobe = self.nprobe
        return index

    def _built(self, pids: np.ndarray, vectors: np.ndarray, watermark: int) -> VectorIndex:
        """A new in-memory index of these (paper id, vector) pairs; later duplicates of a paper win."""
        pids = np.asarray(pids, dtype=np.int64)
        keep = _last_rows(pids)
        if keep is not None:
            pids, vectors = pids[keep], vectors[keep]
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(pids), self.dim)
        fresh = VectorIndex(self.dim, self.ivf_threshold, self.nprobe, self.mmap)
        fresh._reset(len(pids))
        with _all_cores():
            index = self._ivf(vectors, len(pids)) if fresh.kind == "ivf" else faiss.IndexFlatIP(self.dim)
            if len(pids):
                index.add(vectors)
        fresh._trained_on = len(pids) if fresh.kind == "ivf" else 0
        fresh._set_base(index, pids.copy(), np.ones(len(pids), dtype=bool))
        fresh.watermark = watermark
        return fresh

    def build(self, pids: np.ndarray, vectors: np.ndarray, watermark: int) -> None:
        """Replace everything with these (paper id, vector) pairs; later duplicates of a paper win."""
        with self._write_lock:
            self._adopt(self._built(pids, vectors, watermark))

    def add(self, pids: np.ndarray, vectors: np.ndarray, watermark: int) -> None:
        """Apply new embedding rows (in id order) to the delta, tombstoning the papers' previous vectors.

        An in-memory base compacts, switches to IVF or absorbs the delta when it is time; a mapped base
        cannot change here: the writer's next snapshot folds the delta in (``snapshot_due``).
        """
        with self._write_lock:
            pids = np.asarray(pids, dtype=np.int64)
            vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(pids), self.dim)
            with self._lock:
                if len(pids):
                    self._append(pids, vectors)
                self.watermark = max(self.watermark, watermark)
            if self.mapped:
                return
            rows = len(self.pids) + len(self.delta_pids)
            grow = self.kind == "flat" and len(self) >= self.ivf_threshold
            if grow or self.dead > DEAD_FRACTION * max(1, rows):
                live_pids, live_vectors = self._live_vectors()
                self._adopt(self._built(live_pids, live_vectors, self.watermark))
            elif len(self.delta_pids) >= DELTA_FOLD:
                self._fold()

    def _append(self, pids: np.ndarray, vectors: np.ndarray) -> None:
        keep = _last_rows(pids)
        if keep is not None:
            pids, vectors = pids[keep], vectors[keep]
        old = self._base_positions(pids)
        old = old[old >= 0]
        old = old[self.live[old]]
        if len(old):
            self.live[old] = False
            self._base_live -= len(old)
            self._params = None
        start = len(self.delta_pids)
        self.delta.add(vectors)
        self.delta_pids = np.concatenate([self.delta_pids, pids])
        self.delta_live = np.concatenate([self.delta_live, np.ones(len(pids), dtype=bool)])
        for offset, pid in enumerate(pids.tolist()):
            previous = self._delta_pos.get(pid)
            if previous is not None:
                self.delta_live[previous] = False
            self._delta_pos[pid] = start + offset
        self._dirty = True

    def _base_positions(self, pids: np.ndarray) -> np.ndarray:
        """Each paper's live-or-tombstoned position in the base, -1 where it has none."""
        if len(self._sorted) == 0:
            return np.full(len(pids), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, pids), len(self._sorted) - 1)
        return np.where(self._sorted[at] == pids, self._order[at], -1).astype(np.int64)

    def _fold(self) -> None:
        """Move the live delta rows into an in-memory base (appendable, unlike a mapped one)."""
        rows = np.flatnonzero(self.delta_live)
        vectors = self.delta.reconstruct_batch(rows) if len(rows) else None
        with self._lock:
            if vectors is not None:
                self.index.add(vectors)
            pids = np.concatenate([self.pids, self.delta_pids[rows]])
            live = np.concatenate([self.live, np.ones(len(rows), dtype=bool)])
            self._set_base(self.index, pids, live)
            self._clear_delta()

    def _live_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every live (paper id, vector), base then delta: a full copy, for rebuilding."""
        rows = np.flatnonzero(self.live)
        drows = np.flatnonzero(self.delta_live)
        parts = [self._base_vectors(rows)]
        if len(drows):
            parts.append(self.delta.reconstruct_batch(drows))
        return np.concatenate([self.pids[rows], self.delta_pids[drows]]), np.vstack(parts)

    def _base_vectors(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.kind == "flat":
            return self.index.reconstruct_batch(rows)
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        where = np.full(self.index.ntotal, -1, dtype=np.int64)
        where[rows] = np.arange(len(rows))
        invlists = self.index.invlists
        for list_no in range(self.index.nlist):
            ids, codes = _inverted_list(invlists, list_no)
            if len(ids):
                slot = where[ids]
                hit = slot >= 0
                out[slot[hit]] = codes[hit].view(np.float32)
        return out

    # -- searching -------------------------------------------------------------------------------------

    def _search_params(self) -> faiss.SearchParameters | None:
        """Base positions allowed in a search, only while some are tombstoned (faiss skips them itself,
        rather than our asking for k + dead results and filtering)."""
        if self._base_live == len(self.pids):
            return None
        if self._params is None:
            bitmap = np.packbits(self.live, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(self.live), faiss.swig_ptr(bitmap))
            if self.kind == "ivf":
                params = faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
            else:
                params = faiss.SearchParameters(sel=selector)
            self._params = (bitmap, selector, params)  # faiss holds raw pointers: keep all three alive
        return self._params[2]

    def search(self, vector: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """Up to k (paper id, cosine) pairs, nearest first; ``exclude`` leaves one paper out."""
        with self._lock:
            if len(self) == 0 or k <= 0:
                return []
            query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
            extra = 0 if exclude is None else 1
            found: list[tuple[float, int]] = []
            if self._base_live:
                want = min(len(self.pids), k + extra)
                scores, positions = self.index.search(query, want, params=self._search_params())
                for score, pos in zip(scores[0].tolist(), positions[0].tolist(), strict=True):
                    if pos >= 0 and self.live[pos]:
                        found.append((score, int(self.pids[pos])))
            if self._delta_pos:
                stale = len(self.delta_pids) - len(self._delta_pos)
                want = min(len(self.delta_pids), k + extra + stale)
                scores, positions = self.delta.search(query, want)
                for score, pos in zip(scores[0].tolist(), positions[0].tolist(), strict=True):
                    if pos >= 0 and self.delta_live[pos]:
                        found.append((score, int(self.delta_pids[pos])))
            found.sort(key=lambda hit: -hit[0])
            return [(pid, float(score)) for score, pid in found if pid != exclude][:k]

    # -- snapshots (shared by the workers of a host; the database stays the truth) -----------------------

    def save(self, path: Path, model: str) -> None:
        """Publish a compacted snapshot of the live vectors as a new generation, then serve from it.

        Files are ``<path>@<generation>.faiss`` and ``.npy`` (paper id per position, and the ids sorted for
        lookups), then ``<path>.json`` naming the generation, replaced last: a reader never sees half a
        snapshot, and one that mapped the previous generation keeps reading it until it switches. Older
        generations are deleted (unlinking a mapped file is safe). Searches go on while the file is written.
        """
        with self._write_lock:
            unchanged = not self._dirty and self.path == path and self.model == model
            if unchanged and self.generation and _read_meta(path).get("generation") == self.generation:
                return  # nothing changed since this very snapshot: do not rewrite a gigabyte
            path.parent.mkdir(parents=True, exist_ok=True)
            generation = f"g{time.time_ns():x}"
            data, table = _files(path, generation)
            tmp_data, tmp_table = (p.with_name(p.name + ".tmp") for p in (data, table))
            meta_path = Path(f"{path}.json")
            tmp_meta = meta_path.with_name(meta_path.name + ".tmp")
            try:
                streamed = self._stream_ivf(tmp_data) if self._can_stream() else None
                if streamed is not None:
                    pids, kind, trained_on = streamed, "ivf", self._trained_on
                else:
                    pids, kind, trained_on = self._write_rebuilt(tmp_data)
                order = np.argsort(pids, kind="stable")
                with open(tmp_table, "wb") as out:
                    np.save(out, np.stack([pids, pids[order], order]).astype(np.int64))
                    _sync(out)
                meta = {
                    "model": model,
                    "dim": self.dim,
                    "watermark": self.watermark,
                    "kind": kind,
                    "generation": generation,
                    "count": len(pids),
                    "bytes": tmp_data.stat().st_size,
                    "trained_on": trained_on,
                }
                with open(tmp_meta, "w") as out:
                    out.write(json.dumps(meta))
                    _sync(out)
                os.replace(tmp_data, data)
                os.replace(tmp_table, table)
                os.replace(tmp_meta, meta_path)  # last: it publishes the generation
                _sync_dir(path.parent)
            finally:
                for leftover in (tmp_data, tmp_table, tmp_meta):
                    leftover.unlink(missing_ok=True)
            _prune(path, generation)
            self.path, self.model = path, model
            fresh = VectorIndex.load(path, model, self.dim, **self._options()) if self.mmap else None
            if fresh is not None and fresh.generation == generation:
                self._adopt(fresh)
            else:
                with self._lock:
                    self.generation, self._dirty = generation, False

    def _options(self) -> dict:
        return {"ivf_threshold": self.ivf_threshold, "nprobe": self.nprobe, "mmap": self.mmap}

    def _can_stream(self) -> bool:
        return (
            self.kind == "ivf"
            and isinstance(self.index, faiss.IndexIVFFlat)
            and len(self) > 0
            and len(self) < RETRAIN_GROWTH * max(1, self._trained_on)
        )

    def _write_rebuilt(self, target: Path) -> tuple[np.ndarray, str, int]:
        """Rebuild the live vectors in memory (flat, or IVF trained afresh) and write them with faiss."""
        pids, vectors = self._live_vectors()
        fresh = self._built(pids, vectors, self.watermark)
        del vectors
        faiss.write_index(fresh.index, str(target))
        with open(target, "rb+") as out:
            _sync(out)
        return fresh.pids, fresh.kind, fresh._trained_on

    def _stream_ivf(self, target: Path) -> np.ndarray | None:
        """Write the live base and delta vectors as one IndexIVFFlat file, list by list, without a second
        copy of the vectors; returns the paper id of each new position, or None if faiss's format is not
        the one this writes (the caller then rebuilds in memory).

        The header (quantizer and all) is faiss's own serialisation of an empty index with the right
        ``ntotal``; it ends with an empty ``ArrayInvertedLists`` that is replaced by the real lists in the
        layout faiss reads (and can map): sizes, then each list's codes followed by its ids.
        """
        base, invlists = self.index, self.index.invlists
        nlist, code_size = base.nlist, base.code_size
        total = len(self)
        quantizer = faiss.clone_index(base.quantizer)
        empty = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        empty.ntotal, empty.nprobe = total, self.nprobe
        head = faiss.serialize_index(empty).tobytes()
        empty_lists = b"ilar" + struct.pack("<QQ", nlist, code_size) + b"sprs" + struct.pack("<Q", 0)
        if not head.endswith(empty_lists) or code_size != 4 * self.dim:
            log.warning("unexpected faiss IVF layout: rebuilding the vector snapshot in memory")
            return None
        drows = np.flatnonzero(self.delta_live)
        dvectors = self.delta.reconstruct_batch(drows) if len(drows) else np.zeros((0, self.dim), np.float32)
        dlists = quantizer.assign(dvectors, 1).ravel() if len(drows) else np.zeros(0, dtype=np.int64)
        dorder = np.argsort(dlists, kind="stable")
        dbounds = np.searchsorted(dlists[dorder], np.arange(nlist + 1))
        sizes = np.diff(dbounds).astype(np.int64)
        for list_no in range(nlist):
            ids, _codes = _inverted_list(invlists, list_no)
            sizes[list_no] += np.count_nonzero(self.live[ids])
        if int(sizes.sum()) != total:
            return None
        pids = np.empty(total, dtype=np.int64)
        at = 0
        with open(target, "wb") as out:
            out.write(head[: -len(empty_lists)])
            out.write(b"ilar" + struct.pack("<QQ", nlist, code_size) + b"full" + struct.pack("<Q", nlist))
            out.write(sizes.astype("<u8").tobytes())
            for list_no in range(nlist):
                size = int(sizes[list_no])
                if size == 0:
                    continue
                ids, codes = _inverted_list(invlists, list_no)
                keep = self.live[ids]
                mine = dorder[dbounds[list_no] : dbounds[list_no + 1]]
                out.write(codes[keep].tobytes())
                out.write(dvectors[mine].tobytes())
                out.write(np.arange(at, at + size, dtype="<i8").tobytes())
                pids[at : at + size] = np.concatenate([self.pids[ids[keep]], self.delta_pids[drows[mine]]])
                at += size
            _sync(out)
        try:  # read back as the readers will, before anything is published
            check = faiss.read_index(str(target), faiss.IO_FLAG_MMAP)
        except RuntimeError as exc:
            log.warning("streamed vector snapshot unreadable (%s): rebuilding it in memory", exc)
            return None
        listed = sum(check.invlists.list_size(i) for i in range(check.nlist))
        if check.ntotal != total or listed != total or check.d != self.dim:
            return None
        return pids

    @classmethod
    def load(cls, path: Path, model: str, dim: int, mmap: bool = True, **options: int) -> VectorIndex | None:
        """The snapshot at ``path`` if it is complete and for this model, else None (the caller rebuilds).

        ``mmap`` maps the vectors instead of reading them: every process on the host shares one copy.
        """
        for _attempt in range(2):  # the writer may delete the generation between the meta and its files
            try:
                return cls._open(path, model, dim, mmap, **options)
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
                log.warning("vector snapshot %s unusable (%s): rebuilding from the database", path, exc)
                return None
        return None

    @classmethod
    def _open(cls, path: Path, model: str, dim: int, mmap: bool, **options: int) -> VectorIndex | None:
        meta = json.loads(Path(f"{path}.json").read_text())
        if meta["model"] != model or meta["dim"] != dim:
            return None
        generation = meta.get("generation")
        data, table_path = _files(path, generation)
        if "bytes" in meta and data.stat().st_size != meta["bytes"]:
            raise ValueError(f"{data.name} is {data.stat().st_size} bytes, not {meta['bytes']}")
        kind = meta["kind"]
        flags = 0
        if mmap:
            flags = faiss.IO_FLAG_MMAP if kind == "ivf" else faiss.IO_FLAG_MMAP_IFC
        index = faiss.read_index(str(data), flags)
        table = np.load(table_path, mmap_mode="r" if mmap else None, allow_pickle=False)
        expected = faiss.IndexIVFFlat if kind == "ivf" else faiss.IndexFlatIP
        if not isinstance(index, expected) or index.d != dim:
            raise ValueError(f"{data.name} holds a {type(index).__name__} of {index.d} dimensions")
        if table.ndim != 2 or table.shape[0] not in (2, 3) or table.shape[1] != index.ntotal:
            raise ValueError(f"{table_path.name} does not match {data.name}")
        found = cls(dim, mmap=mmap, **options)
        found.kind, found.mapped = kind, mmap
        if table.shape[0] == 3:  # pids, pids sorted, their positions: a compacted snapshot, all live
            found._set_base(index, table[0], np.ones(index.ntotal, dtype=bool), table[1], table[2])
        else:  # before generations: pids and live flags
            found._set_base(index, np.array(table[0]), np.array(table[1], dtype=bool))
        found.watermark = int(meta["watermark"])
        found._trained_on = int(meta.get("trained_on", index.ntotal))
        found.path, found.model = path, model
        found.generation = generation or "legacy"
        found._dirty = False
        return found

    def newer_snapshot(self) -> VectorIndex | None:
        """The followed snapshot, loaded, if the writer published a generation this base is not (readers
        switch to it and drop their delta); None otherwise, or when not sharing snapshots (``mmap``)."""
        if not self.mmap or self.path is None or self.model is None:
            return None
        generation = _read_meta(self.path).get("generation")
        if generation is None or generation in (self.generation, self._failed):
            return None
        fresh = VectorIndex.load(self.path, self.model, self.dim, **self._options())
        if fresh is None:
            self._failed = generation
        return fresh

    def switch_to(self, fresh: VectorIndex) -> None:
        """Serve from ``fresh`` (a newer snapshot, caught up by the caller) instead of the current base."""
        with self._write_lock:
            self._adopt(fresh)


def _return_freed_memory() -> None:
    """Hand freed heap back to the system. An in-memory base is thousands of list-sized blocks; once it is
    dropped for a mapped one, glibc kept 403 of its 450 MB resident in this process (measured at 300,000
    vectors) until ``malloc_trim``, which brought it to 27 MB."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _last_rows(pids: np.ndarray) -> np.ndarray | None:
    """The rows to keep so that each paper's last one wins, in order; None when no paper repeats (without
    a dict: a million Python ints would cost about 100 MB for the moment of a build)."""
    first_from_end = np.unique(pids[::-1], return_index=True)[1]
    if len(first_from_end) == len(pids):
        return None
    return np.sort(len(pids) - 1 - first_from_end)


def _inverted_list(invlists: faiss.InvertedLists, list_no: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, codes as n × code_size bytes) of one inverted list, as views of faiss's (maybe mapped) memory."""
    size = invlists.list_size(list_no)
    if size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros((0, invlists.code_size), dtype=np.uint8)
    ids = faiss.rev_swig_ptr(invlists.get_ids(list_no), size)
    codes = faiss.rev_swig_ptr(invlists.get_codes(list_no), size * invlists.code_size)
    return ids, codes.reshape(size, invlists.code_size)


def _files(path: Path, generation: str | None) -> tuple[Path, Path]:
    stem = f"{path}@{generation}" if generation else str(path)
    return Path(stem + ".faiss"), Path(stem + ".npy")


def _read_meta(path: Path) -> dict:
    try:
        return json.loads(Path(f"{path}.json").read_text())
    except (OSError, ValueError):
        return {}


def _prune(path: Path, keep: str) -> None:
    """Delete other generations of this snapshot (and the pre-generation files); never another model's."""
    own = re.compile(re.escape(path.name) + r"(@g[0-9a-f]+)?\.(faiss|npy)")
    for candidate in path.parent.iterdir():
        match = own.fullmatch(candidate.name)
        if match and match.group(1) != f"@{keep}":
            candidate.unlink(missing_ok=True)


def _sync(out: object) -> None:
    out.flush()  # type: ignore[attr-defined]
    os.fsync(out.fileno())  # type: ignore[attr-defined]


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
