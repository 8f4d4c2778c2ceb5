"""Maximal marginal relevance: a digest of ten papers should not be five near-duplicates (pure, no I/O).

Each step takes the candidate with the best ``lam × relevance − (1 − lam) × similarity to what is already
chosen`` (Carbonell & Goldstein, 1998); ``lam`` = 1 is plain ranking, lower values trade relevance for
variety.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def mmr(relevance: Sequence[float], similarity: np.ndarray, k: int, lam: float = 0.7) -> list[int]:
    """Indices of ``k`` picks in order; ``similarity`` is the candidates' pairwise similarity matrix."""
    rel = np.asarray(relevance, dtype=np.float64)
    n = len(rel)
    if n == 0 or k <= 0:
        return []
    chosen: list[int] = []
    closest = np.full(n, -np.inf)  # each candidate's highest similarity to a chosen one
    available = np.ones(n, dtype=bool)
    for _ in range(min(k, n)):
        penalty = np.where(np.isfinite(closest), closest, 0.0)
        gain = lam * rel - (1 - lam) * penalty
        gain[~available] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        available[best] = False
        closest = np.maximum(closest, similarity[best])
    return chosen
