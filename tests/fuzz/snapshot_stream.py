"""Snapshot files with one bad line among real ones: the loader must keep every good record around it."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from paperboy.ingest.snapshot_load import read_snapshot
from paperboy.models import Batch, Failure
from tests.fuzz import seeds
from tests.fuzz.mutate import dumps, mutated_json

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SnapshotCase:
    good: list[bytes]
    bad: bytes
    at: int
    batch_size: int

    def check(self) -> None:
        lines = list(self.good)
        lines.insert(self.at, self.bad)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "snapshot.jsonl"
            path.write_bytes(b"\n".join(lines) + b"\n")
            results = list(read_snapshot(path, batch_size=self.batch_size))
        papers = [p.arxiv_id for r in results if isinstance(r, Batch) for p in r.papers]
        failures = [r for r in results if isinstance(r, Failure)]
        wanted = [seeds_id(line) for line in self.good]
        missing = [arxiv_id for arxiv_id in wanted if arxiv_id not in papers]
        assert not missing, f"good snapshot lines lost around a bad one: {missing}"
        assert len(failures) <= 1, [f.reason for f in failures]
        assert all(f.label.startswith(str(path)) for f in failures)


def seeds_id(line: bytes) -> str:
    return json.loads(line)["id"]


@st.composite
def snapshot_files(draw: st.DrawFn) -> SnapshotCase:
    good = [
        dumps(o) for o in draw(st.lists(st.sampled_from(seeds.snapshot_objects()), min_size=1, max_size=5))
    ]
    bad = draw(
        st.binary(min_size=1, max_size=200)
        | mutated_json(st.sampled_from(seeds.snapshot_objects())).map(dumps)
    )
    bad = bad.replace(b"\n", b" ").replace(b"\r", b" ")
    at = draw(st.integers(0, len(good)))
    if at == 0 and bad.startswith(GZIP_MAGIC):
        # A file that starts with the gzip magic is a gzip file; corrupt, it is refused whole and loudly.
        bad = b" " + bad
    return SnapshotCase(good, bad, at, draw(st.integers(1, 4)))
