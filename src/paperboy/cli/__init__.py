"""The ``paperboy`` command: every operation an operator needs, each with ``--help``.

One module per command group; every command opens the database through ``cli.engine.open_engine``.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from paperboy import __version__
from paperboy.cli.database import init, migrate, stats
from paperboy.cli.digest import digest_app
from paperboy.cli.images import images_app
from paperboy.cli.ingest import ingest_app
from paperboy.cli.orgs import orgs_app
from paperboy.cli.search import embed, reindex, search_command
from paperboy.cli.serve import demo, serve
from paperboy.cli.users import users_app
from paperboy.cli.worker import worker
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
app.add_typer(orgs_app, name="orgs")
app.add_typer(images_app, name="images")
app.command("embed")(embed)
app.command("reindex")(reindex)
app.command("search")(search_command)
app.command("worker")(worker)


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


for command in (init, migrate, serve, stats, demo):
    app.command()(command)


def run() -> None:
    """Entry point: operator errors print one clear line instead of a traceback."""
    try:
        app()
    except PaperboyError as exc:
        typer.secho(f"error: {exc}", err=True, fg="red")
        raise SystemExit(2) from None
