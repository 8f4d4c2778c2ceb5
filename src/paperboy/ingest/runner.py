"""Drives any source's batches into the store, one transaction per batch, and keeps going past bad ones.

A bad batch (malformed file, upstream error) is recorded with its label and reason and the run continues; the
caller learns of every failure in the report and the CLI exits non-zero, so nothing fails silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from paperboy.ingest.progress import IngestProgress
from paperboy.models import Batch, Failure
from paperboy.store.ingest_sink import commit_batch, commit_failure

log = logging.getLogger("paperboy.ingest")


@dataclass
class IngestReport:
    source: str
    batches: int = 0
    papers: int = 0
    entries: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        text = f"{self.source}: {self.batches} batches, {self.papers} papers, {self.entries} feed entries"
        if self.failures:
            text += f", {len(self.failures)} failed"
        return text


def run(
    engine: Engine,
    source: str,
    items: Iterable[Batch | Failure],
    description: str,
    total: int | None = None,
    interactive: bool | None = None,
) -> IngestReport:
    report = IngestReport(source=source)
    with IngestProgress(description, total=total, interactive=interactive) as progress:
        for item in items:
            if isinstance(item, Failure):
                log.error("rejected %s: %s", item.label, item.reason)
                commit_failure(engine, source, item)
                report.failures.append(item)
                continue
            commit_batch(engine, item)
            report.batches += 1
            report.papers += len(item.papers)
            report.entries += len(item.entries)
            progress.advance(len(item.papers))
    return report
