"""Fusing the keyword and the semantic ranking into one list (pure functions, no I/O).

Search uses plain reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): a paper scores
1 / (60 + its rank) in each list, summed, both lists weighted alike. Nothing in it was fitted to our queries.
The convex combination of normalised scores used before (0.6 × BM25 / best BM25 + 0.4 × rescaled cosine, its
two numbers fitted on the paraphrase set) scored higher on that set but did not carry over to queries written
by someone else; rank fusion only needs each list's order, which is what both rankers get right most reliably
(bench/RESULTS.md). Paper-to-paper similarity keeps the convex blend (``SIMILAR``), tuned and checked on
CSFCube's separate folds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Ranked = Sequence[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class Fusion:
    """``semantic_weight`` in [0, 1]: 0 is keyword only, 1 semantic only. ``method``: convex or rrf."""

    semantic_weight: float = 0.5
    method: str = "convex"
    rrf_k: int = 60
    cosine_floor: float = 0.0


DEFAULT = Fusion(semantic_weight=0.5, method="rrf", rrf_k=60)  # search: Cormack et al.'s k, equal weights
SIMILAR = Fusion(semantic_weight=0.7, cosine_floor=0.4)  # similar papers: tuned on CSFCube fold1_dev


def _keyword_norm(hits: Ranked) -> dict[int, float]:
    if not hits:
        return {}
    top = max(score for _pid, score in hits) or 1.0
    return {pid: score / top for pid, score in hits}


def _semantic_norm(hits: Ranked, floor: float) -> dict[int, float]:
    if not hits:
        return {}
    top = max(score for _pid, score in hits)
    span = max(top - floor, 1e-6)
    return {pid: max(0.0, (score - floor) / span) for pid, score in hits}


def fuse(keyword: Ranked, semantic: Ranked, fusion: Fusion = DEFAULT) -> list[tuple[int, float]]:
    """One ranking of every paper in either list, best first (ties broken by paper id for stable pages)."""
    scores: dict[int, float] = {}
    if fusion.method == "rrf":
        for weight, hits in ((1 - fusion.semantic_weight, keyword), (fusion.semantic_weight, semantic)):
            for rank, (pid, _score) in enumerate(hits, start=1):
                scores[pid] = scores.get(pid, 0.0) + weight / (fusion.rrf_k + rank)
    else:
        kw = _keyword_norm(keyword)
        sem = _semantic_norm(semantic, fusion.cosine_floor)
        w = fusion.semantic_weight
        for pid in kw.keys() | sem.keys():
            scores[pid] = (1 - w) * kw.get(pid, 0.0) + w * sem.get(pid, 0.0)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
