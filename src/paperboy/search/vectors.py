"""The vector index: faiss over the embeddings stored in the database, kept in step by the embedding row id.

Exact inner-product search (``IndexFlatIP``) while the corpus is small; an inverted-file index (``IVFFlat``)
once it passes ``ivf_threshold`` vectors, where exact search would cost tens of milliseconds per query.
Vectors are L2-normalised, so inner product is cosine similarity.

faiss ids are positions; ``pids[pos]`` is the paper. A re-embedded paper is appended and its old position
tombstoned (``live``), which works for every faiss index type; the index is rebuilt once a fifth is dead.
``watermark`` is the highest embedding row id applied: catching up is "every row above it".
"""

from __future__ import annotations

import json
import math
import os
import threading
from pathlib import Path

import faiss
import numpy as np

DEAD_FRACTION = 0.2
# One OpenMP thread per search: a single query gains nothing from two, and on a busy 2-core server spinning
# threads multiplied tail latency (measured in bench/search_speed.py). Builds use every core (``_all_cores``).
faiss.omp_set_num_threads(1)


class _all_cores:
    def __enter__(self) -> None:
        faiss.omp_set_num_threads(os.cpu_count() or 1)

    def __exit__(self, *exc: object) -> None:
        faiss.omp_set_num_threads(1)


class VectorIndex:
    """Thread-safe: searches and additions take a lock (faiss indexes are not safe to mutate while read)."""

    def __init__(self, dim: int, ivf_threshold: int = 50_000, nprobe: int = 96) -> None:
        self.dim = dim
        self.ivf_threshold = ivf_threshold
        self.nprobe = nprobe
        self.watermark = 0
        self._lock = threading.RLock()
        self._reset(0)

    def _reset(self, expected: int) -> None:
        self.index: faiss.Index = faiss.IndexFlatIP(self.dim)
        self.pids = np.zeros(0, dtype=np.int64)
        self.live = np.zeros(0, dtype=bool)
        self.pos_of: dict[int, int] = {}
        self.kind = "flat"
        if expected >= self.ivf_threshold:
            self.kind = "ivf"

    def __len__(self) -> int:
        return len(self.pos_of)

    @property
    def dead(self) -> int:
        return len(self.pids) - len(self.pos_of)

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

    def build(self, pids: np.ndarray, vectors: np.ndarray, watermark: int) -> None:
        """Replace everything with these (paper id, vector) pairs; later duplicates of a paper win."""
        with self._lock:
            last = {int(p): i for i, p in enumerate(pids)}
            keep = np.array(sorted(last.values()), dtype=np.int64)
            pids, vectors = np.asarray(pids, dtype=np.int64)[keep], np.ascontiguousarray(vectors[keep])
            self._reset(len(pids))
            with _all_cores():
                if self.kind == "ivf":
                    self.index = self._ivf(vectors, len(pids))
                self._append(pids, vectors)
            self.watermark = watermark

    def _append(self, pids: np.ndarray, vectors: np.ndarray) -> None:
        if len(pids) == 0:
            return
        start = len(self.pids)
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.pids = np.concatenate([self.pids, pids])
        self.live = np.concatenate([self.live, np.ones(len(pids), dtype=bool)])
        for offset, pid in enumerate(pids.tolist()):
            old = self.pos_of.get(pid)
            if old is not None:
                self.live[old] = False
            self.pos_of[pid] = start + offset

    def add(self, pids: np.ndarray, vectors: np.ndarray, watermark: int) -> None:
        """Apply new embedding rows (in id order); switches to IVF or compacts when it is time."""
        with self._lock:
            self._append(np.asarray(pids, dtype=np.int64), vectors)
            self.watermark = max(self.watermark, watermark)
            grow = self.kind == "flat" and len(self.pos_of) >= self.ivf_threshold
            if grow or self.dead > DEAD_FRACTION * max(1, len(self.pids)):
                self._compact()

    def _compact(self) -> None:
        positions = np.flatnonzero(self.live)
        vectors = (
            self.index.reconstruct_batch(positions) if self.kind == "flat" else self._reconstruct(positions)
        )
        self.build(self.pids[positions], vectors, self.watermark)

    def _reconstruct(self, positions: np.ndarray) -> np.ndarray:
        self.index.make_direct_map()
        return np.vstack([self.index.reconstruct(int(p)) for p in positions]).astype(np.float32)

    # -- searching -------------------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, exclude: int | None = None) -> list[tuple[int, float]]:
        """Up to k (paper id, cosine) pairs, nearest first; ``exclude`` leaves one paper out."""
        with self._lock:
            if not self.pos_of or k <= 0:
                return []
            want = min(len(self.pids), k + self.dead + (1 if exclude is not None else 0))
            scores, positions = self.index.search(np.asarray(vector, dtype=np.float32).reshape(1, -1), want)
            hits: list[tuple[int, float]] = []
            for score, pos in zip(scores[0].tolist(), positions[0].tolist(), strict=True):
                if pos < 0 or not self.live[pos]:
                    continue
                pid = int(self.pids[pos])
                if pid != exclude:
                    hits.append((pid, float(score)))
                if len(hits) == k:
                    break
            return hits

    # -- snapshots (fast start for big indexes; the database stays the truth) ---------------------------

    def save(self, path: Path, model: str) -> None:
        """Write atomically: a reader never loads half a snapshot."""
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            faiss.write_index(self.index, str(tmp) + ".faiss")
            np.save(str(tmp) + ".npy", np.stack([self.pids, self.live.astype(np.int64)]))
            meta = {"model": model, "dim": self.dim, "watermark": self.watermark, "kind": self.kind}
            Path(str(tmp) + ".json").write_text(json.dumps(meta))
            for suffix in (".faiss", ".npy", ".json"):  # meta last: it marks the snapshot complete
                os.replace(str(tmp) + suffix, str(path) + suffix)

    @classmethod
    def load(cls, path: Path, model: str, dim: int, **options: int) -> VectorIndex | None:
        """The snapshot at ``path`` if it is complete and for this model, else None."""
        try:
            meta = json.loads(Path(str(path) + ".json").read_text())
            if meta["model"] != model or meta["dim"] != dim:
                return None
            index = faiss.read_index(str(path) + ".faiss")
            table = np.load(str(path) + ".npy")
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if table.shape[1] != index.ntotal:
            return None
        found = cls(dim, **options)
        found.index, found.kind, found.watermark = index, meta["kind"], int(meta["watermark"])
        if found.kind == "ivf":
            found.index.nprobe = found.nprobe
        found.pids, found.live = table[0].astype(np.int64), table[1].astype(bool)
        found.pos_of = {int(p): i for i, p in enumerate(found.pids.tolist()) if found.live[i]}
        return found
