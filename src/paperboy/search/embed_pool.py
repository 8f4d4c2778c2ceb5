"""Several embedder processes on one host (``paperboy embed --workers N``), and the progress they report.

Parallelism is the lever for a back-fill: one process per core, each with its own model and one torch
thread, all taking batches from the database's shared queue (``store.embedding_queue``). The same queue
serves embedders on other hosts, so ``paperboy embed --workers N`` on several machines splits one back-fill.
Processes are spawned, not forked: each loads its own model, and nothing of the parent's engine or torch
state is shared.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np
from sqlalchemy.engine import Connection

from paperboy.config import Settings
from paperboy.search import embed
from paperboy.store import embedding_queue as queue


@dataclass(frozen=True)
class PoolJob:
    """What each embedder process needs (picklable: it crosses into spawned processes)."""

    database_url: str
    model_spec: str
    batch_size: int
    lease_seconds: float
    limit: int | None
    watch_seconds: float | None  # keep embedding new papers, checking this often; None: stop when empty
    runtime: embed.Runtime = "onnx"


class LazyEmbedder:
    """The model, loaded on the first batch that needs a new vector: most claimed papers after an ingest
    already have theirs (the overlap re-check), and N processes need not load N models to find that out."""

    def __init__(self, spec: str, runtime: embed.Runtime = "onnx") -> None:
        name = embed.model_name(spec)
        if name is None:
            raise embed.ModelUnavailable("semantic search is off (PAPERBOY_SEARCH_MODEL=none)")
        self.spec, self.name, self.runtime = spec, name, runtime
        self._model: embed.Embedder | None = None

    @property
    def model(self) -> embed.Embedder:
        if self._model is None:
            self._model = embed.load(self.spec, threads=1, runtime=self.runtime)
        return self._model

    @property
    def dim(self) -> int:
        return self.model.dim

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self.model.encode(texts, batch_size=batch_size)


def work(job: PoolJob) -> int:
    """One embedder process: its own engine and model on one thread; returns the papers it embedded."""
    from paperboy.search.embedding_job import EmbedJob
    from paperboy.store.engine import create_engine

    engine = create_engine(job.database_url, pool_size=2)
    lease = timedelta(seconds=job.lease_seconds)
    runner = EmbedJob(engine, LazyEmbedder(job.model_spec, job.runtime), job.batch_size, lease)
    embedded = 0
    try:
        while True:
            remaining = None if job.limit is None else job.limit - embedded
            embedded += runner.run(limit=remaining, fill=job.watch_seconds is not None, wait=True).embedded
            if job.watch_seconds is None or job.limit is not None and embedded >= job.limit:
                return embedded
            time.sleep(job.watch_seconds)
    finally:
        engine.dispose()


def run_pool(
    job: PoolJob,
    workers: int,
    progress: Callable[[queue.Progress], None] | None = None,
    poll_seconds: float = 1.0,
) -> int:
    """Run ``workers`` embedder processes until they finish; ``progress`` every ``poll_seconds``.

    Returns how many failed (a failed process's claimed papers return to the queue after its lease).
    """
    from paperboy.search.embedding_job import enqueue
    from paperboy.store.engine import create_engine

    model = embed.model_name(job.model_spec)
    engine = create_engine(job.database_url, pool_size=1)
    try:
        waiting = enqueue(engine, model) if model is not None else 0  # once here, for all processes
        if waiting == 0 and job.watch_seconds is None:
            return 0  # nothing to embed: no need to load N models
        context = multiprocessing.get_context("spawn")
        each = None if job.limit is None else -(-job.limit // workers)
        share = replace(job, limit=each)
        processes = [
            context.Process(target=work, args=(share,), name=f"embedder-{n}") for n in range(workers)
        ]
        for process in processes:
            process.start()
        while any(process.is_alive() for process in processes):
            if progress is not None and model is not None:
                with engine.connect() as conn:
                    progress(queue.progress(conn, model))
            for process in processes:
                process.join(timeout=poll_seconds / workers)
        return sum(1 for process in processes if process.exitcode != 0)
    finally:
        engine.dispose()


def run_with_progress(
    settings: Settings, workers: int, batch_size: int, limit: int | None, watch: bool
) -> int:
    """``paperboy embed --workers N``: the pool with a progress bar read from the database (off with
    ``watch``, which never ends); returns how many processes failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    job = PoolJob(
        settings.database_url,
        settings.search_model,
        batch_size,
        settings.embed_lease_seconds,
        limit,
        settings.search_refresh_seconds * 5 if watch else None,
        settings.search_runtime,
    )
    columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"))
    began = time.perf_counter()
    with Progress(*columns, TimeRemainingColumn(), disable=watch) as bar:
        task = bar.add_task("embed", total=None, rate="")
        start: dict[str, int] = {}

        def progress(state: queue.Progress) -> None:
            done = state.embedded - start.setdefault("embedded", state.embedded)
            rate = done / max(time.perf_counter() - began, 1e-9)
            text = f"{done:,} new, {rate:.1f}/s, {workers} processes"
            bar.update(task, completed=done, total=done + state.waiting, rate=text)

        return run_pool(job, workers, progress)


def progress_lines(conn: Connection, model_spec: str) -> list[str]:
    """Lines for ``paperboy stats``: per model, vectors stored, papers waiting, embedders, rate, ETA."""

    try:
        configured = embed.model_name(model_spec)
    except ValueError:
        configured = None
    lines = []
    for model in dict.fromkeys(([configured] if configured else []) + queue.models_on_record(conn)):
        state = queue.progress(conn, model)
        eta = state.eta_seconds
        when = "" if eta is None else f", ETA {timedelta(seconds=round(eta))}"
        lines.append(
            f"embeddings [{model}]: {state.embedded:,} done, {state.waiting:,} waiting, "
            f"{state.active} embedder(s) at {state.rate:.1f}/s{when}"
        )
    return lines
