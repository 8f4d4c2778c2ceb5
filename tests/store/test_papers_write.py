"""Store merge rules on SQLite and PostgreSQL: one row per paper, newest version wins, sources merge."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.models import Author, Batch, Checkpoint, DailyEntry, Organization, Paper, Submitter
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.ingest_sink import commit_batch
from paperboy.store.papers import get_paper
from paperboy.store.schema import daily_entries, papers


def hf_record(**overrides: object) -> Paper:
    fields: dict = dict(
        arxiv_id="2509.21268",
        title="MMR1: Enhancing Multimodal Reasoning",
        abstract="HF abstract.",
        authors=[Author("Sicong Leng"), Author("Jing Wang")],
        github_repo="https://github.com/LengSicong/MMR1",
        github_stars=171,
        upvotes=55,
        organization=Organization("DAMO", "DAMO Academy"),
        ai_summary="Short.",
        ai_keywords=["GRPO"],
        submitted_at=datetime(2025, 9, 25, 14, 58, 29, tzinfo=UTC),
    )
    fields.update(overrides)
    return Paper(**fields)


def arxiv_record(version: int, title: str, **overrides: object) -> Paper:
    fields: dict = dict(
        arxiv_id="2509.21268",
        version=version,
        title=title,
        abstract=f"arXiv abstract v{version}.",
        authors=[Author("Sicong Leng", "NTU"), Author("Jing Wang", "DAMO")],
        categories=["cs.CV", "cs.AI"],
        primary_category="cs.CV",
        doi="10.1000/x",
        submitted_at=datetime(2025, 9, 25, 14, 58, 29, tzinfo=UTC),
        updated_at=datetime(2025, 10, version, tzinfo=UTC),
    )
    fields.update(overrides)
    return Paper(**fields)


def load(engine: Engine, *records: Paper) -> None:
    for record in records:
        commit_batch(engine, Batch(label="test", papers=[record]))


def stored(engine: Engine, arxiv_id: str = "2509.21268"):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        view = get_paper(conn, arxiv_id)
    assert view is not None
    return view


def count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_same_paper_twice_is_one_row(engine: Engine) -> None:
    load(engine, hf_record(), hf_record())
    assert count(engine, papers) == 1


def test_arxiv_metadata_replaces_hf_but_keeps_hf_fields(engine: Engine) -> None:
    load(engine, hf_record(), arxiv_record(2, "MMR1: Enhancing Multimodal Reasoning (v2)"))
    view = stored(engine)
    assert view.paper.title == "MMR1: Enhancing Multimodal Reasoning (v2)"
    assert view.paper.version == 2
    assert [a.affiliation for a in view.paper.authors] == ["NTU", "DAMO"]
    assert view.paper.github_stars == 171 and view.upvotes == 55
    assert view.paper.organization and view.paper.organization.fullname == "DAMO Academy"


def test_hf_after_arxiv_only_fills_gaps(engine: Engine) -> None:
    load(engine, arxiv_record(1, "Title from arXiv"), hf_record(title="Title from HF"))
    view = stored(engine)
    assert view.paper.title == "Title from arXiv"
    assert view.paper.abstract == "arXiv abstract v1."
    assert view.paper.ai_summary == "Short." and view.paper.github_repo


def test_older_version_never_replaces_newer(engine: Engine) -> None:
    load(engine, arxiv_record(3, "Version three"), arxiv_record(1, "Version one"))
    view = stored(engine)
    assert (view.paper.title, view.paper.version) == ("Version three", 3)


def test_newer_version_replaces_and_keeps_first_submission_date(engine: Engine) -> None:
    load(
        engine,
        arxiv_record(1, "Version one"),
        arxiv_record(2, "Version two", submitted_at=datetime(2030, 1, 1, tzinfo=UTC)),
    )
    view = stored(engine)
    assert view.paper.title == "Version two"
    assert view.paper.submitted_at == datetime(2025, 9, 25, 14, 58, 29, tzinfo=UTC)
    assert view.paper.updated_at == datetime(2025, 10, 2, tzinfo=UTC)


def test_imported_upvotes_never_go_down(engine: Engine) -> None:
    load(engine, hf_record(upvotes=80), hf_record(upvotes=55))
    assert stored(engine).upvotes == 80


def test_missing_fields_never_erase_known_ones(engine: Engine) -> None:
    load(engine, hf_record(), hf_record(github_repo=None, github_stars=None, organization=None, abstract=""))
    view = stored(engine)
    assert view.paper.github_repo and view.paper.organization and view.paper.abstract == "HF abstract."


def test_entries_and_checkpoint_commit_together_and_idempotently(engine: Engine) -> None:
    entry = DailyEntry(
        day=date(2025, 9, 26),
        arxiv_id="2509.21268",
        source="huggingface",
        submitter=Submitter("Sicong", "Leng Sicong"),
    )
    batch = Batch(
        label="day",
        papers=[hf_record()],
        entries=[entry],
        checkpoint=Checkpoint("hf-test", "2025-09-26", '{"papers": 1}'),
    )
    commit_batch(engine, batch)
    commit_batch(engine, batch)
    assert count(engine, daily_entries) == 1
    with engine.connect() as conn:
        assert load_checkpoints(conn, "hf-test") == {"2025-09-26": '{"papers": 1}'}
    assert stored(engine).featured_on == [date(2025, 9, 26)]


def test_a_failing_batch_leaves_nothing_behind(engine: Engine) -> None:
    orphan = DailyEntry(day=date(2025, 9, 26), arxiv_id="2501.00001", source="huggingface")
    batch = Batch(
        label="bad", papers=[hf_record()], entries=[orphan], checkpoint=Checkpoint("hf-test", "x", "1")
    )
    with pytest.raises(ValueError, match="2501.00001"):
        commit_batch(engine, batch)
    assert count(engine, papers) == 0
    with engine.connect() as conn:
        assert load_checkpoints(conn, "hf-test") == {}


def test_old_style_ids_and_duplicates_within_one_batch(engine: Engine) -> None:
    old = Paper(arxiv_id="hep-th/9901001", title="An old paper", version=1)
    commit_batch(engine, Batch(label="dup", papers=[old, hf_record(upvotes=3), hf_record(upvotes=9)]))
    assert count(engine, papers) == 2
    assert stored(engine).upvotes == 9
    assert stored(engine, "hep-th/9901001").paper.title == "An old paper"


def test_a_batch_after_a_failed_one_lands(engine: Engine) -> None:
    """The failed transaction took the PostgreSQL staging table with it; the next batch makes it again."""
    orphan = DailyEntry(day=date(2025, 9, 26), arxiv_id="2501.00001", source="huggingface")
    with pytest.raises(ValueError):
        commit_batch(engine, Batch(label="bad", papers=[hf_record()], entries=[orphan]))
    for upvotes in (3, 9):  # twice: the staging table, emptied by the first commit, takes the second batch
        commit_batch(engine, Batch(label="good", papers=[hf_record(upvotes=upvotes), arxiv_record(2, "v2")]))
    assert count(engine, papers) == 1
    assert (stored(engine).upvotes, stored(engine).paper.title) == (9, "v2")
