"""The arXiv metadata snapshot (JSON lines, plain or gzip) in fixed-size batches with line checkpoints.

The full snapshot holds about 2.7 million papers; we never hold more than one batch of it in memory. A line
that cannot be read is reported on its own (file and line number) and the rest of its batch still lands; a
truncated file ends the run with a failure after everything before the damage has been stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from paperboy.errors import IngestError
from paperboy.ingest.snapshot import iter_snapshot_lines, parse_snapshot_line
from paperboy.models import Batch, Checkpoint, Failure, Paper

DEFAULT_BATCH = 5000


def snapshot_source(path: Path) -> str:
    return f"snapshot:{path.resolve()}"


def read_snapshot(
    path: Path, start_line: int = 0, batch_size: int = DEFAULT_BATCH
) -> Iterator[Batch | Failure]:
    source = snapshot_source(path)
    papers: list[Paper] = []
    next_line = start_line

    def batch() -> Batch:
        return Batch(
            label=f"{path}:{next_line}", papers=papers, checkpoint=Checkpoint(source, "line", str(next_line))
        )

    try:
        for line_no, raw in iter_snapshot_lines(path, start_line):
            next_line = line_no + 1
            try:
                papers.append(parse_snapshot_line(raw, f"{path}:{line_no + 1}"))
            except IngestError as exc:
                yield Failure(label=exc.label, reason=exc.reason)
            if len(papers) >= batch_size:
                yield batch()
                papers = []
    except IngestError as exc:
        if papers:
            yield batch()
        yield Failure(label=exc.label, reason=exc.reason)
        return
    if papers or next_line > start_line:
        yield batch()
