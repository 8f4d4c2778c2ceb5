"""Categories for papers imported from Hugging Face: the arXiv metadata back-fill, against recorded arXiv
answers replayed by a local server, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from paperboy.ingest.http import PoliteClient
from paperboy.ingest.metadata_backfill import backfill, missing
from paperboy.models import Organization, Paper
from paperboy.store.papers import get_paper
from tests.conftest import SHARED_DATA
from tests.search.conftest import add_papers
from tests.upstream import Reply, Upstream

RECORDED = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"
API = "/api/query"
IDS = ["1605.08386", "astro-ph/0601001", "1707.08567"]


def hf_paper(arxiv_id: str) -> Paper:
    """A paper as Hugging Face's daily feed gives it: no version, no categories, upvotes, an organization."""
    return Paper(
        arxiv_id=arxiv_id,
        title=f"Title of {arxiv_id} as Hugging Face wrote it",
        abstract="An abstract.",
        upvotes=42,
        organization=Organization("somelab", "Some Lab"),
    )


def client() -> PoliteClient:
    return PoliteClient(user_agent="paperboy-test", retries=1, backoff=0.01)


def recorded(arxiv: Upstream) -> None:
    for arxiv_id in IDS:
        arxiv.add_recorded(next(RECORDED.glob(f"id_{arxiv_id.replace('/', '_')}_s0_m100_*.json")))


def test_hf_papers_get_arxiv_categories_in_resumable_passes(engine: Engine) -> None:
    add_papers(engine, [hf_paper(i) for i in IDS])
    with Upstream() as arxiv, client() as http:
        recorded(arxiv)
        first = backfill(engine, http, arxiv.url + API, limit=2, per_request=1)
        assert first.ok and first.papers == 2
        with engine.connect() as conn:
            done = get_paper(conn, "1605.08386")
            waiting = get_paper(conn, "1707.08567")
        assert done is not None and waiting is not None
        assert done.paper.categories and done.paper.primary_category == done.paper.categories[0]
        assert done.paper.version is not None
        assert done.upvotes == 42 and done.paper.organization is not None  # Hugging Face's fields kept
        assert waiting.paper.categories == []  # beyond this pass's limit: the next pass takes it

        second = backfill(engine, http, arxiv.url + API, limit=10, per_request=1)
        assert second.papers == 1
        asked = [r.query["id_list"] for r in arxiv.requests]
        assert asked == IDS  # resumed after the checkpoint: nothing asked twice
        assert backfill(engine, http, arxiv.url + API, limit=10).papers == 0
        assert len(arxiv.requests) == 3
    assert missing(engine, 0, 10) == []
    with engine.connect() as conn:
        old_style = get_paper(conn, "astro-ph/0601001")
    assert old_style is not None and old_style.paper.primary_category == "astro-ph"


def test_a_failed_request_is_retried_on_the_next_pass_not_skipped(engine: Engine) -> None:
    add_papers(engine, [hf_paper(i) for i in IDS[:2]])
    query = {
        "search_query": "",
        "id_list": IDS[0],
        "sortBy": "relevance",
        "sortOrder": "descending",
        "start": 0,
        "max_results": 100,
    }
    with Upstream() as arxiv, client() as http:
        arxiv.add(API, query, Reply(503), Reply(503), Reply(503))
        recorded(arxiv)  # after the 503s, the real answer
        report = backfill(engine, http, arxiv.url + API, limit=10, per_request=1)
        assert not report.ok and report.papers == 0
        with engine.connect() as conn:
            view = get_paper(conn, IDS[1])
        assert view is not None and view.paper.categories == []  # the pass stopped at the failure
        again = backfill(engine, http, arxiv.url + API, limit=10, per_request=1)
        assert again.ok and again.papers == 2


def _search_page(engine: Engine, tmp_path) -> str:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from paperboy.config import Settings
    from paperboy.server import create_app

    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        search_index_dir=tmp_path / "index",
        search_model="none",
        search_embed_background=False,
    )
    with TestClient(create_app(settings, engine=engine)) as client:
        return client.get("/search", params={"q": "title"}).text


def test_category_filter_is_offered_only_once_a_paper_has_a_category(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add_papers(engine, [hf_paper(IDS[0])])
    assert 'name="category"' not in _search_page(engine, tmp_path / "a")
    add_papers(engine, [Paper(arxiv_id="2401.00001", title="A title", version=1, categories=["cs.CL"])])
    assert 'name="category"' in _search_page(engine, tmp_path / "b")
