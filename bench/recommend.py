"""Recommendation quality on simulated readers: paperboy's picks against a bm25 more-like-this baseline and
plain trending, in the same run, over the same candidate pools.

    .venv/bin/python bench/recommend.py             # builds bench/out/recommend.db once (load + embed)
    .venv/bin/python bench/recommend.py --show 3    # also print three readers' picks with their reasons
    .venv/bin/python bench/recommend.py --keyword-only   # as on a fresh install without embeddings
    .venv/bin/python bench/recommend.py --half even --variant "DENSE_WEIGHT=0.1" --variant "PAIRS=False"
                                                    # tuning: the even readers, with settings changed

Readers, windows and the on-topic rule are in bench/recsim (written down before any picks were read). Each
reader is a real account in a real SQLite database holding the whole hf_daily corpus with MiniLM embeddings;
paperboy's picks come from ``digest.personal.PoolRecommender`` (what /for-you, the digest and the personal
API use) over the papers featured in the reader's window. Baselines rank the same pool:

- bm25 MLT: bm25s (English stop words) over the pool's title + abstract, the query being the five library
  papers' title + abstract together; its reason names the library paper whose own text scores the pick best.
- trending: the pool's trending order (the digest's), with its "#N trending" reason.

precision@10 = on-topic picks among the first ten / 10 (a ranker that returns fewer than ten is not
excused). Reason accuracy = share of picks whose reason is true: a named library paper must share the pick's
topic, and a "trending" claim needs the pick in the pool's top 20 by trending.

A second judgment, "precision@10 (centroid)", counts picks among the pool's papers nearest in meaning to the
topic (``centroid_relevant``); it is reported beside the first, never instead of it. Readers are numbered;
the even ones are for choosing designs (``--half even``, ``--variant``), the odd ones are held out and
reported apart.
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bm25s  # noqa: E402
import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench.recsim.readers import Reader, build_readers  # noqa: E402
from bench.search.corpus import HF_DAILY, load_hf_daily  # noqa: E402

from paperboy.config import Settings  # noqa: E402
from paperboy.digest.build import Pool  # noqa: E402
from paperboy.digest.outbox import weights  # noqa: E402
from paperboy.digest.personal import PoolRecommender  # noqa: E402
from paperboy.store import digests  # noqa: E402
from paperboy.store import library as library_store  # noqa: E402
from paperboy.store.engine import create_engine  # noqa: E402
from paperboy.store.migrate import upgrade  # noqa: E402
from paperboy.store.schema import papers, users  # noqa: E402

OUT = ROOT / "bench" / "out"
K = 10
TRENDING_TOP = 20


def database(path: Path) -> sa.Engine:
    """The whole corpus loaded through paperboy's own ingest; kept between runs."""
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        loaded = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    if not loaded:
        from tests.conftest import load_hf_daily as ingest

        began = time.perf_counter()
        ingest(engine, HF_DAILY)
        print(f"loaded corpus in {time.perf_counter() - began:.0f} s", flush=True)
    return engine


def embed(engine: sa.Engine, paper_ids: list[int]) -> None:
    """MiniLM vectors for the papers the readers need, embedded and stored the way paperboy's embedding job
    does (same text, model and table; a whole-corpus pass takes an hour on a busy two-core machine, so only
    these papers); already embedded papers are skipped."""
    from paperboy.search import embed as models
    from paperboy.search.embedding_job import text_hash
    from paperboy.search.text import paper_text
    from paperboy.store import embeddings as store

    embedder = models.load("minilm", threads=2)
    with engine.connect() as conn:
        done = store.stored_hashes(conn, embedder.name, paper_ids)
    todo = [pid for pid in paper_ids if pid not in done]
    began = time.perf_counter()
    for start in range(0, len(todo), 128):
        with engine.connect() as conn:
            rows = store.index_rows(conn, todo[start : start + 128])
        texts = [paper_text(r.title, r.abstract) for r in rows]
        vectors = embedder.encode(texts, batch_size=32)
        with engine.begin() as conn:
            store.save_embeddings(
                conn,
                embedder.name,
                embedder.dim,
                [
                    (r.id, models.to_bytes(v), text_hash(t))
                    for r, v, t in zip(rows, vectors, texts, strict=True)
                ],
            )
        print(f"embedded {start + len(rows)}/{len(todo)} in {time.perf_counter() - began:.0f} s", flush=True)


def reader_account(engine: sa.Engine, reader: Reader, number: int) -> int:
    """A fresh account holding the reader's library as saved papers (earlier runs' accounts are replaced)."""
    name = f"bench-reader-{number}"
    with engine.begin() as conn:
        conn.execute(sa.delete(users).where(users.c.username == name))
        user_id = conn.execute(sa.insert(users).values(username=name).returning(users.c.id)).scalar_one()
        items = [(p.id, p.title) for p in reader.library]
        library_store.add_library_items(conn, user_id, "saved", items)
    return user_id


