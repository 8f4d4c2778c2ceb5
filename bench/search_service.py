"""Search quality through the real service: the function behind /search and /api/papers/search.

    .venv/bin/python bench/search_service.py              # tuning set (+ the frozen sets if present)
    .venv/bin/python bench/search_service.py --lookups    # + ids, author names, typos
    .venv/bin/python bench/search_service.py --fusion rrf:60:0.5   # a fixed fusion, not the shape rule

Unlike bench/search_quality.py (which wraps paperboy's parts in the harness), every ranking here comes from
``paperboy.search.searcher.search`` over a real SQLite database of the 9,577 hf_daily papers
(bench/search/service_db.py): parsing, spelling, lookups, fusion and paging as a user gets them. The bm25s
baseline (bench/search/rankers.py: lower-cased words, English stop words, no stemming) runs in the same
process over the same papers' title + abstract.

Query sets are reported separately: ``paraphrases.jsonl`` is the tuning set (methods were chosen on it);
``frozen_queries.jsonl`` and ``frozen_queries_v2.jsonl`` (harder: paraphrases, questions, short keyword
lists and long descriptions) were written independently and are only ever measured, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search.corpus import load_hf_daily  # noqa: E402
from bench.search.rankers import BM25Ranker, minilm_ranker  # noqa: E402
from bench.search.service_db import FOLDER, service  # noqa: E402

from paperboy.search.hybrid import Fusion  # noqa: E402
from paperboy.search.searcher import search  # noqa: E402

HERE = ROOT / "bench" / "search"
SETS = {
    "tuning": HERE / "paraphrases.jsonl",
    "frozen": HERE / "frozen_queries.jsonl",
    "frozen-v2": HERE / "frozen_queries_v2.jsonl",  # harder styles; FROZEN_V2.md
}
DEPTH = 100


def load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:  # the second frozen set names its paper ``target``
        row.setdefault("arxiv_id", row.get("target"))
    return [r for r in rows if r.get("arxiv_id") and r.get("query")]


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "R@10": sum(1 for r in ranks if r and r <= 10) / n,
        "MRR@10": sum(1 / r for r in ranks if r and r <= 10) / n,
        "R@1": sum(1 for r in ranks if r == 1) / n,
        "R@100": sum(1 for r in ranks if r) / n,
    }


def rank_of(target: str, ranked: list[str]) -> int | None:
    return ranked.index(target) + 1 if target in ranked else None


def paperboy_ranked(svc, query: str, mode: str, fusion: Fusion | None, spelling: bool = True) -> list[str]:
    page = search(svc, query, mode=mode, limit=DEPTH, snippets=False, fusion=fusion, spelling=spelling)
    return [hit.view.paper.arxiv_id for hit in page.hits]


def run_set(svc, bm25: BM25Ranker, name: str, rows: list[dict], fusion: Fusion | None) -> dict:
    queries = [r["query"] for r in rows]
    targets = [r["arxiv_id"] for r in rows]
    styles = [r.get("style", "all") for r in rows]
    ranks: dict[str, list[int | None]] = {}
    ranks["bm25 (bm25s)"] = [
        rank_of(t, ids) for t, ids in zip(targets, bm25.search(queries, DEPTH), strict=True)
    ]
    for mode in ("keyword",) if svc.model is None else ("keyword", "semantic", "hybrid"):
        began = time.perf_counter()
        ranks[f"paperboy {mode}"] = [
            rank_of(t, paperboy_ranked(svc, q, mode, fusion)) for q, t in zip(queries, targets, strict=True)
        ]
        took = (time.perf_counter() - began) / len(queries) * 1000
        print(f"  {name} {mode}: {took:.0f} ms a query", file=sys.stderr)
    report = {"queries": len(rows), "rankers": {k: metrics(v) for k, v in ranks.items()}, "styles": {}}
    for style in sorted(set(styles)):
        pick = [i for i, s in enumerate(styles) if s == style]
        report["styles"][style] = {
            "queries": len(pick),
            "rankers": {k: metrics([v[i] for i in pick]) for k, v in ranks.items()},
        }
    return report


def swap_typo(query: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped in the query's longest word (what a fast typist does)."""
    words = query.split()
    longest = max(range(len(words)), key=lambda i: (len(words[i].strip(".,?!")), -i))
    word = words[longest]
    spots = [
        i
        for i in range(len(word) - 1)
        if word[i].isalpha() and word[i + 1].isalpha() and word[i] != word[i + 1]
    ]
    if not spots:
        return query
    i = rng.choice(spots)
    words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def typos(svc, rows: list[dict]) -> dict:
    rng = random.Random(11)
    typed = [swap_typo(r["query"], rng) for r in rows]
    out = {}
    for mode in ("keyword",) if svc.model is None else ("hybrid",):
        clean = [rank_of(r["arxiv_id"], paperboy_ranked(svc, r["query"], mode, None)) for r in rows]
        for label, spelling in (("as typed", False), ("spelling correction", True)):
            ranks = [
                rank_of(r["arxiv_id"], paperboy_ranked(svc, q, mode, None, spelling))
                for r, q in zip(rows, typed, strict=True)
            ]
            out[f"{mode}, {label}"] = {
                "clean R@10": metrics(clean)["R@10"],
                "typo R@10": metrics(ranks)["R@10"],
            }
    return out


