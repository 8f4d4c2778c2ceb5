"""The arXiv metadata snapshot (JSON lines, plain or gzip) in fixed-size batches with line checkpoints.

The full snapshot holds about 2.7 million papers; we never hold more than one batch of it in memory. A line
that cannot be read is reported on its own (file and line number) and the rest of its batch still lands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from paperboy.errors import IngestError
from paperboy.ingest.snapshot import iter_snapshot_lines, parse_snapshot_record
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
    for line_no, raw in iter_snapshot_lines(path, start_line):
        next_line = line_no + 1
        label = f"{path}:{line_no + 1}"
        if raw.strip():
            try:
                obj = json.loads(raw)
                if not isinstance(obj, dict):
                    raise IngestError(label, f"expected a JSON object, got {type(obj).__name__}")
                papers.append(parse_snapshot_record(obj, label))
            except json.JSONDecodeError as exc:
                yield Failure(label=label, reason=f"malformed JSON: {exc}")
            except IngestError as exc:
                yield Failure(label=label, reason=exc.reason)
        if len(papers) >= batch_size:
            yield Batch(label=label, papers=papers, checkpoint=Checkpoint(source, "line", str(next_line)))
            papers = []
    if papers or next_line > start_line:
        yield Batch(
            label=f"{path}:{next_line}", papers=papers, checkpoint=Checkpoint(source, "line", str(next_line))
        )
