"""The fuzz oracle's idea of a storable record, checked against the real store on SQLite and PostgreSQL.

``oracles.check_paper`` accepts a record at the very edges (nine-digit version, counts at 2**31-1, U+FFFD,
the earliest date a parser lets through and the last representable instant) and refuses NUL, lone surrogates
and larger numbers. If the edges it accepts did not commit and read back, the fuzzers would be passing records
that crash an ingest run or the paper page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.ingest.dates import EARLIEST
from paperboy.ingest.hf_daily import day_batch
from paperboy.models import Author, Batch, DailyEntry, Organization, Paper
from paperboy.store.ingest_sink import commit_batch
from paperboy.store.papers import get_paper
from tests.fuzz.mutate import dumps
from tests.fuzz.oracles import check_entry, check_paper

EDGE = Paper(
    arxiv_id="2401.00001",
    title="\ufffd 𝔘𝔫𝔦 \u202e title",
    abstract="x" * 20000,
    version=999_999_999,
    authors=[Author(name="\ufffd", affiliation="\u0301")],
    categories=["cs.LG"],
    primary_category="cs.LG",
    submitted_at=EARLIEST,
    updated_at=datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    github_stars=2**31 - 1,
    upvotes=2**31 - 1,
    num_comments=2**31 - 1,
    organization=Organization(name="o", fullname="\ufffd"),
    ai_keywords=["\ufffd"],
)


def test_the_edges_the_oracle_accepts_commit_and_read_back(engine: Engine) -> None:
    check_paper(EDGE)
    entry = DailyEntry(day=date(2025, 1, 2), arxiv_id=EDGE.arxiv_id, source="huggingface")
    check_entry(entry)
    commit_batch(engine, Batch(label="edges", papers=[EDGE], entries=[entry]))
    with engine.connect() as conn:
        view = get_paper(conn, EDGE.arxiv_id)
    assert view is not None
    assert view.paper.title == EDGE.title and view.paper.version == EDGE.version
    assert (view.paper.submitted_at, view.paper.updated_at) == (EDGE.submitted_at, EDGE.updated_at)


def test_a_repaired_hf_day_commits(engine: Engine) -> None:
    """NUL and a lone surrogate from the wire, after the parser's repair, are storable on both databases."""
    day = [{"paper": {"id": "2401.00002", "title": "a\x00b\ud800c", "summary": "\udfff", "upvotes": 10**30}}]
    batch = day_batch(dumps(day), date(2025, 1, 2), "day.json", "hf")
    assert isinstance(batch, Batch)
    [paper] = batch.papers
    assert (paper.title, paper.abstract, paper.upvotes) == ("ab\ufffdc", "\ufffd", None)
    commit_batch(engine, batch)
    with engine.connect() as conn:
        assert get_paper(conn, "2401.00002").paper.title == "ab\ufffdc"


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"])
def test_what_the_oracle_refuses_the_store_refuses_too(engine: Engine, bad: str) -> None:
    with pytest.raises(AssertionError):
        check_paper(Paper(arxiv_id="2401.00003", title=bad))
    if engine.dialect.name == "sqlite" and "\x00" in bad:
        pytest.skip("SQLite stores NUL; PostgreSQL is the database that refuses it")
    with pytest.raises((sa.exc.SQLAlchemyError, UnicodeEncodeError, ValueError)):
        commit_batch(engine, Batch(label="bad", papers=[Paper(arxiv_id="2401.00003", title=bad)]))
