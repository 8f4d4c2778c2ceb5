"""Candidates for "similar papers": the nearest vectors and a more-like-this keyword query, fused.

More-like-this keeps the paper's most distinctive terms (highest tf·idf in this index, at most
``MLT_TERMS``; title terms count double) and ORs them; scoring is then plain BM25 against every paper.
Both lists go through the same fusion as search, with the weights tuned for paper-to-paper similarity on
CSFCube's development folds.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import tantivy

from paperboy.search.hybrid import SIMILAR, Fusion, fuse
from paperboy.search.keyword import SHOULD, KeywordIndex
from paperboy.search.vectors import VectorIndex

MLT_TERMS = 40
DEPTH = 100


def distinctive_terms(index: KeywordIndex, title: str, abstract: str, limit: int = MLT_TERMS) -> list[str]:
    """The paper's terms by tf·idf in this index, best first (terms in no other document are skipped)."""
    counts = Counter(index.terms(abstract))
    for term in index.terms(title):
        counts[term] += 2
    searcher = index.searcher()
    total = max(1, searcher.num_docs)
    weighted = []
    for term, tf in counts.items():
        df = searcher.doc_freq("text", term)
        if df <= 1 and total > 1:
            continue  # only this paper has it: cannot find a neighbour
        weighted.append((tf * math.log(1 + total / max(df, 1)), term))
    weighted.sort(reverse=True)
    return [term for _w, term in weighted[:limit]]


def more_like_this(index: KeywordIndex, title: str, abstract: str) -> tantivy.Query | None:
    terms = distinctive_terms(index, title, abstract)
    if not terms:
        return None
    clauses = []
    for term in terms:
        for name, weight in (("text", 1.0), ("title", 0.3)):
            query = tantivy.Query.term_query(index.schema, name, term)
            clauses.append((SHOULD, tantivy.Query.boost_query(query, weight)))
    return tantivy.Query.boolean_query(clauses)


def neighbours(
    keyword: KeywordIndex,
    vectors: VectorIndex | None,
    title: str,
    abstract: str,
    vector: np.ndarray | None,
    exclude: int | None,
    k: int = 10,
    fusion: Fusion = SIMILAR,
) -> list[tuple[int, float, float | None, float | None]]:
    """(paper id, fused score, keyword score, cosine) of the k most similar papers, best first."""
    kw: list[tuple[int, float]] = []
    query = more_like_this(keyword, title, abstract)
    if query is not None:
        kw = [(p, s) for p, s in keyword.search(query, DEPTH + 1)[0] if p != exclude][:DEPTH]
    sem: list[tuple[int, float]] = []
    if vectors is not None and vector is not None:
        sem = vectors.search(vector, DEPTH, exclude=exclude)
    kw_scores, sem_scores = dict(kw), dict(sem)
    fused = fuse(kw, sem, fusion) if sem else kw
    return [(pid, score, kw_scores.get(pid), sem_scores.get(pid)) for pid, score in fused[:k]]
