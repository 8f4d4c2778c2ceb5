"""The ``paperboy`` command: every operation an operator needs, each with ``--help``."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from paperboy import __version__
from paperboy.cli_digest import digest_app, worker
from paperboy.cli_ingest import ingest_app
from paperboy.cli_search import register as register_search
from paperboy.cli_users import users_app
from paperboy.config import get_settings
from paperboy.errors import PaperboyError

app = typer.Typer(
    help="paperboy: a self-hostable research-paper discovery service.\n\n"
    "Settings come from PAPERBOY_* environment variables (see README); the database is "
    "PAPERBOY_DATABASE_URL (default sqlite:///paperboy.db).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(ingest_app, name="ingest")
app.add_typer(users_app, name="users")
app.add_typer(digest_app, name="digest")
register_search(app)  # embed, reindex, search
app.command("worker")(worker)


def _engine():  # type: ignore[no-untyped-def]
    from paperboy.store.engine import engine_for

    return engine_for(get_settings().database_url)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False,
) -> None:
    from paperboy.ops.logs import configure

    configure(get_settings().log_format, logging.DEBUG if verbose else logging.INFO)
    # Migration chatter is noise for an operator; `paperboy migrate` reports what it did itself.
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@app.command()
def init() -> None:
    """Create the database (if needed) and bring its schema up to date. Safe to run again."""
    from paperboy.store.migrate import head_revision, upgrade

    upgrade(_engine())
    typer.echo(f"database ready at schema {head_revision()}: {get_settings().database_url}")


@app.command()
def migrate(
    check: Annotated[bool, typer.Option(help="Only report whether migrations are pending.")] = False,
) -> None:
    """Apply pending schema migrations (the server refuses to start on an outdated schema)."""
    from paperboy.store.migrate import current_revision, head_revision, upgrade

    engine = _engine()
    current, head = current_revision(engine), head_revision()
    if check:
        typer.echo(
            f"schema {current or 'empty'}; code needs {head}: "
            + ("up to date" if current == head else "migrations pending")
        )
        raise typer.Exit(0 if current == head else 1)
    upgrade(engine)
    typer.echo(f"schema migrated from {current or 'empty'} to {head}")


@app.command()
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

    from paperboy.store.migrate import ensure_current

    settings = get_settings()
    ensure_current(_engine(), auto_migrate=migrate_first or settings.auto_migrate)
    if with_worker:
        from paperboy.worker import start_in_background

        start_in_background(_engine(), settings)
    from paperboy.ops.multiprocess import prepare

    prepare(workers)  # metrics of all workers in one scrape
    from paperboy.server import uvicorn_options

    uvicorn.run(
        "paperboy.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        **uvicorn_options(settings),
    )


@app.command()
def stats() -> None:
    """Counts of papers, feed entries, days, organizations and users, and recent ingest failures."""
    from paperboy.store.checkpoints import recent_failures
    from paperboy.store.feed import stats as store_stats

    with _engine().connect() as conn:
        for key, value in store_stats(conn).items():
            typer.echo(f"{key:>14}: {value}")
        from paperboy.search.embed_pool import progress_lines  # embedding back-fill: done, rate, ETA

        for line in progress_lines(conn, get_settings().search_model):
            typer.echo(line)
        failures = recent_failures(conn, limit=10)
    if failures:
        typer.echo("recent ingest failures:")
        for row in failures:
            typer.echo(f"  {row['failed_at']}  {row['label']}: {row['reason'][:160]}")


@app.command()
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
    from paperboy.cli_ingest import load_hf_api, load_hf_directory, online
    from paperboy.store.migrate import upgrade

    settings = get_settings()
    upgrade(_engine())
    loaded = False
    if not offline and online(settings.hf_endpoint):
        today = date.today()
        days = [today - timedelta(days=n) for n in range(settings.demo_days)]
        report = load_hf_api(sorted(days))
        loaded = report.papers > 0
        typer.echo(f"loaded live: {report.summary()}")
    if not loaded:
        directory = data_dir or settings.demo_data_dir
        report = load_hf_directory(directory.resolve())
        typer.echo(f"loaded offline from {directory}: {report.summary()}")
    if serve_after:
        typer.echo(f"serving on http://{settings.host}:{settings.port}")
        serve(host=None, port=None, workers=1, migrate_first=False, with_worker=False)


def run() -> None:
    """Entry point: operator errors print one clear line instead of a traceback."""
    try:
        app()
    except PaperboyError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise SystemExit(2) from None