def judge(reader: Reader, pool: Pool, picks: list[tuple[int, str]]) -> tuple[float, float, int]:
    """(precision@10, reason accuracy, picks returned) for one ranker's (paper id, reason) picks."""
    relevant = 0
    true_reasons = 0
    for pid, reason in picks[:K]:
        paper = pool.by_id[pid].view.paper
        on_topic = reader.relevant(paper.title, paper.abstract)
        relevant += on_topic
        named = [p for p in reader.library if p.title[:40] in reason]
        named_ok = all(reader.topic_of(p.id).on_topic(paper.title, paper.abstract) for p in named)
        trending_ok = "trending" not in reason or pool.rank[pid] < TRENDING_TOP
        true_reasons += bool(named or "trending" in reason) and named_ok and trending_ok
    shown = min(len(picks), K)
    return relevant / K, (true_reasons / shown if shown else 1.0), shown


def bm25_mlt(reader: Reader, pool: Pool, allowed: list[int]) -> list[tuple[int, str]]:
    texts = [f"{pool.by_id[pid].view.paper.title} {pool.by_id[pid].view.paper.abstract}" for pid in allowed]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
    query = " ".join(f"{p.title} {p.abstract}" for p in reader.library)
    tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
    rows, _ = retriever.retrieve(tokens, k=min(K, len(allowed)), show_progress=False)
    known = retriever.vocab_dict
    singles = [
        retriever.get_scores([t for t in tokenized if t in known])
        for tokenized in bm25s.tokenize(
            [f"{p.title} {p.abstract}" for p in reader.library],
            stopwords="en",
            return_ids=False,
            show_progress=False,
        )
    ]
    picks = []
    for index in rows[0]:
        best = max(range(len(singles)), key=lambda i: singles[i][index])
        picks.append((allowed[int(index)], f"similar to “{reader.library[best].title}” in your library"))
    return picks


@dataclass
class Case:
    """One reader, ready to be ranked for: account, window pool, papers allowed (the library left out)."""

    number: int
    reader: Reader
    user_id: int
    pool: Pool
    now: datetime
    allowed: list[int]
    nearest: set[int]  # the second judgment's relevant papers (see ``centroid_relevant``)

    @property
    def kind(self) -> str:
        kind = "single-topic" if len(self.reader.topics) == 1 else "two-topic"
        return kind + (" even" if self.number % 2 == 0 else " odd")


def centroid_relevant(
    reader: Reader, pool: Pool, allowed: list[int], vectors: dict[int, np.ndarray]
) -> set[int]:
    """The second judgment, fixed before any picks were read: per topic, the MiniLM centroid of the pool's
    papers that the first rule calls on topic, and as relevant the same number of pool papers nearest that
    centroid (so the relevant set is as large as the first rule's, but chosen by meaning, not by words).

    Caveat: it favours rankers that use MiniLM vectors, as the first rule favours lexical ones; and the
    centroid starts from the first rule's papers, so it is a second opinion, not an independent one."""
    ids = [pid for pid in allowed if pid in vectors]
    if not ids:
        return set()
    matrix = np.stack([vectors[pid] for pid in ids])
    found: set[int] = set()
    for topic in reader.topics:
        on = [i for i, pid in enumerate(ids) if topic.on_topic(*_fields(pool, pid))]
        if not on:
            continue
        centroid = matrix[on].mean(axis=0)
        nearest = np.argsort(-(matrix @ centroid), kind="stable")[: len(on)]
        found.update(ids[int(i)] for i in nearest)
    return found


def _fields(pool: Pool, pid: int) -> tuple[str, str]:
    paper = pool.by_id[pid].view.paper
    return paper.title, paper.abstract


def prepare(engine: sa.Engine, settings: Settings, readers: list[Reader], half: str) -> list[Case]:
    cases = []
    for number, reader in enumerate(readers):
        if (half == "even" and number % 2) or (half == "odd" and number % 2 == 0):
            continue
        user_id = reader_account(engine, reader, number)
        now = datetime.combine(reader.end + timedelta(days=1), dtime(8), UTC)
        with engine.connect() as conn:
            pool = Pool(digests.candidates(conn, reader.start, reader.end), now, weights(settings))
            _model, blobs = digests.vectors(conn, list(pool.by_id))
        vectors = {pid: np.frombuffer(blob, dtype="<f4") for pid, blob in blobs.items()}
        library = {p.id for p in reader.library}
        allowed = [pid for pid, c in pool.by_id.items() if c.view.paper.arxiv_id not in library]
        nearest = centroid_relevant(reader, pool, allowed, vectors)
        cases.append(Case(number, reader, user_id, pool, now, allowed, nearest))
    return cases


