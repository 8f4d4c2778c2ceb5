"""``paperboy ingest …``: one sub-command per source, all checkpointed and safe to re-run or resume."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings
from paperboy.ingest import jobs
from paperboy.ingest.runner import IngestReport

ingest_app = typer.Typer(
    help="Load papers from Hugging Face, the arXiv API, OAI-PMH, listing feeds or snapshots. "
    "Each source resumes from its checkpoint; re-running never duplicates papers.",
    no_args_is_help=True,
)


def _finish(report: IngestReport) -> None:
    typer.echo(report.summary())
    for failure in report.failures[:20]:
        typer.secho(f"  rejected {failure.label}: {failure.reason}", err=True, fg="red")
    if report.failures:
        raise typer.Exit(1)


def _days(day: str | None, start: str | None, end: str | None, last: int | None) -> list[date]:
    try:
        if day:
            return [date.fromisoformat(day)]
        last_day = date.fromisoformat(end) if end else date.today()
        first_day = date.fromisoformat(start) if start else last_day - timedelta(days=(last or 1) - 1)
    except ValueError as exc:
        raise typer.BadParameter(f"dates must be YYYY-MM-DD: {exc}") from None
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


@ingest_app.command("hf")
def ingest_hf(
    day: Annotated[str | None, typer.Option("--date", help="One day, YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day of a range, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of a range (default today).")] = None,
    last: Annotated[int | None, typer.Option("--days", help="The last N days up to today.")] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="A folder of saved YYYY-MM-DD.json day files instead of the live API."),
    ] = None,
    restart: Annotated[bool, typer.Option(help="Ignore checkpoints and load every day again.")] = False,
) -> None:
    """Hugging Face daily papers, live (PAPERBOY_HF_ENDPOINT) or from saved day files."""
    if directory is not None:
        _finish(jobs.load_hf_directory(open_engine(), directory, restart))
        return
    days = _days(day, start, end, last)
    _finish(jobs.load_hf_api(open_engine(), get_settings(), days, restart))


@ingest_app.command("arxiv-api")
def ingest_arxiv_api(
    ids: Annotated[list[str] | None, typer.Argument(help="arXiv ids (2509.21268, hep-th/9901001).")] = None,
    query: Annotated[
        str | None, typer.Option(help="An arXiv search query, e.g. 'cat:cs.CL AND ti:retrieval'.")
    ] = None,
    max_results: Annotated[int, typer.Option(help="Stop a query after this many results.")] = 1000,
    restart: Annotated[bool, typer.Option(help="Start a query from the first result again.")] = False,
) -> None:
    """The arXiv API (Atom): metadata for ids, or every result of a query, paged politely."""
    if not ids and not query:
        raise typer.BadParameter("give arXiv ids or --query")
    settings, engine = get_settings(), open_engine()
    if ids:
        _finish(jobs.load_arxiv_ids(engine, settings, ids))
    if query:
        _finish(jobs.load_arxiv_query(engine, settings, query, max_results, restart))


@ingest_app.command("arxiv-metadata")
def ingest_arxiv_metadata(
    limit: Annotated[int, typer.Option(help="Most papers to ask arXiv about in this run.")] = 10_000,
    per_request: Annotated[
        int, typer.Option(min=1, max=100, help="Ids per arXiv API request (arXiv's page holds 100).")
    ] = 100,
) -> None:
    """arXiv categories, DOI and versions for papers imported from Hugging Face (which carry none), a
    hundred ids a request; resumes where the last run stopped. The worker does the same a little each tick."""
    settings, engine = get_settings(), open_engine()
    _finish(jobs.backfill_metadata(engine, settings, limit, per_request))


@ingest_app.command("arxiv-oai")
def ingest_arxiv_oai(
    start: Annotated[
        str | None, typer.Option("--from", help="Records changed on or after YYYY-MM-DD.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Records changed on or before YYYY-MM-DD.")] = None,
    set_spec: Annotated[
        str | None, typer.Option("--set", help="An OAI set, e.g. cs or physics:hep-th.")
    ] = None,
    prefix: Annotated[str, typer.Option(help="Metadata format: arXivRaw (versions) or arXiv.")] = "arXivRaw",
    restart: Annotated[bool, typer.Option(help="Ignore the saved resumption token.")] = False,
) -> None:
    """arXiv OAI-PMH ListRecords, following resumption tokens; deleted records mark papers withdrawn."""
    if prefix not in ("arXivRaw", "arXiv"):
        raise typer.BadParameter("prefix must be arXivRaw or arXiv")
    _finish(jobs.load_arxiv_oai(open_engine(), get_settings(), prefix, set_spec, start, until, restart))


@ingest_app.command("arxiv-rss")
def ingest_arxiv_rss(
    categories: Annotated[
        list[str], typer.Argument(help="Categories, e.g. cs.LG cs.CL (or archives like cs).")
    ],
    atom: Annotated[bool, typer.Option(help="Read the Atom listing feed instead of RSS.")] = False,
) -> None:
    """Today's arXiv announcements (new, cross-lists, replacements) from the listing feeds."""
    _finish(jobs.load_arxiv_listings(open_engine(), get_settings(), categories, atom))


@ingest_app.command("snapshot")
def ingest_snapshot(
    path: Annotated[
        Path,
        typer.Argument(help="arxiv-metadata-oai-snapshot.json, plain or gzip.", exists=True, dir_okay=False),
    ],
    batch_size: Annotated[int, typer.Option(help="Papers per transaction.")] = 5000,
    restart: Annotated[bool, typer.Option(help="Start from the first line again.")] = False,
) -> None:
    """The arXiv metadata snapshot (JSON lines), streamed in bounded memory and resumable by line."""
    engine = open_engine()
    start_line = jobs.snapshot_start_line(engine, path, restart)
    if start_line:
        typer.echo(f"resuming {path} at line {start_line + 1}")
    _finish(jobs.load_snapshot(engine, path, start_line, batch_size))
