"""BM25 more-like-this over one window's candidates: the keyword half of a recommendation's evidence.

Sentence embeddings know that "KV cache eviction" and "attention-state pruning" are related but blur
specific terms; BM25 over the library papers' own words is sharp on exactly those terms. On topic-profile
readers a plain BM25 more-like-this is a strong baseline, so recommendations use it as evidence next to the
embeddings rather than competing with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np


class KeywordEvidence:
    """A BM25 index over candidate texts, built once per window and queried once per reader interest."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self.retriever = bm25s.BM25()
        if texts:
            tokens = bm25s.tokenize(list(texts), stopwords="en", show_progress=False)
            self.retriever.index(tokens, show_progress=False)
        self.vocab = getattr(self.retriever, "vocab_dict", None) or {}

    def scores(self, text: str, among: np.ndarray | None = None) -> np.ndarray:
        """Each candidate's BM25 score for ``text`` as a query, scaled so the best candidate ``among`` those
        allowed scores 1 (the library's own papers, which match themselves best, do not set the scale)."""
        if not self.size or not text.strip():
            return np.zeros(self.size, dtype=np.float32)
        words = bm25s.tokenize([text], stopwords="en", return_ids=False, show_progress=False)[0]
        known = [w for w in words if w in self.vocab]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        raw = np.asarray(self.retriever.get_scores(known), dtype=np.float32)
        top = float(raw[among].max()) if among is not None and among.any() else float(raw.max())
        return raw / top if top > 0 else raw
