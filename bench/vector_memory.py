"""Memory of the vector index across worker processes: a private copy each vs one memory-mapped snapshot.

``paperboy serve --workers N`` runs N processes; each used to read the whole vector snapshot into its own
memory. This writes a synthetic snapshot the way the index writer does (``VectorIndex.build`` + ``save``),
then starts two separate Python processes (spawned, as uvicorn's workers are) that each load it the way a
worker does (``VectorIndex.load``, in memory or memory-mapped), answer the same queries and wait, so their
memory is measured while both are alive. PSS (proportional set size) divides each shared page among the
processes that map it: it is the figure that shows the sharing; USS counts only pages no other process maps.

Vectors: 384-d (MiniLM's shape), normalised draws of an anisotropic Gaussian whose variance falls as 1/i
along the dimensions, like the spectrum of sentence embeddings. Well-separated clusters made IVF look perfect
(recall 1.0); this gives a nearest-neighbour cosine of about 0.54 and an IVF recall near the 94 % that
bench/search_speed.py measured on vectors derived from real MiniLM ones. Queries are new draws from the same
distribution; recall@10 is against exact brute-force search over the same vectors.

The "mmap + delta" rows add, in each worker, the most a worker catches up on between two snapshots
(``DELTA_FOLD`` new rows) plus 5,000 re-embedded papers, with the exact answers recomputed over the changed
set. The writer line loads the snapshot mapped, takes the same delta and publishes the next generation
(streamed list by list); its private (anonymous) memory is sampled during that save.

    .venv/bin/python bench/vector_memory.py                     # 1,000,000 vectors, IVF and flat (~4 min)
    .venv/bin/python bench/vector_memory.py --n 300000 --kinds ivf
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import faiss
import numpy as np
import psutil

from paperboy.search.vectors import DELTA_FOLD, VectorIndex

DIM = 384
MODEL = "bench-synthetic"
REEMBEDDED = 5_000
CHUNK = 100_000
SPECTRUM = (np.arange(1, DIM + 1) ** -0.5).astype(np.float32)  # standard deviation per dimension


def synthetic(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = rng.normal(size=(n, DIM)).astype(np.float32) * SPECTRUM
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def write_vectors(path: Path, n: int) -> np.ndarray:
    """The corpus as a mapped .npy, written in chunks (the parent never holds two copies)."""
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, DIM))
    for start in range(0, n, CHUNK):
        out[start : start + CHUNK] = synthetic(min(CHUNK, n - start), start + 1)
    out.flush()
    return np.load(path, mmap_mode="r")


def exact_top(
    queries: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]], k: int = 10
) -> np.ndarray:
    """Paper ids of the exact top k per query, over (pids, vectors, rows left out or None) chunks."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_p = np.full((len(queries), k), -1, dtype=np.int64)
    for pids, vectors, dropped in parts:
        for start in range(0, len(pids), CHUNK):
            scores = queries @ np.asarray(vectors[start : start + CHUNK]).T
            if dropped is not None:
                scores[:, dropped[start : start + CHUNK]] = -np.inf
            s = np.concatenate([best_s, scores], axis=1)
            p = np.concatenate([best_p, np.broadcast_to(pids[start : start + CHUNK], scores.shape)], axis=1)
            top = np.argpartition(-s, k, axis=1)[:, :k]
            best_s, best_p = np.take_along_axis(s, top, 1), np.take_along_axis(p, top, 1)
    return best_p


def delta_rows(n: int) -> tuple[np.ndarray, np.ndarray]:
    """What a worker catches up on between snapshots: new papers, then re-embedded old ones."""
    rng = np.random.default_rng(99)
    new = np.arange(n, n + DELTA_FOLD, dtype=np.int64)
    again = rng.choice(n, REEMBEDDED, replace=False).astype(np.int64)
    return np.concatenate([new, again]), synthetic(DELTA_FOLD + REEMBEDDED, 98)


def anon_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000


# -- worker processes ---------------------------------------------------------------------------------------


