"""ONNX Runtime embeds with the same vectors as torch, so stored vectors and query vectors of either mix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paperboy.search import embed, onnx_embed

pytestmark = pytest.mark.skipif(not embed.available("minilm"), reason="semantic extra not installed")

TEXTS = [
    "kv cache compression",
    "How can a diffusion model produce an image in one step without distillation?",
    "We study sparse attention for long video generation and show linear complexity in frame count. " * 6,
    "x",
]


def test_onnx_vectors_equal_torch_vectors() -> None:
    fast = embed.load("minilm", threads=1, runtime="onnx")  # the machine's cache, as servers use it
    slow = embed.load("minilm", threads=1, runtime="torch")
    assert isinstance(fast, onnx_embed.OnnxEmbedder)
    assert fast.name == slow.name and fast.dim == slow.dim
    a, b = fast.encode(TEXTS, batch_size=3), slow.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), slow.dim)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    cached = list(onnx_embed.default_cache_dir().glob("all-MiniLM-L6-v2-*.onnx"))
    assert cached, "the exported graph is kept for the next start"


def test_cls_pooled_models_stay_on_torch(tmp_path: Path) -> None:
    slow = embed.load("minilm", threads=1, runtime="torch")
    pooling = list(slow.model)[1]
    pooling.pooling_mode = "cls"
    assert onnx_embed.load(slow.name, slow.model, 1, tmp_path) is None
