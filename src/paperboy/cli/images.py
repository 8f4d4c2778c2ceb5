"""``paperboy images fetch``: copy thumbnails and avatars to our own origin (the worker does it too)."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings

images_app = typer.Typer(
    help="Copies of paper thumbnails and organization and user avatars, served from this site so a reader's "
    "browser never asks another one.",
    no_args_is_help=True,
)


@images_app.command("fetch")
def fetch(
    limit: Annotated[int, typer.Option(min=1, help="Pictures to try at most in this run.")] = 1000,
    retry_failed: Annotated[
        bool, typer.Option(help="Try failed pictures again now instead of when their retry is due.")
    ] = False,
) -> None:
    """Fetch pictures not stored yet (avatars first, then thumbnails, newest first), resize and store them.

    Safe to stop and run again: each batch is committed, and the next run continues with what is missing.
    Pages show initials or a placeholder for a picture until it is stored. `paperboy stats` counts them.
    """
    from paperboy.media.fetch import fetch_images

    settings = get_settings()
    engine = open_engine()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per picture is noise; failures are counted
    if sys.stderr.isatty():
        with Progress(
            TextColumn("[bold]pictures"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        ) as bar:
            task = bar.add_task("pictures", total=None)
            report = fetch_images(
                engine,
                settings,
                limit,
                retry_failed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    else:
        report = fetch_images(engine, settings, limit, retry_failed)
    typer.echo(f"pictures: {report.summary()}" if report.tried else "pictures: nothing to fetch")
