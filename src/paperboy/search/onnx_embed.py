"""A sentence-transformers model run by ONNX Runtime instead of torch: same vectors, a fraction of the time.

Why: on this project's 2-core machines a search query's embedding was the largest part of a hybrid search
(torch eager runs each of MiniLM's small layers through Python and its dispatcher). ONNX Runtime runs the
same graph as one native call that releases the GIL: a short query embeds about 3 × faster and an abstract
about 2 × faster (bench/RESULTS.md, "Query embedding"), and the vectors equal torch's (cosine 1.0000), so
vectors stored by either runtime mix freely and search quality does not move.

The graph is exported from the loaded torch model (transformer + mean pooling + L2 normalisation) the first
time a model is used and cached on disk under a name derived from its weights, so nothing is downloaded and a
changed model never reuses a stale graph. Models of another shape (CLS pooling, extra dense layers) stay on
torch: ``load`` answers None for them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache_dir() -> Path:
    """Per user, not per index: the graph depends on the model alone, so one export serves every database
    and every test on the machine."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paperboy" / "onnx"


def available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class OnnxEmbedder:
    """Tokenizer in Python, the network in ONNX Runtime; thread-safe.

    The tokenizer sets its truncation and padding state on every call, so calls are serialised by a lock
    (it takes a tenth of a millisecond); the network runs outside the lock, so two requests embed on two
    cores at once.
    """

    def __init__(self, name: str, tokenizer: Any, session: Any, dim: int, max_length: int) -> None:
        self.name = name
        self.dim = dim
        self._tokenizer = tokenizer
        self._session = session
        self._inputs = [i.name for i in session.get_inputs()]
        self._max_length = max_length
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Like sentence-transformers: batches of similar length waste little on padding.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            out[chosen] = self._run([texts[i] for i in chosen])
        return out

    def _run(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            features = self._tokenizer(
                texts, padding=True, truncation=True, max_length=self._max_length, return_tensors="np"
            )
        feed = {name: np.asarray(features[name], dtype=np.int64) for name in self._inputs}
        return self._session.run(None, feed)[0]


def load(name: str, model: Any, threads: int | None, cache_dir: Path | None = None) -> OnnxEmbedder | None:
    """The ONNX twin of a loaded sentence-transformers ``model``, or None when its shape is not supported."""
    if not available() or not _supported(model):
        return None
    import onnxruntime as ort

    path = (cache_dir or default_cache_dir()) / f"{_safe(name)}-{_fingerprint(model)}.onnx"
    if not path.exists():
        _export(model, path)
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads or os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    dim = int(session.get_outputs()[0].shape[-1])
    return OnnxEmbedder(name, model.tokenizer, session, dim, int(model.max_seq_length))


def _supported(model: Any) -> bool:
    """Transformer → mean Pooling (→ Normalize): the shape of MiniLM and most sentence-transformers models."""
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
        return False
    pooling = modules[1]
    # sentence-transformers 6 names the mode; older releases set one flag per mode.
    return getattr(pooling, "pooling_mode", None) == "mean" or (
        bool(getattr(pooling, "pooling_mode_mean_tokens", False))
        and not getattr(pooling, "pooling_mode_cls_token", False)
        and not getattr(pooling, "pooling_mode_max_tokens", False)
    )


def _fingerprint(model: Any) -> str:
    """A digest of the weights: a retrained or replaced model gets a new graph."""
    digest = hashlib.sha1()
    for key, tensor in model[0].auto_model.state_dict().items():
        digest.update(key.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()[:16]


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _export(model: Any, path: Path) -> None:
    """Trace transformer + mean pooling + normalisation into one graph; written atomically, so several
    processes starting together cannot read a half-written file."""
    import torch

    network = model[0].auto_model.eval()
    names = [n for n in INPUTS if n in model.tokenizer.model_input_names] or list(INPUTS[:2])

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = network

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            kwargs = dict(zip(names, inputs, strict=True))
            hidden = self.network(**kwargs).last_hidden_state
            mask = kwargs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1)

    sample = model.tokenizer(["an example query"], return_tensors="pt")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    log.info("exporting %s to ONNX (once) at %s", type(network).__name__, path)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(),
            tuple(sample[n] for n in names),
            str(partial),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names},
            opset_version=17,
            dynamo=False,
        )
    os.replace(partial, path)
