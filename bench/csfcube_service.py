"""CSFCube similar papers through the real service: what ``GET /api/papers/{id}/similar`` returns.

    .venv/bin/python bench/csfcube_service.py    # builds bench/out/csfcube-db/ once (MiniLM vectors)

Every CSFCube paper (the query papers and their judged pools, about 4,000 papers) is one paper of a real
SQLite database; its MiniLM vectors come from the quality harness's cache (same model, same title + abstract
text). For each of the 50 query facets, paperboy's list is ``search.similar_papers.similar_papers`` (the
function behind the paper page and the API) with ``k = 50``: computed, stored and read back as a reader gets
it. The bm25s baseline (English stop words; bench/search/rankers.py) indexes the same papers and takes the
query paper's title + abstract as its query. Three scorings, each NDCG@20 with the harness's formula:

- whole collection: the top 50 over all CSFCube papers as returned; papers not judged for this facet gain 0
  (the ideal ranking is the judged pool's), so a ranker is charged for filling places with unjudged papers;
- judged pool: the same lists with unjudged papers dropped (each ranker's order among the judged papers);
- pool re-rank: each judged pool indexed on its own and ranked in full (bench/search/quality.py's method:
  ``neighbours`` over the pool, the same code the service runs).

The similar-papers fusion weights were tuned on CSFCube's fold1 dev queries (bench/search_tune.py), so the
fold1 test queries are reported apart as the held-out figure.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search.csfcube import CSFCUBE, Query, load_csfcube, ndcg_at_k  # noqa: E402
from bench.search.quality import evaluate_csfcube  # noqa: E402
from bench.search.rankers import OUT, BM25Ranker, minilm_ranker  # noqa: E402
from bench.search_quality import similar as pool_similar  # noqa: E402

from paperboy.config import Settings  # noqa: E402
from paperboy.models import Paper  # noqa: E402
from paperboy.search.embed import to_bytes  # noqa: E402
from paperboy.search.embedding_job import text_hash  # noqa: E402
from paperboy.search.service import SearchService  # noqa: E402
from paperboy.search.similar_papers import STORED, similar_papers  # noqa: E402
from paperboy.search.text import paper_text  # noqa: E402
from paperboy.store import embeddings as store  # noqa: E402
from paperboy.store.engine import create_engine  # noqa: E402
from paperboy.store.migrate import upgrade  # noqa: E402
from paperboy.store.papers_write import upsert_papers  # noqa: E402
from paperboy.store.schema import papers  # noqa: E402

FOLDER = OUT / "csfcube-db"
PREFIX = "csfcube/"  # CSFCube ids are Semantic Scholar ids; stored under an old-style-looking arXiv id


def collection(queries: list[Query]) -> dict[str, tuple[str, str]]:
    """Every paper CSFCube has text for: id -> (title, abstract)."""
    found: dict[str, tuple[str, str]] = {}
    for query in queries:
        found[query.pid] = (query.title, query.abstract)
        for c in query.candidates:
            found.setdefault(c.pid, (c.title, c.abstract))
    return found


def service(texts: dict[str, tuple[str, str]]) -> SearchService:
    """The bench database (built on first use) with every CSFCube paper and its MiniLM vector."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{FOLDER / 'paperboy.db'}"
    engine = create_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    if have < len(texts):
        with engine.begin() as conn:
            upsert_papers(
                conn, [Paper(PREFIX + pid, title, abstract) for pid, (title, abstract) in texts.items()]
            )
    settings = Settings(
        database_url=url,
        search_index_dir=FOLDER / "index",
        search_embed_background=False,
        search_model="minilm",
    )
    svc = SearchService(engine, settings)
    if svc.model is not None:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(papers.c.id, papers.c.title, papers.c.abstract)).all()
            done = store.stored_hashes(conn, svc.model, [r.id for r in rows])
        todo = [r for r in rows if r.id not in done]
        if todo:
            strings = [paper_text(title, abstract or "") for _pid, title, abstract in todo]
            matrix = minilm_ranker().cache.get(strings).astype(np.float32)
            with engine.begin() as conn:
                store.save_embeddings(
                    conn,
                    svc.model,
                    matrix.shape[1],
                    [
                        (r.id, to_bytes(v), text_hash(t))
                        for r, v, t in zip(todo, matrix, strings, strict=True)
                    ],
                )
    svc.refresh(force=True, wait=True)
    return svc


def paperboy_lists(svc: SearchService, queries: list[Query]) -> dict[str, list[str]]:
    with svc.engine.connect() as conn:
        ids = dict(conn.execute(sa.select(papers.c.arxiv_id, papers.c.id)).all())
    lists = {}
    for query in queries:
        hits = similar_papers(svc, ids[PREFIX + query.pid], k=STORED)
        lists[query.key] = [h.view.paper.arxiv_id.removeprefix(PREFIX) for h in hits]
    return lists


def bm25_lists(texts: dict[str, tuple[str, str]], queries: list[Query]) -> dict[str, list[str]]:
    ranker = BM25Ranker()
    ranker.index(list(texts), [paper_text(*t) for t in texts.values()])
    ranked = ranker.search([q.text for q in queries], STORED + 1)
    return {q.key: [pid for pid in r if pid != q.pid][:STORED] for q, r in zip(queries, ranked, strict=True)}


def scores(lists: dict[str, list[str]], queries: list[Query], pooled: bool) -> dict[str, float]:
    found = {}
    for query in queries:
        judged = {c.pid: c.relevance for c in query.candidates if c.pid != query.pid}
        ranked = [pid for pid in lists[query.key] if pid in judged] if pooled else lists[query.key]
        found[query.key] = ndcg_at_k(ranked, judged, 20)
    return found


def main() -> int:
    queries = load_csfcube()
    splits = json.loads((CSFCUBE / "evaluation_splits.json").read_text())
    held_out = {k for facet in splits.values() for k in facet["fold1_test"]}
    texts = collection(queries)
    print(f"{len(queries)} query facets, {len(texts):,} papers")
    svc = service(texts)
    per: dict[str, dict[str, dict[str, float]]] = {}
    ours, theirs = paperboy_lists(svc, queries), bm25_lists(texts, queries)
    for name, pooled in (("whole collection", False), ("judged pool", True)):
        per[name] = {
            "paperboy similar": scores(ours, queries, pooled),
            "bm25": scores(theirs, queries, pooled),
        }
    per["pool re-rank"] = {
        "paperboy similar": evaluate_csfcube(pool_similar(), queries).ndcg,
        "bm25": evaluate_csfcube(BM25Ranker(), queries).ndcg,
    }
    print("| scoring | queries | bm25 | paperboy similar | × bm25 |")
    print("| --- | --- | --- | --- | --- |")
    for name, rankers in per.items():
        for label, keys in (("all 50", None), (f"fold1 test ({len(held_out)})", held_out)):
            b, p = (
                statistics.fmean(v for k, v in rankers[r].items() if keys is None or k in keys)
                for r in ("bm25", "paperboy similar")
            )
            print(f"| {name} | {label} | {b:.3f} | {p:.3f} | {p / b:.2f} × |")
    (OUT / "csfcube-service.json").write_text(json.dumps(per, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
