"""Fusing the keyword and the semantic ranking into one list (pure functions, no I/O).

Measured on the paraphrase set (bench/RESULTS.md): plain reciprocal rank fusion with k=60 of BM25 and MiniLM
was *worse* than BM25 alone, because it gives a paper the semantic model ranks 40th as much credit as a strong
keyword match. A convex combination of normalised scores keeps the score gaps: BM25 scores are divided by
the best BM25 score of the query (so 1.0 is the best keyword match, whatever the query's length), cosine
similarities are rescaled between a floor and the best semantic match. ``DEFAULT`` holds the weights tuned on
the tuning half of the paraphrase set and checked on the other half and on CSFCube; ``SIMILAR`` the weights
for paper-to-paper similarity, tuned on CSFCube's development queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paperboy.search.query import ParsedQuery

Ranked = Sequence[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class Fusion:
    """``semantic_weight`` in [0, 1]: 0 is keyword only, 1 semantic only. ``method``: convex or rrf."""

    semantic_weight: float = 0.5
    method: str = "convex"
    rrf_k: int = 60
    cosine_floor: float = 0.0


# Chosen by `bench/search_quality.py tune` (grid over weight, floor and RRF variants; see bench/RESULTS.md).
DEFAULT = Fusion(semantic_weight=0.4, cosine_floor=0.3)  # tuned on the paraphrase set's even lines
SIMILAR = Fusion(semantic_weight=0.7, cosine_floor=0.4)  # tuned on CSFCube fold1_dev
RRF = Fusion(semantic_weight=0.5, method="rrf", rrf_k=60)  # Cormack et al. (2009): nothing fitted


def blend_for(parsed: ParsedQuery) -> Fusion:
    """The fusion for this query's shape (see module docstring)."""
    return RRF


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
