"""``paperboy embed``, ``paperboy reindex`` and ``paperboy search``: what an operator needs for search."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings


def _service(background: bool = False):  # type: ignore[no-untyped-def]
    from paperboy.search.service import SearchService

    return SearchService(open_engine(), get_settings(), background=background)


def embed(
    limit: Annotated[
        int | None, typer.Option(help="Stop after this many papers (default: all pending).")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Texts per model call.")] = 32,
    watch: Annotated[
        bool, typer.Option(help="Keep running: embed new papers as they arrive (a dedicated embedder).")
    ] = False,
    similar: Annotated[
        bool,
        typer.Option(help="Then store the similar papers of every embedded paper that has none yet."),
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Embedder processes, one torch thread each (one per core); embedders on other hosts "
            "share the same queue.",
        ),
    ] = 1,
) -> None:
    """Compute embeddings for papers that have none (or whose text changed), with a progress bar.

    Resumable: each batch commits, and a new run skips papers already embedded. The model is
    PAPERBOY_SEARCH_MODEL; running servers pick up new vectors by themselves. Similar papers are then
    stored for every embedded paper without them, so paper pages read them instead of computing them.
    """
    from datetime import timedelta

    from paperboy.search import embed as models
    from paperboy.search.embedding_job import EmbedJob

    settings = get_settings()
    if workers > 1:
        _embed_in_processes(workers, batch_size, limit, watch, similar)
        return
    try:
        embedder = models.load(settings.search_model, os.cpu_count(), settings.search_runtime)
    except models.ModelUnavailable as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from None
    lease = timedelta(seconds=settings.embed_lease_seconds)
    job = EmbedJob(open_engine(), embedder, batch_size=batch_size, lease=lease)
    while True:
        report = _embed_once(job, limit)
        typer.echo(
            f"{report.embedded:,} papers embedded with {embedder.name} ({report.checked:,} checked) "
            f"in {report.seconds:.1f} s"
        )
        if similar:
            _store_similar()
        if not watch:
            return
        time.sleep(settings.search_refresh_seconds * 5)


def _embed_in_processes(workers: int, batch_size: int, limit: int | None, watch: bool, similar: bool) -> None:
    """``--workers N``: N embedder processes sharing the database's queue (``search.embed_pool``)."""
    from paperboy.search.embed_pool import run_with_progress

    began = time.perf_counter()
    failed = run_with_progress(get_settings(), workers, batch_size, limit, watch)
    typer.echo(f"{workers} embedder processes finished in {time.perf_counter() - began:.1f} s")
    if failed:
        typer.secho(f"error: {failed} embedder processes failed (see above)", err=True, fg="red")
        raise typer.Exit(1)
    if similar:
        _store_similar()


def _embed_once(job, limit: int | None):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"))
    with Progress(*columns, TimeRemainingColumn()) as bar:
        task = bar.add_task("embed", total=None, rate="")
        began = time.perf_counter()

        def progress(checked: int, total: int, embedded: int) -> None:
            rate = embedded / max(time.perf_counter() - began, 1e-9)
            bar.update(task, completed=checked, total=total, rate=f"{embedded:,} new, {rate:.1f}/s")

        return job.run(limit=limit, progress=progress, wait=True)


def _store_similar() -> None:
    from paperboy.search.similar_papers import Reasons, refresh_pass

    service = _service()
    service.warm_up()
    began, stored = time.perf_counter(), 0
    reasons = Reasons(service)
    while done := refresh_pass(service, 500, reasons=reasons):
        stored += done
        typer.echo(
            f"similar papers stored for {stored:,} papers ({stored / (time.perf_counter() - began):.0f}/s)"
        )
    service.close()


def reindex(
    keyword: Annotated[bool, typer.Option(help="Rebuild the keyword (tantivy) index.")] = True,
    vectors: Annotated[bool, typer.Option(help="Rebuild the vector (faiss) snapshot.")] = True,
) -> None:
    """Rebuild the search indexes from the database (they are derived data; nothing is lost).

    Needs the index writer lock: stop the server (or run it on another index directory) first. Readers keep
    answering from the old index until the new one is committed in one step.
    """
    service = _service()
    if not service.lock.try_acquire():
        typer.secho(
            f"error: another process writes {service.dir} (a running server?); stop it and run again",
            err=True,
            fg="red",
        )
        raise typer.Exit(2)
    try:
        if keyword:
            began = time.perf_counter()
            count = service.keyword_sync.rebuild()
            typer.echo(
                f"keyword index: {count:,} papers in {time.perf_counter() - began:.1f} s ({service.dir})"
            )
        if vectors and service.model is not None:
            began = time.perf_counter()
            rebuilt = service.rebuild_vectors()
            if rebuilt is not None:
                typer.echo(
                    f"vector index: {len(rebuilt):,} {service.model} vectors "
                    f"({rebuilt.kind}) in {time.perf_counter() - began:.1f} s"
                )
            else:
                typer.echo(f"vector index: no {service.model} embeddings yet (run `paperboy embed`)")
    finally:
        service.close()


def search_command(
    query: Annotated[str, typer.Argument(help="What to look for, e.g. '\"chain of thought\" author:wei'.")],
    mode: Annotated[str, typer.Option(help="hybrid, keyword or semantic.")] = "hybrid",
    sort: Annotated[
        str, typer.Option(help="relevance, date or upvotes (most upvoted; 'trending' is its older name).")
    ] = "relevance",
    limit: Annotated[int, typer.Option(help="Results to show.")] = 10,
) -> None:
    """Search from the command line, exactly as the site does (index must exist: run `paperboy reindex`)."""
    from paperboy.search.searcher import MODES, SORTS, canonical_sort, search

    if mode not in MODES or canonical_sort(sort) not in SORTS:
        raise typer.BadParameter(f"mode is one of {MODES}, sort one of {SORTS}")
    service = _service()
    try:
        began = time.perf_counter()
        page = search(service, query, mode=mode, sort=sort, limit=limit)
        took = (time.perf_counter() - began) * 1000
        typer.echo(
            f"{page.total:,} papers ({page.mode}, {took:.0f} ms)" + (f" — {page.note}" if page.note else "")
        )
        for number, hit in enumerate(page.hits, start=1):
            paper = hit.view.paper
            typer.echo(f"{number:>3}. {paper.arxiv_id:<16} {paper.title[:90]}")
    finally:
        service.close()
