"""Search speed at 10 k, 100 k and 1 M papers on this machine: query latency per mode, index build, embedding.

Synthetic papers are built from real abstracts' sentences: each takes a title-length fragment and 4-9
sentences drawn at random from the 9,577 hf_daily abstracts, so term statistics look like real ones. Embedding
a million texts with MiniLM would take 17 hours on 2 cores, so a synthetic paper's vector is the normalised
mean of the real MiniLM vectors of the papers its sentences came from, plus a little noise: the clustered,
mixed distribution that the vector index sees, without the hours (see RESULTS.md for what that does not show).

Queries are the 240 hand-written paraphrase queries; each is embedded by the real packaged MiniLM at query
time, inside the measured latency (in hybrid mode while tantivy searches, as the server does). Latency
covers retrieval: parsing, tantivy, query embedding, faiss and fusion (the top-20 page's database read costs
the same at any size).

    .venv/bin/python bench/search_speed.py                       # 10k, 100k and 1M (about 25 minutes)
    .venv/bin/python bench/search_speed.py --sizes 10000 --embed-sample 256
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search.corpus import load_hf_daily, load_paraphrases  # noqa: E402
from bench.search.rankers import OUT  # noqa: E402
from bench.search_quality import cache  # noqa: E402

from paperboy.search import embed  # noqa: E402
from paperboy.search.hybrid import DEFAULT, fuse  # noqa: E402
from paperboy.search.keyword import Filters, KeywordIndex  # noqa: E402
from paperboy.search.query import parse  # noqa: E402
from paperboy.search.searcher import SEMANTIC_DEPTH  # noqa: E402
from paperboy.search.vectors import VectorIndex  # noqa: E402
from paperboy.store.embeddings import IndexRow  # noqa: E402

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def synthetic(n: int, seed: int = 0):  # type: ignore[no-untyped-def]
    """(rows, vectors) of n synthetic papers: real sentences recombined, vectors mixed from their sources."""
    papers = load_hf_daily()
    base = cache().get([p.text for p in papers]).astype(np.float32)
    sentences: list[tuple[str, int]] = [
        (s, i) for i, p in enumerate(papers) for s in _SENTENCE.split(p.abstract) if len(s) > 30
    ]
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    rows, vectors = [], np.empty((n, base.shape[1]), dtype=np.float32)
    for pid in range(n):
        picked = [sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(4, 9))]
        title = " ".join(picked[0][0].split()[: rng.randint(6, 14)])
        abstract = " ".join(s for s, _ in picked)
        vector = base[[i for _, i in picked]].mean(axis=0) + noise.normal(0, 0.01, base.shape[1])
        vectors[pid] = vector / np.linalg.norm(vector)
        rows.append(IndexRow(pid, f"s{pid}", title, abstract, [], [], None, None, None, 0, False))
    return rows, vectors


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
    }


def measure(n: int, model: embed.Embedder, queries: list[str], options: dict) -> dict:
    began = time.perf_counter()
    rows, vectors = synthetic(n)
    made = time.perf_counter() - began
    tmp = Path(tempfile.mkdtemp(prefix="pb-speed-"))
    before = rss_mb()
    began = time.perf_counter()
    index = KeywordIndex(tmp / "kw")
    writer = index.writer()
    for row in rows:
        writer.add_document(index._document(row))
    writer.commit()
    index.reload()
    kw_seconds = time.perf_counter() - began
    del rows
    began = time.perf_counter()
    vindex = VectorIndex(vectors.shape[1], **options)
    vindex.build(np.arange(n), vectors, n)
    vec_seconds = time.perf_counter() - began
    after = rss_mb()
    pool = ThreadPoolExecutor(max_workers=1)
    names = ("keyword", "semantic", "hybrid", "embed_query", "faiss")
    timings: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in ("keyword", "embed_query", "faiss", "hybrid")}
    for _round in range(2):  # the first round warms caches; the second is measured
        for values in (*timings.values(), *cpu.values()):
            values.clear()
        for q in queries:
            parsed = parse(q)
            c0, t0 = time.thread_time(), time.perf_counter()
            built = index.build_query(parsed, Filters())
            kw = index.search(built, 20 + SEMANTIC_DEPTH)[0] if built is not None else []
            c1, t1 = time.thread_time(), time.perf_counter()
            vector = model.encode([parsed.text])[0]
            c2, t2 = time.thread_time(), time.perf_counter()
            vindex.search(vector, SEMANTIC_DEPTH)
            c3, t3 = time.thread_time(), time.perf_counter()
            # hybrid as the server runs it: the query is embedded while tantivy searches (searcher.py)
            pending = pool.submit(lambda text=parsed.text: model.encode([text])[0])
            kw = index.search(index.build_query(parsed, Filters()), 20 + SEMANTIC_DEPTH)[0]
            fuse(kw, vindex.search(pending.result(), SEMANTIC_DEPTH), DEFAULT)
            t4 = time.perf_counter()
            timings["keyword"].append(t1 - t0)
            timings["embed_query"].append(t2 - t1)
            timings["faiss"].append(t3 - t2)
            timings["semantic"].append(t3 - t1)
            timings["hybrid"].append(t4 - t3)
            cpu["keyword"].append(c1 - c0)
            cpu["embed_query"].append(c2 - c1)
            cpu["faiss"].append(c3 - c2)
            # on an idle 2-core machine the embedding overlaps tantivy: max of the two, then faiss
            cpu["hybrid"].append(max(c1 - c0, c2 - c1) + (c3 - c2))
    recall = ann_recall(vindex, vectors, [model.encode([parse(q).text])[0] for q in queries[:100]])
    return {
        "papers": n,
        "synthesis_s": round(made, 1),
        "keyword_build_s": round(kw_seconds, 1),
        "keyword_index_mb": round(dir_mb(tmp / "kw"), 1),
        "vector_build_s": round(vec_seconds, 1),
        "vector_kind": vindex.kind,
        "rss_growth_mb": round(after - before, 1),
        "ivf_recall@10_vs_exact": recall,
        "wall": {name: percentiles(values) for name, values in timings.items()},
        "cpu": {name: percentiles(values) for name, values in cpu.items()},
    }


def ann_recall(vindex: VectorIndex, vectors: np.ndarray, queries: list[np.ndarray]) -> float | None:
    """Share of the exact top 10 that the index returns (None when the index is exact)."""
    if vindex.kind == "flat":
        return None
    found = 0
    for query in queries:
        exact = set(np.argsort(-(vectors @ query))[:10].tolist())
        found += len(exact & {pid for pid, _ in vindex.search(query, 10)})
    return round(found / (10 * len(queries)), 3)


def embedding_throughput(model: embed.Embedder, sample: int) -> list[dict]:
    """Abstracts per second, batched: one thread (the server's background embedder) and every core."""
    import torch

    texts = [p.text for p in load_hf_daily()[:sample]]
    results = []
    for threads in sorted({1, os.cpu_count() or 1}):
        torch.set_num_threads(threads)
        began = time.perf_counter()
        model.encode(texts, batch_size=32)
        rate = sample / (time.perf_counter() - began)
        results.append(
            {"model": model.name, "threads": threads, "texts": sample, "per_second": round(rate, 1)}
        )
    torch.set_num_threads(1)  # queries are embedded on one thread, as in the server
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--embed-sample", type=int, default=512, help="abstracts timed for embedding speed")
    parser.add_argument("--ivf-threshold", type=int, default=50_000)
    parser.add_argument("--nprobe", type=int, default=96)
    parser.add_argument("--out", type=Path, default=OUT / "search-speed.json")
    args = parser.parse_args(argv)
    model = embed.load("minilm")
    queries = [q.query for q in load_paraphrases()]
    report: dict = {"embedding": embedding_throughput(model, args.embed_sample), "sizes": []}
    print(json.dumps(report["embedding"]), flush=True)
    for n in args.sizes:
        result = measure(n, model, queries, {"ivf_threshold": args.ivf_threshold, "nprobe": args.nprobe})
        report["sizes"].append(result)
        print(json.dumps(result), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