def worker(args: argparse.Namespace) -> None:
    """One server worker: load the snapshot, maybe catch up a delta, answer the queries, then wait."""
    started = time.perf_counter()
    index = VectorIndex.load(
        Path(args.snapshot), MODEL, DIM, mmap=args.mode != "memory", ivf_threshold=args.ivf_threshold
    )
    assert index is not None, "snapshot did not load"
    loaded = time.perf_counter() - started
    if args.delta:
        pids, vectors = np.load(args.delta_pids), np.load(args.delta)
        index.add(pids, vectors, index.watermark + len(pids))
        del pids, vectors  # the worker's copy: only the index's delta stays, as in a server
    queries, truth = np.load(args.query_file), np.load(args.truth)
    for query in queries[:20]:  # warm-up, as a server's first requests
        index.search(query, 10)
    latencies, found = [], 0
    for query, exact in zip(queries, truth, strict=True):
        began = time.perf_counter()
        hits = index.search(query, 10)
        latencies.append(time.perf_counter() - began)
        found += len(set(exact.tolist()) & {pid for pid, _ in hits})
    report = {
        "kind": index.kind,
        "load_s": round(loaded, 2),
        "p50_ms": round(pct(latencies, 50), 2),
        "p95_ms": round(pct(latencies, 95), 2),
        "recall": round(found / (10 * len(queries)), 3),
    }
    print(json.dumps(report), flush=True)
    sys.stdin.readline()  # the parent measures memory while both workers are alive, then releases them


def writer_save(args: argparse.Namespace) -> None:
    """The index writer after a catch-up: mapped base + delta, publishing the next generation."""
    index = VectorIndex.load(Path(args.snapshot), MODEL, DIM, ivf_threshold=args.ivf_threshold)
    assert index is not None
    index.add(np.load(args.delta_pids), np.load(args.delta), index.watermark + 1)
    before, peak, stop = anon_mb(os.getpid()), [0.0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], anon_mb(os.getpid()))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    began = time.perf_counter()
    index.save(Path(args.snapshot + "-next"), MODEL)
    seconds = time.perf_counter() - began
    stop.set()
    sampler.join()
    report = {
        "save_s": round(seconds, 1),
        "anon_before_mb": round(before),
        "anon_peak_mb": round(peak[0]),
        "anon_after_mb": round(anon_mb(os.getpid())),
        "kind": index.kind,
    }
    print(json.dumps(report), flush=True)


# -- the parent ---------------------------------------------------------------------------------------------


def run_pair(threshold: int, mode: str, files: dict[str, Path], delta: bool) -> dict:
    command = [sys.executable, __file__, "--role", "worker", "--mode", mode, "--snapshot", str(files["snap"])]
    command += ["--ivf-threshold", str(threshold), "--query-file", str(files["queries"])]
    command += ["--truth", str(files["truth_delta" if delta else "truth"])]
    if delta:
        command += ["--delta", str(files["delta"]), "--delta-pids", str(files["delta_pids"])]
    procs = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    reports = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
    memory = [psutil.Process(p.pid).memory_full_info() for p in procs]
    for p in procs:
        p.communicate("quit\n", timeout=60)
    mb = 2**20
    return {
        "mode": mode + (" + delta" if delta else ""),
        "kind": reports[0]["kind"],
        "rss": [round(m.rss / mb) for m in memory],
        "uss": [round(m.uss / mb) for m in memory],
        "pss": [round(m.pss / mb) for m in memory],
        "load_s": max(r["load_s"] for r in reports),
        "p50_ms": round(float(np.mean([r["p50_ms"] for r in reports])), 2),
        "p95_ms": round(float(np.mean([r["p95_ms"] for r in reports])), 2),
        "recall": reports[0]["recall"],
    }


def baseline_mb() -> dict[str, int]:
    """An idle worker that imported numpy and faiss but loaded no index (included in every row)."""
    code = "import faiss, numpy, psutil, paperboy.search.vectors; m=psutil.Process().memory_full_info();"
    code += "print(m.rss >> 20, m.uss >> 20, m.pss >> 20)"
    rss, uss, pss = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    ).stdout.split()
    return {"rss": int(rss), "uss": int(uss), "pss": int(pss)}


