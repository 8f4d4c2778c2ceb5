"""Progress for long ingests: a rich bar (count, rate, ETA) on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time
from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

log = logging.getLogger("paperboy.ingest")


class IngestProgress:
    """Counts papers; ``total`` may be unknown (a stream), in which case no ETA is shown."""

    def __init__(
        self,
        description: str,
        total: int | None = None,
        interactive: bool | None = None,
        log_every: float = 10.0,
    ) -> None:
        self.description = description
        self.total = total
        self.interactive = sys.stderr.isatty() if interactive is None else interactive
        self.log_every = log_every
        self.count = 0
        self._started = time.monotonic()
        self._last_log = self._started
        self._progress: Progress | None = None
        self._task = None

    def __enter__(self) -> IngestProgress:
        if self.interactive:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>9} papers/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(self.description, total=self.total, rate="-")
        return self

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self._started
        return self.count / elapsed if elapsed > 0 else 0.0

    def advance(self, papers: int, note: str = "") -> None:
        self.count += papers
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=papers, rate=f"{self.rate:,.0f}")
            return
        now = time.monotonic()
        if now - self._last_log >= self.log_every:
            self._last_log = now
            total = f"/{self.total:,}" if self.total else ""
            log.info(
                "%s: %s%s papers, %.0f papers/s %s",
                self.description,
                f"{self.count:,}",
                total,
                self.rate,
                note,
            )

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(exc_type, exc, tb)
        log.info(
            "%s: done, %s papers in %.1fs (%.0f papers/s)",
            self.description,
            f"{self.count:,}",
            time.monotonic() - self._started,
            self.rate,
        )