def evaluate(
    engine: sa.Engine, settings: Settings, cases: list[Case], show: int
) -> dict[str, dict[str, list]]:
    """kind -> ranker -> per reader (precision@10, reason accuracy, picks, precision@10 by the centroid)."""
    table: dict[str, dict[str, list]] = {}
    for case in cases:
        reader, pool = case.reader, case.pool
        ours = PoolRecommender(engine, settings, pool, case.now)(case.user_id, set(), K)
        results = {
            "paperboy": [(p.paper_id, p.reason) for p in ours],
            "bm25 MLT": bm25_mlt(reader, pool, case.allowed),
            "trending": [(p.paper_id, p.reason) for p in pool.trending_picks(set(), K)],
        }
        for ranker, picks in results.items():
            second = sum(pid in case.nearest for pid, _ in picks[:K]) / K
            table.setdefault(case.kind, {}).setdefault(ranker, []).append(
                (*judge(reader, pool, picks), second)
            )
        if case.number < show:
            print(f"\n== {reader.name} ({reader.start}..{reader.end}, {len(pool)} papers)")
            for pid, reason in results["paperboy"]:
                paper = pool.by_id[pid].view.paper
                mark = "+" if reader.relevant(paper.title, paper.abstract) else "-"
                mark += "c" if pid in case.nearest else " "
                print(f"  {mark} {paper.title[:80]}\n      {reason}")
    return table


def report(table: dict[str, dict[str, list]]) -> None:
    print(
        "| readers | ranker | precision@10 | precision@10 (centroid) | reason accuracy | picks per reader |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    groups: dict[str, dict[str, list]] = {}
    for kind, rankers in sorted(table.items(), key=lambda item: item[0].split()[::-1]):
        for ranker, rows in rankers.items():
            groups.setdefault(kind, {}).setdefault(ranker, []).extend(rows)
    halves = {half: f"all {half}" for half in ("even", "odd") if any(k.endswith(half) for k in table)}
    for half, name in halves.items():
        for kind, rankers in table.items():
            for ranker, rows in rankers.items():
                if kind.endswith(half):
                    groups.setdefault(name, {}).setdefault(ranker, []).extend(rows)
    if len(halves) > 1:
        for rankers in table.values():
            for ranker, rows in rankers.items():
                groups.setdefault("all", {}).setdefault(ranker, []).extend(rows)
    for kind, rankers in groups.items():
        for ranker, rows in rankers.items():
            p, r, n, c = (statistics.mean(col) for col in zip(*rows, strict=True))
            print(f"| {kind} ({len(rows)}) | {ranker} | {p:.3f} | {c:.3f} | {r:.3f} | {n:.1f} |")


MODULES = (
    "paperboy.rank.keyword_evidence",
    "paperboy.rank.recommend",
    "paperboy.rank.interests",
    "paperboy.rank.diversity",
    "paperboy.digest.personal",
)


def variant(spec: str) -> dict[tuple[object, str], object]:
    """``NAME=VALUE,...`` -> (module, name) -> value, each name looked up in the recommender's modules."""
    import importlib

    found: dict[tuple[object, str], object] = {}
    for part in filter(None, spec.split(",")):
        name, _, raw = part.partition("=")
        module = next((m for m in map(importlib.import_module, MODULES) if hasattr(m, name.strip())), None)
        if module is None:
            raise SystemExit(f"no setting {name!r} in {', '.join(MODULES)}")
        found[(module, name.strip())] = ast.literal_eval(raw.strip())
    return found


def run(show: int, half: str, variants: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    engine = database(OUT / "recommend.db")
    settings = Settings()
    corpus = load_hf_daily()
    readers, skipped = build_readers(corpus)
    needed: dict[int, None] = {}
    with engine.connect() as conn:
        for reader in readers:
            needed.update(
                dict.fromkeys(c.view.paper_id for c in digests.candidates(conn, reader.start, reader.end))
            )
        ids = [p.id for r in readers for p in r.library]
        needed.update(
            dict.fromkeys(conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id.in_(ids))).scalars())
        )
    embed(engine, list(needed))
    cases = prepare(engine, settings, readers, half)
    print(
        f"{len(readers)} readers ({len(cases)} in this run, half: {half}); "
        f"skipped topics: {', '.join(skipped)}"
    )
    for spec in variants or [""]:
        changes = variant(spec)
        saved = {key: getattr(*key) for key in changes}
        for (module, name), value in changes.items():
            setattr(module, name, value)
        began = time.perf_counter()
        table = evaluate(engine, settings, cases, show)
        print(f"\n### variant: {spec or 'as shipped'} ({time.perf_counter() - began:.0f} s)")
        report(table)
        for (module, name), value in saved.items():
            setattr(module, name, value)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", type=int, default=0, help="print this many readers' picks and reasons")
    parser.add_argument(
        "--keyword-only", action="store_true", help="ignore stored embeddings: the TF-IDF + BM25 fallback"
    )
    parser.add_argument("--half", choices=("all", "even", "odd"), default="all", help="readers to run")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME=VALUE,...",
        help="run again with these recommender settings changed (repeatable; tuning on --half even)",
    )
    args = parser.parse_args()
    if args.keyword_only:
        import paperboy.digest.personal as personal

        personal.MIN_COVERAGE = 2.0  # no window is ever covered: the fresh-install keyword space
    run(args.show, args.half, args.variant)
