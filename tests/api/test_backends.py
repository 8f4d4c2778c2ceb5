"""The API on both database backends, with records the saved days lack: old-style ids, arXiv-only papers,
a submitter with no full name, an entry without a time, hidden authors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from huggingface_hub import HfApi
from sqlalchemy.engine import Engine

from paperboy.models import Author, Batch, DailyEntry, Organization, Paper, Submitter
from paperboy.server import create_app
from paperboy.store.ingest_sink import commit_batch
from tests.conftest import LiveServer
from tests.conftest import (
    make_settings as settings_for,
)  # imported under its own name pytest would collect it

OLD = Paper(
    arxiv_id="hep-th/9901001",
    version=3,
    title="Strings on a Lattice",
    abstract="We put strings on a lattice.",
    authors=[Author("A. Physicist", affiliation="Somewhere"), Author("Hidden Person", hidden=True)],
    categories=["hep-th", "hep-lat"],
    submitted_at=datetime(1999, 1, 1, 12, 30, tzinfo=UTC),
    doi="10.1000/xyz",
    journal_ref="Phys. Rev. D 1 (1999) 1",
    comments="12 pages",
    upvotes=7,
    organization=Organization("cern", "CERN", None),
)
ARXIV_ONLY = Paper(arxiv_id="math.GT/0309136", title="A Knot", abstract="", version=1)


@pytest.fixture
def small_client(engine: Engine) -> Iterator[TestClient]:
    commit_batch(
        engine,
        Batch(
            label="test",
            papers=[OLD, ARXIV_ONLY],
            entries=[
                DailyEntry(
                    day=date(2025, 1, 6), arxiv_id=OLD.arxiv_id, source="local", submitter=Submitter("alice")
                ),
            ],
        ),
    )
    app = create_app(settings_for(engine.url.render_as_string(hide_password=False)), engine=engine)
    with TestClient(app) as client:
        yield client


def test_old_style_ids(small_client: TestClient) -> None:
    body = small_client.get("/api/papers/hep-th/9901001v2").json()
    assert body["id"] == "hep-th/9901001" and body["title"] == "Strings on a Lattice"
    assert body["upvotes"] == 7 and body["numComments"] == 0
    assert [(a["name"], a["hidden"]) for a in body["authors"]] == [
        ("A. Physicist", False),
        ("Hidden Person", True),
    ]
    assert body["publishedAt"] == "1999-01-01T12:30:00.000Z"
    assert body["submittedOnDailyAt"] == "2025-01-06T00:00:00.000Z"  # no time known: the start of the day
    assert body["submittedOnDailyBy"] == {"user": "alice", "type": "user"}
    assert body["organization"] == {"name": "cern", "fullname": "CERN"}
    assert "githubRepo" not in body and "ai_summary" not in body


def test_a_paper_never_featured(small_client: TestClient) -> None:
    body = small_client.get("/api/papers/math.GT/0309136").json()
    assert body["id"] == "math.GT/0309136" and body["upvotes"] == 0
    assert "submittedOnDailyAt" not in body and "submittedOnDailyBy" not in body and "publishedAt" not in body
    text = small_client.get("/papers/math.GT/0309136.md").text
    assert text.startswith("# A Knot\n") and "_No abstract._" in text


def test_old_style_markdown(small_client: TestClient) -> None:
    response = small_client.get("/papers/hep-th/9901001.md")
    assert response.status_code == 200
    text = response.text
    assert "[hep-th/9901001v3](https://arxiv.org/abs/hep-th/9901001)" in text
    assert "https://arxiv.org/pdf/hep-th/9901001" in text
    assert "A. Physicist" in text and "Hidden Person" not in text
    assert "**DOI:** [10.1000/xyz](https://doi.org/10.1000/xyz)" in text
    assert "**Categories:** hep-th, hep-lat" in text and "@alice" in text


def test_daily_and_search_on_each_backend(small_client: TestClient) -> None:
    [entry] = small_client.get("/api/daily_papers").json()  # the latest day with papers
    assert entry["paper"]["id"] == "hep-th/9901001"
    assert entry["publishedAt"] == "2025-01-06T00:00:00.000Z"
    assert entry["submittedBy"] == {"name": "alice", "type": "user"}
    assert small_client.get("/api/daily_papers", params={"submitter": "alice"}).json() == [entry]
    assert small_client.get("/api/daily_papers", params={"week": "2025-W02", "sort": "trending"}).json() == [
        entry
    ]
    assert small_client.get("/api/daily_papers", params={"month": "9999-11"}).json() == []
    found = small_client.get("/api/papers/search", params={"q": "lattice"}).json()
    assert [f["paper"]["id"] for f in found] == ["hep-th/9901001"]
    assert small_client.get("/api/papers/search", params={"q": "100%_\\"}).json() == []


def test_the_client_reads_old_style_ids(small_client: TestClient) -> None:
    with LiveServer(small_client.app) as server:
        hf = HfApi(endpoint=server.url, token=False)
        info = hf.paper_info("hep-th/9901001")
        assert info.id == "hep-th/9901001" and info.submitted_by.username == "alice"
        assert [p.id for p in hf.list_daily_papers(date="2025-01-06")] == ["hep-th/9901001"]
        assert hf.read_paper("hep-th/9901001").startswith("# Strings on a Lattice")


def test_an_empty_database_has_an_empty_feed(engine: Engine) -> None:
    app = create_app(settings_for(engine.url.render_as_string(hide_password=False)), engine=engine)
    with TestClient(app) as client:
        assert client.get("/api/daily_papers").json() == []
        assert client.get("/api/papers/2509.21268").status_code == 404
