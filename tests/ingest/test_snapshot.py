"""The arXiv metadata snapshot (JSON lines): real first 200 lines, plain and gzip, resuming, and speed."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperboy.errors import IngestError
from paperboy.ingest import snapshot
from paperboy.ingest.snapshot import iter_snapshot_lines, parse_snapshot_line, parse_snapshot_record
from paperboy.models import Paper
from tests.conftest_data import ARXIV_SNAPSHOT


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    return [json.loads(line) for line in ARXIV_SNAPSHOT.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def papers(objects: list[dict]) -> dict[str, Paper]:
    return {o["id"]: parse_snapshot_record(o, f"{ARXIV_SNAPSHOT}:{n + 1}") for n, o in enumerate(objects)}


def test_first_record_of_the_snapshot(papers: dict[str, Paper]) -> None:
    paper = papers["0704.0001"]
    assert (
        paper.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert paper.abstract.startswith(
        "A fully differential calculation in perturbative quantum chromodynamics is"
    )
    assert "\n" not in paper.abstract and paper.abstract.endswith("judicious selection of events.")
    assert [a.name for a in paper.authors] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert paper.version == 2
    assert paper.submitted_at == datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert paper.updated_at == datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)
    assert paper.doi == "10.1103/PhysRevD.76.013009"
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert paper.comments == "37 pages, 15 figures; published version"
    assert paper.categories == ["hep-ph"] and paper.primary_category == "hep-ph"
    assert paper.license is None  # null in the snapshot: "not said", never ""


def test_categories_license_suffix_and_affiliations(papers: dict[str, Paper]) -> None:
    sparsity = papers["0704.0002"]
    assert sparsity.categories == ["math.CO", "cs.CG"] and sparsity.primary_category == "math.CO"
    assert sparsity.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert [a.name for a in sparsity.authors] == ["Ileana Streinu", "Louis Theran"]
    assert "Neal J. Evans II" in [a.name for a in papers["0704.0009"].authors]
    gyro = papers["0704.0044"]
    assert gyro.version == 4
    assert [(a.name, a.affiliation) for a in gyro.authors[:2]] == [
        ("A. A. Schekochihin", "Oxford"),
        ("S. C. Cowley", "Culham"),
    ]
    [iliev] = papers["0704.0066"].authors
    assert iliev.affiliation == (
        "Institute for Nuclear Research and Nuclear Energy, Bulgarian Academy of Sciences, Sofia, Bulgaria"
    )


def test_every_real_line_gives_a_clean_paper(papers: dict[str, Paper]) -> None:
    assert len(papers) == 200
    for paper in papers.values():
        assert paper.version and paper.submitted_at and paper.updated_at
        assert paper.submitted_at <= paper.updated_at and paper.submitted_at.tzinfo == UTC
        assert "\n" not in paper.title and "  " not in paper.abstract
        assert paper.primary_category == paper.categories[0]
        assert paper.authors and all(a.name and "\\" not in a.name for a in paper.authors)


def test_authors_string_is_the_fallback(objects: list[dict]) -> None:
    obj = dict(objects[0], authors_parsed=None)
    names = [a.name for a in parse_snapshot_record(obj).authors]
    assert names == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"]


@pytest.mark.parametrize("missing", ["id", "title"])
def test_record_without_id_or_title_names_the_line(objects: list[dict], missing: str) -> None:
    obj = dict(objects[0], **{missing: None})
    with pytest.raises(IngestError) as info:
        parse_snapshot_record(obj, "arxiv-metadata-oai-snapshot.json:12")
    assert info.value.label == "arxiv-metadata-oai-snapshot.json:12"
    assert missing in info.value.reason


def test_malformed_json_line_names_the_line() -> None:
    with pytest.raises(IngestError) as info:
        parse_snapshot_line(b'{"id": "0704.0001", "title": ', "snap.json:7")
    assert info.value.label == "snap.json:7"
    assert (
        parse_snapshot_line(ARXIV_SNAPSHOT.read_bytes().splitlines()[1], "snap.json:2").arxiv_id
        == "0704.0002"
    )


@pytest.fixture
def gzip_copy(tmp_path: Path) -> Path:
    """The real sample gzipped under a misleading name: detection must go by magic bytes."""
    target = tmp_path / "snapshot.jsonl"
    target.write_bytes(gzip.compress(ARXIV_SNAPSHOT.read_bytes()))
    return target


def test_plain_and_gzip_give_the_same_lines_and_records(gzip_copy: Path) -> None:
    plain = list(iter_snapshot_lines(ARXIV_SNAPSHOT))
    zipped = list(iter_snapshot_lines(gzip_copy))
    assert len(plain) == 200
    assert plain == zipped
    assert plain[0][0] == 0 and json.loads(plain[0][1])["id"] == "0704.0001"
    assert not plain[0][1].endswith(b"\n")
    records = [parse_snapshot_line(line, f"x:{n + 1}") for n, line in zipped]
    assert records == [parse_snapshot_line(line, f"x:{n + 1}") for n, line in plain]


@pytest.mark.parametrize("use_gzip", [False, True])
def test_resume_from_a_line_number(gzip_copy: Path, use_gzip: bool) -> None:
    path = gzip_copy if use_gzip else ARXIV_SNAPSHOT
    everything = list(iter_snapshot_lines(path))
    rest = list(iter_snapshot_lines(path, start_line=150))
    assert [n for n, _ in rest] == list(range(150, 200))
    assert rest == everything[150:]
    assert list(iter_snapshot_lines(path, start_line=200)) == []


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    lines = ARXIV_SNAPSHOT.read_bytes().splitlines()[:3]
    path = tmp_path / "gaps.jsonl"
    path.write_bytes(lines[0] + b"\n\n" + lines[1] + b"\r\n   \n" + lines[2])
    assert [(n, json.loads(raw)["id"]) for n, raw in iter_snapshot_lines(path)] == [
        (0, "0704.0001"),
        (2, "0704.0002"),
        (4, "0704.0003"),
    ]


def test_overlong_line_and_truncated_gzip_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "MAX_LINE_BYTES", 1000)
    with pytest.raises(IngestError, match="line longer than 1000 bytes") as info:
        list(iter_snapshot_lines(ARXIV_SNAPSHOT))
    assert info.value.label == f"{ARXIV_SNAPSHOT}:1"
    monkeypatch.undo()
    broken = tmp_path / "broken.gz"
    broken.write_bytes(gzip.compress(ARXIV_SNAPSHOT.read_bytes())[:20000])
    with pytest.raises(IngestError, match="unreadable snapshot"):
        list(iter_snapshot_lines(broken))