def measure_kind(args: argparse.Namespace, kind: str, tmp: Path, corpus: np.ndarray) -> list:
    n = len(corpus)
    threshold = args.ivf_threshold if kind == "ivf" else 10 * n
    files = {
        "snap": tmp / f"vectors-{kind}",
        "queries": tmp / "queries.npy",
        "truth": tmp / "truth.npy",
        "truth_delta": tmp / "truth-delta.npy",
        "delta": tmp / "delta.npy",
        "delta_pids": tmp / "delta-pids.npy",
    }
    began = time.perf_counter()
    index = VectorIndex(DIM, ivf_threshold=threshold, mmap=False)
    index.build(np.arange(n, dtype=np.int64), np.asarray(corpus), n)
    built = time.perf_counter() - began
    began = time.perf_counter()
    index.save(files["snap"], MODEL)
    saved = time.perf_counter() - began
    del index
    size = sum(p.stat().st_size for p in tmp.glob(f"vectors-{kind}@*"))
    print(
        f"{kind}: built in {built:.0f} s, snapshot written in {saved:.0f} s ({size / 2**20:,.0f} MiB)",
        flush=True,
    )
    rows = []
    queries = args.queries if kind == "ivf" else args.flat_queries
    np.save(files["queries"], np.load(tmp / "all-queries.npy")[:queries])
    np.save(files["truth"], np.load(tmp / "all-truth.npy")[:queries])
    np.save(files["truth_delta"], np.load(tmp / "all-truth-delta.npy")[:queries])
    for mode, delta in (("memory", False), ("mmap", False), ("mmap", True)):
        row = run_pair(threshold, mode, files, delta)
        print(json.dumps(row), flush=True)
        rows.append(row)
    if kind == "ivf":
        command = [sys.executable, __file__, "--role", "writer", "--snapshot", str(files["snap"])]
        command += ["--ivf-threshold", str(threshold), "--delta", str(files["delta"])]
        command += ["--delta-pids", str(files["delta_pids"])]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        writer = json.loads(out.strip().splitlines()[-1])
        print(json.dumps(writer), flush=True)
        rows.append({"mode": "writer save", **writer})
        if args.quantized:
            sq = quantized(files["snap"], corpus, np.load(files["queries"]), np.load(files["truth"]))
            rows += [{"mode": "quantized", **row} for row in sq]
    return rows


