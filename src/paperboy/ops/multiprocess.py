"""Metrics across ``paperboy serve --workers N``: prometheus-client's multiprocess mode.

uvicorn runs N worker processes on one socket, so a scrape reaches whichever worker accepts it; scraping
"each worker" is not possible. Instead every worker writes its metrics to memory-mapped files in one
folder (``PROMETHEUS_MULTIPROC_DIR``) and the worker that answers ``/metrics`` adds all of them up.
``paperboy serve`` sets this up by itself when it starts more than one worker: it uses the folder the
operator named in ``PROMETHEUS_MULTIPROC_DIR``, else a fresh temporary one, and empties it at start (the
client's rule: values of a previous run must not be added to this one's). A worker that exits cleanly takes
its gauges with it (one killed outright leaves its last values until the next start); the counters of
exited workers keep counting, as counters should.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

ENV = "PROMETHEUS_MULTIPROC_DIR"


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def prepare(workers: int) -> None:
    """Before uvicorn starts ``workers`` processes: give them one empty folder to share (inherited env)."""
    if workers <= 1 and not enabled():
        return
    folder = os.environ.get(ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
        return
    folder = tempfile.mkdtemp(prefix="paperboy-metrics-")
    os.environ[ENV] = folder
    atexit.register(shutil.rmtree, folder, True)


def process_exiting() -> None:
    """A worker shutting down: its live gauges (queue depth, index refresh time) stop counting."""
    if enabled():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
