"""``paperboy init``, ``migrate`` and ``stats``: the database's schema and what it holds."""

from __future__ import annotations

from typing import Annotated

import typer

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings


def init() -> None:
    """Create the database (if needed) and bring its schema up to date. Safe to run again."""
    from paperboy.store.migrate import head_revision, upgrade

    upgrade(open_engine(check_schema=False))
    typer.echo(f"database ready at schema {head_revision()}: {get_settings().database_url}")


def migrate(
    check: Annotated[bool, typer.Option(help="Only report whether migrations are pending.")] = False,
) -> None:
    """Apply pending schema migrations (the server refuses to start on an outdated schema)."""
    from paperboy.store.migrate import current_revision, head_revision, upgrade

    engine = open_engine(check_schema=False)
    current, head = current_revision(engine), head_revision()
    if check:
        typer.echo(
            f"schema {current or 'empty'}; code needs {head}: "
            + ("up to date" if current == head else "migrations pending")
        )
        raise typer.Exit(0 if current == head else 1)
    upgrade(engine)
    typer.echo(f"schema migrated from {current or 'empty'} to {head}")


def stats() -> None:
    """Counts of papers, feed entries, days, organizations and users, pictures, and recent ingest failures."""
    from paperboy.store.checkpoints import recent_failures
    from paperboy.store.feed import stats as store_stats
    from paperboy.store.images import counts as picture_counts

    with open_engine().connect() as conn:
        for key, value in store_stats(conn).items():
            typer.echo(f"{key:>14}: {value}")
        pictures = picture_counts(conn)
        typer.echo(
            f"{'pictures':>14}: {pictures['stored']} stored ({pictures['stored_bytes'] / 1e6:.1f} MB), "
            f"{pictures['failed']} failed, {pictures['refused']} refused, {pictures['untried']} not tried yet"
        )
        from paperboy.search.embed_pool import progress_lines  # embedding back-fill: done, rate, ETA

        for line in progress_lines(conn, get_settings().search_model):
            typer.echo(line)
        failures = recent_failures(conn, limit=10)
    if failures:
        typer.echo("recent ingest failures:")
        for row in failures:
            typer.echo(f"  {row['failed_at']}  {row['label']}: {row['reason'][:160]}")
