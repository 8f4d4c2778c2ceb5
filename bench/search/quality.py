"""Search quality in one run: the paraphrase set over all hf_daily papers, and CSFCube similar papers.

Two questions, two yardsticks. Can a reader find a paper by describing it in their own words? Each
hand-written query in paraphrases.jsonl names one of the 9,577 hf_daily papers; we report recall@10 (the paper
is on the first page) and MRR@100 (how high it sits). Does "similar papers" put the right neighbours first?
CSFCube's graded pools are re-ranked by similarity to each query paper and scored with NDCG@20; the query
paper itself is left out of its own pool (it sits in two pools, graded 3) because a similar-papers list never
shows the paper you are reading. Every ranker sees title + abstract, whitespace collapsed.

    .venv/bin/python -m bench.search.quality --baseline        # BM25 (bm25s), a few seconds
    .venv/bin/python -m bench.search.quality --all             # + MiniLM and RRF(BM25, MiniLM)
    .venv/bin/python -m bench.search.quality --ranker pkg.mod:factory   # any zero-argument Ranker factory

MiniLM embeddings are cached in bench/out/ (git-ignored): the first --all run embeds about 13,700 texts
(~14 minutes on 2 cores), later runs take seconds. Per-query results go to bench/out/search-quality.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench.search` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.search.corpus import (  # noqa: E402
    HF_DAILY,
    PARAPHRASES,
    Paper,
    ParaphraseQuery,
    load_hf_daily,
    load_paraphrases,
)
from bench.search.csfcube import CSFCUBE, FACETS, Query, load_csfcube, ndcg_at_k  # noqa: E402
from bench.search.rankers import (  # noqa: E402
    OUT,
    BM25Ranker,
    EmbeddingCache,
    Ranker,
    RRFRanker,
    minilm_ranker,
)


@dataclass
class ParaphraseResult:
    """Where each paraphrase query's paper landed (None: below the search depth) and the time it took."""

    ranks: dict[str, int | None]
    index_seconds: float
    search_seconds: float

    def recall_at(self, k: int) -> float:
        return sum(1 for r in self.ranks.values() if r is not None and r <= k) / len(self.ranks)

    def mrr(self) -> float:
        return sum(1 / r for r in self.ranks.values() if r is not None) / len(self.ranks)


@dataclass
class CsfcubeResult:
    """NDCG@k per query facet (`<pid>_<facet>`) and the time to index and rank every pool."""

    ndcg: dict[str, float]
    seconds: float
    facets: dict[str, str] = field(default_factory=dict)

    def mean(self, facet: str | None = None) -> float:
        values = [v for key, v in self.ndcg.items() if facet is None or self.facets[key] == facet]
        return statistics.fmean(values) if values else float("nan")


def evaluate_paraphrases(
    ranker: Ranker, papers: Sequence[Paper], queries: Sequence[ParaphraseQuery], depth: int = 100
) -> ParaphraseResult:
    """Index the whole corpus once, run every query, and record the rank of its target paper (1 = top)."""
    known = {p.id for p in papers}
    unknown = [q.arxiv_id for q in queries if q.arxiv_id not in known]
    if unknown:
        raise ValueError(f"paraphrase targets missing from the corpus: {unknown[:5]}")
    began = time.perf_counter()
    ranker.index([p.id for p in papers], [p.text for p in papers])
    indexed = time.perf_counter()
    results = ranker.search([q.query for q in queries], depth)
    searched = time.perf_counter()
    ranks: dict[str, int | None] = {}
    for query, ranked in zip(queries, results, strict=True):
        ranks[query.arxiv_id] = ranked.index(query.arxiv_id) + 1 if query.arxiv_id in ranked else None
    return ParaphraseResult(ranks, indexed - began, searched - indexed)


def evaluate_csfcube(ranker: Ranker, queries: Sequence[Query], k: int = 20) -> CsfcubeResult:
    """Rank each judged pool (minus the query paper) by similarity to the query paper; NDCG@k per facet."""
    began = time.perf_counter()
    ndcg: dict[str, float] = {}
    for query in queries:
        pool = [c for c in query.candidates if c.pid != query.pid]
        ranker.index([c.pid for c in pool], [c.text for c in pool])
        ranked = ranker.search([query.text], len(pool))[0]
        ndcg[query.key] = ndcg_at_k(ranked, {c.pid: c.relevance for c in pool}, k)
    return CsfcubeResult(ndcg, time.perf_counter() - began, {q.key: q.facet for q in queries})


def load_factory(spec: str) -> Callable[[], Ranker]:
    """`package.module:callable` -> the callable, so any backend can be measured without editing this file."""
    module, _, attr = spec.partition(":")
    if not attr:
        raise SystemExit(f"--ranker wants module:callable, got {spec!r}")
    return getattr(importlib.import_module(module), attr)


