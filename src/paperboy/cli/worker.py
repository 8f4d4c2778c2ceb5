"""``paperboy worker``: the schedule as its own long-running process."""

from __future__ import annotations

from typing import Annotated

import typer

from paperboy.cli.engine import open_engine
from paperboy.config import get_settings


def worker(
    once: Annotated[bool, typer.Option(help="Run one schedule check and exit.")] = False,
) -> None:
    """Run the schedule: ingest after arXiv announces, queue and send digests; one leader at a time."""
    from paperboy.worker import Worker

    Worker(open_engine(), get_settings()).run(once=once)