def spellings(arxiv_id: str) -> list[str]:
    return [
        arxiv_id,
        f"{arxiv_id}v1",
        f"arXiv:{arxiv_id}",
        f"arxiv: {arxiv_id}v2",
        f"https://arxiv.org/abs/{arxiv_id}v1",
        f"https://arxiv.org/pdf/{arxiv_id}",
        f"arxiv.org/pdf/{arxiv_id}v3.pdf",
        f"https://huggingface.co/papers/{arxiv_id}",
        f"10.48550/arXiv.{arxiv_id}",
        f"https://doi.org/10.48550/arXiv.{arxiv_id}",
    ]


def id_lookups(svc, ids: list[str]) -> dict:
    hits, tries = 0, 0
    for arxiv_id in ids:
        for spelling in spellings(arxiv_id):
            tries += 1
            hits += paperboy_ranked(svc, spelling, "hybrid", None)[:1] == [arxiv_id]
    return {"spellings tried": tries, "at rank 1": hits / tries}


def authors(svc, limit: int = 40) -> dict:
    import sqlalchemy as sa

    from paperboy.store.schema import paper_authors

    with svc.engine.connect() as conn:
        rows = conn.execute(
            sa.select(paper_authors.c.name, sa.func.count())
            .group_by(paper_authors.c.name)
            .having(sa.func.count() >= 10)
            .order_by(sa.func.count().desc(), paper_authors.c.name)
            .limit(limit)
        ).all()
    precisions = []
    for name, _count in rows:
        page = search(svc, name, limit=10, snippets=False)
        mine = sum(1 for h in page.hits if any(a.name == name for a in h.view.paper.authors))
        precisions.append(mine / 10)
    return {
        "authors (>= 10 papers)": len(rows),
        "mean precision@10": sum(precisions) / max(1, len(precisions)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lookups", action="store_true", help="also ids, author names and typos")
    parser.add_argument("--no-sets", action="store_true", help="skip the query sets (lookups only)")
    parser.add_argument("--fusion", help="method:k or convex:weight:floor instead of the shape rule")
    parser.add_argument("--keyword-only", action="store_true", help="no vectors: keyword figures only")
    parser.add_argument(
        "--embedded-only",
        action="store_true",
        help="a sub-corpus: only the papers the embedding cache holds (when the rest is not embedded yet)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "search-service.json")
    args = parser.parse_args(argv)
    fusion = None
    if args.fusion:
        method, *nums = args.fusion.split(":")
        fusion = (
            Fusion(method="rrf", rrf_k=int(nums[0]), semantic_weight=float(nums[1]) if len(nums) > 1 else 0.5)
            if method == "rrf"
            else Fusion(semantic_weight=float(nums[0]), cosine_floor=float(nums[1]))
        )
    papers = load_hf_daily()
    only = None
    if args.embedded_only:
        cache = minilm_ranker().cache
        only = {p.id for p in papers if cache.key(p.text) in cache._vectors}
        papers = [p for p in papers if p.id in only]
        print(f"sub-corpus: {len(papers):,} embedded papers", file=sys.stderr)
    folder = FOLDER.with_name("service-db-subset") if only is not None else FOLDER
    svc = service(folder, semantic=not args.keyword_only, only=only)
    bm25 = BM25Ranker()
    bm25.index([p.id for p in papers], [p.text for p in papers])
    report: dict[str, object] = {}
    report["corpus"] = len(papers)
    for name, path in SETS.items():
        if path.exists() and not args.no_sets:
            rows = load(path)
            held = [r for r in rows if r["arxiv_id"] in {p.id for p in papers}]
            if len(held) < len(rows):
                print(
                    f"{name}: {len(rows) - len(held)} queries whose paper is outside the corpus",
                    file=sys.stderr,
                )
            report[name] = run_set(svc, bm25, name, held, fusion)
            report[name]["left out"] = len(rows) - len(held)
    if args.lookups:
        rows = load(SETS["tuning"])
        report["typos (tuning set)"] = typos(svc, rows)
        report["ids"] = id_lookups(svc, sorted({r["arxiv_id"] for r in rows})[:50])
        report["authors"] = authors(svc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items()}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
