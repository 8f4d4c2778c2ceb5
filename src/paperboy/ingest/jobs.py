"""Ingest jobs: one function per source that wires a fetcher to the runner with its checkpoints.

The command line and the worker both call these with the engine and settings they hold, so a job never
opens its own database or reads the process environment behind its caller's back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.ingest.clients import make_client
from paperboy.ingest.runner import IngestReport, run
from paperboy.store.ingest_sink import checkpoints


def saved_checkpoints(engine: Engine, source: str, restart: bool) -> dict[str, str]:
    """Where ``source`` stopped last time, or nothing when the operator asked to start over."""
    return {} if restart else checkpoints(engine, source)


def online(endpoint: str) -> bool:
    """Whether the live API answers at all (the demo falls back to saved files when not)."""
    try:
        httpx.head(endpoint, timeout=3.0)
        return True
    except httpx.HTTPError:
        return False


def load_hf_directory(engine: Engine, directory: Path, restart: bool = False) -> IngestReport:
    """Saved Hugging Face day files; a file already loaded is skipped unless ``restart``."""
    from paperboy.ingest import hf_daily

    source = f"hf-dir:{directory.resolve()}"
    done = saved_checkpoints(engine, source, restart)
    files = hf_daily.day_files(directory)
    return run(
        engine,
        source,
        hf_daily.read_directory(files, source, done.__contains__),
        f"HF days from {directory.name}",
        total=None,
    )


def load_hf_api(
    engine: Engine,
    settings: Settings,
    days: Iterable[date],
    restart: bool = False,
    interactive: bool | None = None,
) -> IngestReport:
    """The live Hugging Face daily papers of ``days`` (PAPERBOY_HF_ENDPOINT)."""
    from paperboy.ingest import hf_daily

    source = f"hf-api:{settings.hf_endpoint}"
    done = saved_checkpoints(engine, source, restart)
    # Today's list keeps growing during the day: never skip it on the strength of a checkpoint.
    skip = {key for key in done if key != date.today().isoformat()}
    with make_client(settings) as client:
        return run(
            engine,
            source,
            hf_daily.fetch_days(client, settings.hf_endpoint, days, source, skip.__contains__),
            "HF daily papers",
            interactive=interactive,
        )


def load_arxiv_ids(engine: Engine, settings: Settings, ids: list[str]) -> IngestReport:
    """Metadata for the given arXiv ids from the arXiv API."""
    from paperboy.ingest.arxiv_fetch import fetch_ids

    with make_client(settings) as client:
        return run(
            engine,
            "arxiv-api",
            fetch_ids(client, settings.arxiv_api_url, ids, "arxiv-api"),
            "arXiv ids",
            total=len(ids),
        )


def backfill_metadata(engine: Engine, settings: Settings, limit: int, per_request: int = 100) -> IngestReport:
    """arXiv categories and metadata for up to ``limit`` papers imported from Hugging Face (one pass)."""
    from paperboy.ingest.metadata_backfill import backfill

    with make_client(settings) as client:
        return backfill(engine, client, settings.arxiv_api_url, limit, per_request)


def load_arxiv_query(
    engine: Engine, settings: Settings, query: str, max_results: int, restart: bool = False
) -> IngestReport:
    """Every result of an arXiv API query, resuming at the saved offset."""
    from paperboy.ingest.arxiv_fetch import fetch_query

    resume = int(saved_checkpoints(engine, "arxiv-api", restart).get(query, 0))
    with make_client(settings) as client:
        return run(
            engine,
            "arxiv-api",
            fetch_query(client, settings.arxiv_api_url, query, "arxiv-api", max_results, resume),
            "arXiv query",
            total=max_results,
        )


def load_arxiv_oai(
    engine: Engine,
    settings: Settings,
    prefix: str,
    set_spec: str | None,
    start: str | None,
    until: str | None,
    restart: bool = False,
    interactive: bool | None = None,
) -> IngestReport:
    """OAI-PMH ListRecords, resuming from the saved resumption token unless ``restart``."""
    from paperboy.ingest.arxiv_fetch import fetch_oai, oai_source

    source = oai_source(prefix, set_spec, start, until)
    token = saved_checkpoints(engine, source, restart).get("resumption")
    with make_client(settings) as client:
        return run(
            engine,
            source,
            fetch_oai(client, settings.arxiv_oai_url, prefix, set_spec, start, until, token),
            "arXiv OAI-PMH",
            interactive=interactive,
        )


def load_arxiv_listings(
    engine: Engine, settings: Settings, categories: list[str], atom: bool = False
) -> IngestReport:
    """Today's announcements of ``categories`` from the RSS (or Atom) listing feeds."""
    from paperboy.ingest.arxiv_fetch import fetch_listings

    with make_client(settings) as client:
        return run(
            engine,
            "arxiv-rss",
            fetch_listings(client, settings.arxiv_rss_url, categories, atom),
            "arXiv listings",
        )


def snapshot_start_line(engine: Engine, path: Path, restart: bool = False) -> int:
    """The line of the snapshot after the last committed batch (0 for a new or restarted load)."""
    from paperboy.ingest.snapshot_load import snapshot_source

    return int(saved_checkpoints(engine, snapshot_source(path), restart).get("line", 0))


def load_snapshot(engine: Engine, path: Path, start_line: int, batch_size: int) -> IngestReport:
    """The arXiv metadata snapshot from ``start_line`` on, ``batch_size`` papers per transaction."""
    from paperboy.ingest.snapshot_load import read_snapshot, snapshot_source

    return run(
        engine,
        snapshot_source(path),
        read_snapshot(path, start_line, batch_size),
        f"snapshot {path.name}",
    )
