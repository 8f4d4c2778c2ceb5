"""Query and abstract embedding: ONNX Runtime against torch, same model, same texts, same run.

    .venv/bin/python bench/query_embedding.py [--queries 300] [--abstracts 64] [--threads 1]

Queries are 2–6 word fragments of real titles (what people type); abstracts are real ones from
../shared/data/hf_daily. Prints ms per query (one at a time, as a search does), abstracts/s (batches of 32, as
the embedder does), the speed-up, and the lowest cosine between the two runtimes' vectors (1.0 = the same).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from paperboy.search import embed

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "hf_daily"


def corpus(limit: int) -> tuple[list[str], list[str]]:
    titles, abstracts = [], []
    for day in sorted(DATA.glob("*.json"))[:limit]:
        for entry in json.loads(day.read_text()):
            paper = entry.get("paper") or {}
            if paper.get("title") and paper.get("summary"):
                titles.append(paper["title"])
                abstracts.append(paper["summary"])
    return titles, abstracts


def per_query_ms(model: embed.Embedder, queries: list[str]) -> float:
    for query in queries[:10]:
        model.encode([query])
    started = time.perf_counter()
    for query in queries:
        model.encode([query])
    return (time.perf_counter() - started) / len(queries) * 1000


def abstracts_per_second(model: embed.Embedder, abstracts: list[str]) -> float:
    model.encode(abstracts[:8])
    started = time.perf_counter()
    model.encode(abstracts, batch_size=32)
    return len(abstracts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--abstracts", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="threads per encode call")
    args = parser.parse_args()
    titles, abstracts = corpus(40)
    rng = random.Random(5)
    queries = []
    for title in rng.sample(titles, args.queries):
        words = title.split()
        size = rng.randint(2, min(6, len(words))) if len(words) >= 2 else 1
        start = rng.randrange(len(words) - size + 1)
        queries.append(" ".join(words[start : start + size]))
    sample = rng.sample(abstracts, args.abstracts)
    models = {runtime: embed.load("minilm", args.threads, runtime) for runtime in ("torch", "onnx")}
    assert type(models["onnx"]).__name__ == "OnnxEmbedder", "onnxruntime is not installed"
    figures = {}
    for runtime, model in models.items():
        figures[runtime] = (per_query_ms(model, queries), abstracts_per_second(model, sample))
    both = [m.encode(queries[:50] + sample[:16]) for m in models.values()]
    agreement = float(np.min(np.sum(both[0] * both[1], axis=1)))
    print(f"| runtime | ms per query (1 at a time) | abstracts/s (batches of 32) |  threads={args.threads}")
    print("| --- | --- | --- |")
    for runtime, (ms, rate) in figures.items():
        print(f"| {runtime} | {ms:.2f} | {rate:.1f} |")
    torch_ms, torch_rate = figures["torch"]
    onnx_ms, onnx_rate = figures["onnx"]
    print(
        f"speed-up: queries {torch_ms / onnx_ms:.2f} x, abstracts {onnx_rate / torch_rate:.2f} x; "
        f"lowest cosine between the runtimes' vectors: {agreement:.6f}"
    )


if __name__ == "__main__":
    main()
