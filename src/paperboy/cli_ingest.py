"""``paperboy ingest …``: one sub-command per source, all checkpointed and safe to re-run or resume."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer

from paperboy.config import get_settings
from paperboy.ingest.runner import IngestReport, run

ingest_app = typer.Typer(
    help="Load papers from Hugging Face, the arXiv API, OAI-PMH, listing feeds or snapshots. "
    "Each source resumes from its checkpoint; re-running never duplicates papers.",
    no_args_is_help=True,
)


def _engine():  # type: ignore[no-untyped-def]
    from paperboy.store.engine import engine_for
    from paperboy.store.migrate import ensure_current

    engine = engine_for(get_settings().database_url)
    ensure_current(engine, auto_migrate=get_settings().auto_migrate)
    return engine


def _finish(report: IngestReport) -> None:
    typer.echo(report.summary())
    for failure in report.failures[:20]:
        typer.secho(f"  rejected {failure.label}: {failure.reason}", err=True, fg="red")
    if report.failures:
        raise typer.Exit(1)


def _checkpoints(engine, source: str, restart: bool) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from paperboy.store.ingest_sink import checkpoints

    return {} if restart else checkpoints(engine, source)


def online(endpoint: str) -> bool:
    """Whether the live API answers at all (the demo falls back to saved files when not)."""
    try:
        httpx.head(endpoint, timeout=3.0)
        return True
    except httpx.HTTPError:
        return False


def load_hf_directory(directory: Path, restart: bool = False) -> IngestReport:
    from paperboy.ingest import hf_daily

    engine = _engine()
    source = f"hf-dir:{directory.resolve()}"
    done = _checkpoints(engine, source, restart)
    files = hf_daily.day_files(directory)
    return run(
        engine,
        source,
        hf_daily.read_directory(files, source, done.__contains__),
        f"HF days from {directory.name}",
        total=None,
    )


def load_hf_api(days: Iterable[date], restart: bool = False) -> IngestReport:
    from paperboy.ingest import hf_daily
    from paperboy.ingest.clients import make_client

    settings, engine = get_settings(), _engine()
    source = f"hf-api:{settings.hf_endpoint}"
    done = _checkpoints(engine, source, restart)
    # Today's list keeps growing during the day: never skip it on the strength of a checkpoint.
    skip = {key for key in done if key != date.today().isoformat()}
    with make_client(settings) as client:
        return run(
            engine,
            source,
            hf_daily.fetch_days(client, settings.hf_endpoint, days, source, skip.__contains__),
            "HF daily papers",
        )


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
        _finish(load_hf_directory(directory, restart))
        return
    try:
        if day:
            days = [date.fromisoformat(day)]
        else:
            last_day = date.fromisoformat(end) if end else date.today()
            first_day = date.fromisoformat(start) if start else last_day - timedelta(days=(last or 1) - 1)
            days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    except ValueError as exc:
        raise typer.BadParameter(f"dates must be YYYY-MM-DD: {exc}") from None
    _finish(load_hf_api(days, restart))


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
    from paperboy.ingest.arxiv_fetch import fetch_ids, fetch_query
    from paperboy.ingest.clients import make_client

    if not ids and not query:
        raise typer.BadParameter("give arXiv ids or --query")
    settings, engine = get_settings(), _engine()
    with make_client(settings) as client:
        if ids:
            _finish(
                run(
                    engine,
                    "arxiv-api",
                    fetch_ids(client, settings.arxiv_api_url, ids, "arxiv-api"),
                    "arXiv ids",
                    total=len(ids),
                )
            )
        if query:
            done = _checkpoints(engine, "arxiv-api", restart)
            resume = int(done.get(query, 0))
            _finish(
                run(
                    engine,
                    "arxiv-api",
                    fetch_query(client, settings.arxiv_api_url, query, "arxiv-api", max_results, resume),
                    "arXiv query",
                    total=max_results,
                )
            )


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
    from paperboy.ingest.arxiv_fetch import fetch_oai, oai_source
    from paperboy.ingest.clients import make_client

    if prefix not in ("arXivRaw", "arXiv"):
        raise typer.BadParameter("prefix must be arXivRaw or arXiv")
    settings, engine = get_settings(), _engine()
    source = oai_source(prefix, set_spec, start, until)
    token = _checkpoints(engine, source, restart).get("resumption")
    with make_client(settings) as client:
        _finish(
            run(
                engine,
                source,
                fetch_oai(client, settings.arxiv_oai_url, prefix, set_spec, start, until, token),
                "arXiv OAI-PMH",
            )
        )


@ingest_app.command("arxiv-rss")
def ingest_arxiv_rss(
    categories: Annotated[
        list[str], typer.Argument(help="Categories, e.g. cs.LG cs.CL (or archives like cs).")
    ],
    atom: Annotated[bool, typer.Option(help="Read the Atom listing feed instead of RSS.")] = False,
) -> None:
    """Today's arXiv announcements (new, cross-lists, replacements) from the listing feeds."""
    from paperboy.ingest.arxiv_fetch import fetch_listings
    from paperboy.ingest.clients import make_client

    settings, engine = get_settings(), _engine()
    with make_client(settings) as client:
        _finish(
            run(
                engine,
                "arxiv-rss",
                fetch_listings(client, settings.arxiv_rss_url, categories, atom),
                "arXiv listings",
            )
        )


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
    from paperboy.ingest.snapshot_load import read_snapshot, snapshot_source

    engine = _engine()
    start_line = int(_checkpoints(engine, snapshot_source(path), restart).get("line", 0))
    if start_line:
        typer.echo(f"resuming {path} at line {start_line + 1}")
    _finish(
        run(
            engine,
            snapshot_source(path),
            read_snapshot(path, start_line, batch_size),
            f"snapshot {path.name}",
        )
    )
