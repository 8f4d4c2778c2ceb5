"""Fitting the fusion weights on half the data and reporting the other half (called by search_quality.py).

Search fusion: tuned on the even lines of the paraphrase set (recall@10 + MRR), reported on the odd lines
and on CSFCube. Similar-papers fusion: tuned on CSFCube's ``fold1_dev`` queries (NDCG@20), reported on
``fold1_test``. The keyword and semantic lists are computed once; each candidate fusion only re-sorts them.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable

from bench.search.corpus import load_hf_daily, load_paraphrases
from bench.search.csfcube import CSFCUBE, load_csfcube, ndcg_at_k
from bench.search_quality import PaperboyRanker, cache

from paperboy.search.hybrid import Fusion, fuse
from paperboy.search.neighbours import DEPTH, more_like_this
from paperboy.search.text import paper_text

GRID = [
    Fusion(semantic_weight=w, method="convex", cosine_floor=f)
    for w in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
    for f in (0.0, 0.2, 0.3, 0.4)
] + [Fusion(semantic_weight=w, method="rrf", rrf_k=k) for w in (0.3, 0.4, 0.5) for k in (10, 30, 60)]


def _rank(ranked: list[int], target: int) -> int | None:
    return ranked.index(target) + 1 if target in ranked else None


def _paraphrase_scores(lists: list, targets: list[int], fusion: Fusion | None, which: str = "fused") -> dict:
    ranks = []
    for (kw, sem), target in zip(lists, targets, strict=True):
        chosen = {"keyword": kw, "semantic": sem}.get(which) or fuse(kw, sem, fusion)
        ranks.append(_rank([p for p, _ in chosen][:100], target))
    n = len(ranks)
    return {
        "recall@10": sum(1 for r in ranks if r and r <= 10) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def _best(grid: list[Fusion], score: Callable[[Fusion], float]) -> tuple[Fusion, float]:
    scored = [(score(f), i) for i, f in enumerate(grid)]
    best, index = max(scored)
    return grid[index], best


def tune_search() -> dict:
    papers = load_hf_daily()
    queries = load_paraphrases()
    ranker = PaperboyRanker("hybrid")
    ranker.index([p.id for p in papers], [p.text for p in papers])
    position = {p.id: i for i, p in enumerate(papers)}
    lists = [ranker.lists(q.query, 100) for q in queries]
    targets = [position[q.arxiv_id] for q in queries]
    halves = {"tune (even)": range(0, len(queries), 2), "report (odd)": range(1, len(queries), 2)}
    pick = {name: ([lists[i] for i in idx], [targets[i] for i in idx]) for name, idx in halves.items()}

    def objective(fusion: Fusion) -> float:
        s = _paraphrase_scores(*pick["tune (even)"], fusion)
        return s["recall@10"] + s["mrr"]

    best, _ = _best(GRID, objective)
    report = {"chosen": best.__dict__ if hasattr(best, "__dict__") else repr(best)}
    for name, (ls, ts) in pick.items():
        report[name] = {
            "keyword": _paraphrase_scores(ls, ts, None, "keyword"),
            "semantic": _paraphrase_scores(ls, ts, None, "semantic"),
            "hybrid": _paraphrase_scores(ls, ts, best),
        }
    report["chosen"] = repr(best)
    return report


def tune_similar() -> dict:
    queries = load_csfcube()
    splits = json.loads((CSFCUBE / "evaluation_splits.json").read_text())
    dev = {k for facet in splits.values() for k in facet["fold1_dev"]}
    test = {k for facet in splits.values() for k in facet["fold1_test"]}
    ranker = PaperboyRanker("similar")
    per_query = []
    for query in queries:
        pool = [c for c in query.candidates if c.pid != query.pid]
        ranker.index([c.pid for c in pool], [c.text for c in pool])
        mlt = more_like_this(ranker.keyword, query.title, query.abstract)
        kw = ranker.keyword.search(mlt, DEPTH)[0] if mlt is not None else []
        vector = cache().get([paper_text(query.title, query.abstract)])[0]
        sem = ranker.vectors.search(vector, DEPTH)
        per_query.append((query.key, kw, sem, [c.pid for c in pool], query.relevance))

    def ndcg(keys: set[str], fusion: Fusion | None, which: str = "fused") -> float:
        values = []
        for key, kw, sem, ids, relevance in per_query:
            if key not in keys:
                continue
            chosen = {"keyword": kw, "semantic": sem}.get(which) or fuse(kw, sem, fusion)
            values.append(ndcg_at_k([ids[p] for p, _ in chosen], relevance, 20))
        return statistics.fmean(values)

    best, _ = _best(GRID, lambda f: ndcg(dev, f))
    everything = {q.key for q in queries}
    return {
        "chosen": repr(best),
        **{
            name: {
                "keyword (mlt)": ndcg(keys, None, "keyword"),
                "semantic": ndcg(keys, None, "semantic"),
                "fused": ndcg(keys, best),
            }
            for name, keys in (("dev", dev), ("test", test), ("all", everything))
        },
    }


def tune(argv: list[str]) -> int:
    report = {"search": tune_search(), "similar": tune_similar()}
    print(json.dumps(report, indent=1))
    return 0