def _rankers(args: argparse.Namespace) -> list[Callable[[], Ranker]]:
    factories: list[Callable[[], Ranker]] = [load_factory(spec) for spec in args.ranker]
    dense: list[Ranker] = []

    def shared_minilm() -> Ranker:  # one model load and one cache for MiniLM alone and inside the fusion
        if not dense:
            dense.append(minilm_ranker())
        return dense[0]

    if args.baseline or args.all or not (args.minilm or args.fusion or args.ranker):
        factories.insert(0, BM25Ranker)
    if args.minilm or args.all:
        factories.append(shared_minilm)
    if args.fusion or args.all:
        factories.append(lambda: RRFRanker([BM25Ranker(), shared_minilm()], k=args.rrf_k))
    return factories


def _caches(rankers: Sequence[Ranker]) -> list[EmbeddingCache]:
    """The distinct embedding caches used by these rankers, fused ones included, to report embedding speed."""
    found: dict[int, EmbeddingCache] = {}
    stack = list(rankers)
    while stack:
        ranker = stack.pop()
        stack.extend(getattr(ranker, "rankers", []))
        cache = getattr(ranker, "cache", None)
        if isinstance(cache, EmbeddingCache):
            found[id(cache)] = cache
    return list(found.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", action="store_true", help="BM25 via bm25s (the default with no flags)")
    parser.add_argument("--minilm", action="store_true", help="the packaged all-MiniLM-L6-v2, exact cosine")
    parser.add_argument("--fusion", action="store_true", help="reciprocal rank fusion of BM25 and MiniLM")
    parser.add_argument("--all", action="store_true", help="BM25, MiniLM and their fusion")
    parser.add_argument("--ranker", action="append", default=[], metavar="MOD:FACTORY", help="extra Ranker")
    parser.add_argument("--rrf-k", type=int, default=60, help="RRF constant (default 60)")
    parser.add_argument("--hf-daily", type=Path, default=HF_DAILY, help="hf_daily folder")
    parser.add_argument("--paraphrases", type=Path, default=PARAPHRASES, help="paraphrase set (.jsonl)")
    parser.add_argument("--csfcube", type=Path, default=CSFCUBE, help="relevance_csfcube folder")
    parser.add_argument("--out", type=Path, default=OUT / "search-quality.json", help="per-query results")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    papers = load_hf_daily(args.hf_daily)
    paraphrases = load_paraphrases(args.paraphrases)
    csfcube = load_csfcube(args.csfcube)
    pooled = sum(len(q.candidates) for q in csfcube)
    print(
        f"paraphrase set: {len(paraphrases)} queries over {len(papers):,} hf_daily papers; "
        f"CSFCube: {len(csfcube)} query facets, {pooled:,} judged candidates (loaded in "
        f"{time.perf_counter() - began:.1f} s)\n"
    )
    header = (
        f"{'ranker':<18} {'R@10':>6} {'MRR@100':>8} {'R@1':>6} {'R@100':>6} {'NDCG@20':>8} "
        f"{'backgr.':>7} {'method':>7} {'result':>7} {'index s':>8} {'query s':>8} {'CSFCube s':>9}"
    )
    print(header)
    print("-" * len(header))
    report: dict[str, object] = {}
    rankers_seen: list[Ranker] = []
    for factory in _rankers(args):
        ranker = factory()
        rankers_seen.append(ranker)
        para = evaluate_paraphrases(ranker, papers, paraphrases)
        cube = evaluate_csfcube(ranker, csfcube)
        print(
            f"{ranker.name:<18} {para.recall_at(10):>6.1%} {para.mrr():>8.3f} {para.recall_at(1):>6.1%} "
            f"{para.recall_at(100):>6.1%} {cube.mean():>8.3f} "
            + " ".join(f"{cube.mean(f):>7.3f}" for f in FACETS)
            + f" {para.index_seconds:>8.1f} {para.search_seconds:>8.2f} {cube.seconds:>9.1f}",
            flush=True,
        )
        report[ranker.name] = {
            "paraphrase": {"recall@10": para.recall_at(10), "mrr@100": para.mrr(), "ranks": para.ranks},
            "csfcube": {"ndcg@20": cube.mean(), "per_query": cube.ndcg},
        }
    for cache in _caches(rankers_seen):
        rate = cache.encoded / cache.encode_seconds if cache.encode_seconds else 0.0
        print(f"\nembedded {cache.encoded:,} new texts in {cache.encode_seconds:.0f} s ({rate:.1f}/s)")
        print(f"embedding cache: {cache.path}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nper-query results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
