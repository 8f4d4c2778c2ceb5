"""``paperboy serve`` and ``paperboy demo``: run the site, or load real papers and then run it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default PAPERBOY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default PAPERBOY_PORT).")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes; use several with PostgreSQL.")] = 1,
    migrate_first: Annotated[bool, typer.Option("--migrate", help="Apply pending migrations first.")] = False,
    with_worker: Annotated[
        bool, typer.Option("--worker", help="Also run the schedule (ingest, digests) in this process.")
    ] = False,
) -> None:
    """Serve the site and the JSON API with uvicorn."""
    import uvicorn

    from paperboy.server import uvicorn_options

    settings = get_settings()
    engine = open_engine(migrate=migrate_first)
    if with_worker:
        from paperboy.worker import start_in_background

        start_in_background(engine, settings)
    from paperboy.ops.multiprocess import prepare

    prepare(workers)  # metrics of all workers in one scrape
    uvicorn.run(
        "paperboy.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        **uvicorn_options(settings),
    )


def demo(
    offline: Annotated[bool, typer.Option(help="Never try the live Hugging Face API.")] = False,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder of saved day files (default PAPERBOY_DEMO_DATA_DIR).")
    ] = None,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server when loaded.")
    ] = True,
) -> None:
    """Set up a database, load real papers (live last N days if online, else the saved days), and serve."""
    from paperboy.ingest.jobs import load_hf_api, load_hf_directory, online

    settings = get_settings()
    engine = open_engine(migrate=True)
    loaded = False
    if not offline and online(settings.hf_endpoint):
        today = date.today()
        days = [today - timedelta(days=n) for n in range(settings.demo_days)]
        report = load_hf_api(engine, settings, sorted(days))
        loaded = report.papers > 0
        typer.echo(f"loaded live: {report.summary()}")
    if not loaded:
        directory = data_dir or settings.demo_data_dir
        report = load_hf_directory(engine, directory.resolve())
        typer.echo(f"loaded offline from {directory}: {report.summary()}")
    if serve_after:
        typer.echo(f"serving on http://{settings.host}:{settings.port}")
        serve(host=None, port=None, workers=1, migrate_first=False, with_worker=False)