def quantized(snapshot: Path, corpus: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> list[dict]:
    """IVF over scalar-quantised codes (16 or 8 bits a dimension) with the snapshot's coarse quantizer and
    nprobe, searched for the top 10 directly or for 40 candidates re-ranked exactly against the float vectors
    (read from a mapped file, as a shared float base would be): what a smaller base costs in recall."""
    base = VectorIndex.load(snapshot, MODEL, DIM)
    assert base is not None and base.kind == "ivf"
    nlist, nprobe = base.index.nlist, base.nprobe
    sample = np.asarray(corpus[: 64 * nlist])
    rows = []
    for name, qtype in (
        ("float32", None),
        ("fp16", faiss.ScalarQuantizer.QT_fp16),
        ("int8", faiss.ScalarQuantizer.QT_8bit),
    ):
        if qtype is None:  # the snapshot itself, mapped: the same single-process conditions as the others
            index = base.index
        else:
            quantizer = faiss.clone_index(base.index.quantizer)
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, DIM, nlist, qtype, faiss.METRIC_INNER_PRODUCT, False
            )
            with faiss_threads(os.cpu_count() or 1):
                index.train(sample)  # the scalar ranges only: the coarse quantizer is trained already
                for start in range(0, len(corpus), CHUNK):
                    index.add(np.asarray(corpus[start : start + CHUNK]))
        index.nprobe = nprobe
        for depth in (10,) if qtype is None else (10, 40):
            latencies, found = [], 0
            for query, exact in zip(queries, truth, strict=True):
                began = time.perf_counter()
                _scores, ids = index.search(query.reshape(1, -1), depth)
                ids = ids[0][ids[0] >= 0]
                if qtype is None:  # the snapshot's ids are positions; these vectors' paper ids are rows
                    ids = np.asarray(base.pids[ids])
                if depth > 10:  # exact re-ranking of the candidates with their float vectors
                    ids = _rerank(corpus, ids, query)
                latencies.append(time.perf_counter() - began)
                found += len(set(exact.tolist()) & set(ids[:10].tolist()))
            rows.append(
                {
                    "codes": name,
                    "code_mib": round(index.code_size * index.ntotal / 2**20),
                    "rerank": depth > 10,
                    "p50_ms": round(pct(latencies, 50), 2),
                    "p95_ms": round(pct(latencies, 95), 2),
                    "recall": round(found / (10 * len(queries)), 3),
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        del index
    return rows


def _rerank(corpus: np.ndarray, ids: np.ndarray, query: np.ndarray) -> np.ndarray:
    order = np.sort(ids)  # ascending positions read the mapped file in order
    return order[np.argsort(-(np.asarray(corpus[order]) @ query))[:10]]


class faiss_threads:
    def __init__(self, n: int) -> None:
        self.n = n

    def __enter__(self) -> None:
        faiss.omp_set_num_threads(self.n)

    def __exit__(self, *exc: object) -> None:
        faiss.omp_set_num_threads(1)


def table(n: int, base: dict[str, int], rows: list[dict]) -> str:
    lines = [
        f"| {n:,} × {DIM} | mode | RSS per worker | USS per worker | PSS per worker | PSS, 2 workers "
        "| load | p50 | p95 | recall@10 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        if row["mode"] in ("writer save", "quantized"):
            continue
        lines.append(
            f"| {row['kind']} | {row['mode']} | {' / '.join(map(str, row['rss']))} MiB | "
            f"{' / '.join(map(str, row['uss']))} MiB | {' / '.join(map(str, row['pss']))} MiB | "
            f"**{sum(row['pss']):,} MiB** | {row['load_s']} s | {row['p50_ms']} ms | {row['p95_ms']} ms | "
            f"{row['recall']} |"
        )
    lines.append(
        f"\nAn idle worker (Python, numpy, faiss imported, no index): RSS {base['rss']} MiB, "
        f"USS {base['uss']} MiB, PSS {base['pss']} MiB."
    )
    for row in rows:
        if row["mode"] == "writer save":
            lines.append(
                f"Writer publishing the next {row['kind']} generation from its mapped base + delta: "
                f"{row['save_s']} s; private (anonymous) memory {row['anon_before_mb']} MiB before, "
                f"peak {row['anon_peak_mb']} MiB during, {row['anon_after_mb']} MiB after."
            )
    quantized_rows = [row for row in rows if row["mode"] == "quantized"]
    if quantized_rows:
        lines += [
            "",
            "| IVF codes (same quantizer, nprobe; 1 process) | codes | search | p50 | p95 | recall@10 |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for row in quantized_rows:
            search = "top 40, re-ranked exactly" if row["rerank"] else "top 10"
            lines.append(
                f"| {row['codes']} | {row['code_mib']:,} MiB | {search} | {row['p50_ms']} ms | "
                f"{row['p95_ms']} ms | {row['recall']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--kinds", nargs="+", default=["ivf", "flat"], choices=["ivf", "flat"])
    parser.add_argument("--queries", type=int, default=500, help="queries per worker (IVF)")
    parser.add_argument("--flat-queries", type=int, default=150, help="queries per worker (exact flat)")
    parser.add_argument("--ivf-threshold", type=int, default=50_000)
    parser.add_argument("--no-quantized", dest="quantized", action="store_false", help="skip fp16/int8 codes")
    parser.add_argument("--role", default="parent", choices=["parent", "worker", "writer"])
    parser.add_argument("--mode", default="mmap")
    for name in ("--snapshot", "--query-file", "--truth", "--delta", "--delta-pids"):
        parser.add_argument(name, help=argparse.SUPPRESS)  # passed to the worker and writer processes
    args = parser.parse_args()
    if args.role == "worker":
        worker(args)
        return
    if args.role == "writer":
        writer_save(args)
        return
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pb-vecmem-"))
    corpus = write_vectors(tmp / "corpus.npy", args.n)
    queries = synthetic(max(args.queries, args.flat_queries), 7)
    pids, vectors = delta_rows(args.n)
    np.save(tmp / "delta.npy", vectors)
    np.save(tmp / "delta-pids.npy", pids)
    np.save(tmp / "all-queries.npy", queries)
    everything = np.arange(args.n, dtype=np.int64)
    np.save(tmp / "all-truth.npy", exact_top(queries, [(everything, corpus, None)]))
    stale = np.zeros(args.n, dtype=bool)
    stale[pids[DELTA_FOLD:]] = (
        True  # the exact answers after the delta: re-embedded papers' old rows are gone
    )
    truth = exact_top(queries, [(everything, corpus, stale), (pids, vectors, None)])
    np.save(tmp / "all-truth-delta.npy", truth)
    print(f"{args.n:,} vectors and exact answers in {time.perf_counter() - began:.0f} s ({tmp})", flush=True)
    rows = []
    for kind in args.kinds:
        rows += measure_kind(args, kind, tmp, corpus)
        for snapshot_file in tmp.glob("vectors-*"):
            snapshot_file.unlink()
    print()
    print(table(args.n, baseline_mb(), rows))
    print(f"\ntotal {time.perf_counter() - began:.0f} s")
    for leftover in tmp.iterdir():
        leftover.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
