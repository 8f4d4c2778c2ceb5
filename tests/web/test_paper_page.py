"""The page of one paper: real Hugging Face data, a fully described arXiv paper, unknown and malformed ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.models import Author, DailyEntry, Organization, Paper, Submitter
from paperboy.server import create_app
from paperboy.store.papers_write import upsert_entries, upsert_papers
from tests.web.conftest import day_file, page


def test_real_paper_page(doc_of) -> None:  # type: ignore[no-untyped-def]
    entry = day_file("2026-08-21")[0]["paper"]
    doc = doc_of("/papers/2608.19880")
    assert doc.xpath("string(//h1)") == entry["title"]
    authors = [li.text_content().strip() for li in doc.xpath("//ul[@class='author-list']/li")]
    assert authors == [a["name"] for a in entry["authors"]]
    assert "Google" in doc.xpath("string(//p[@class='org-line'])")
    github = doc.xpath("//div[@class='actions']/a[contains(., 'GitHub')]")[0]
    assert github.get("href") == "https://github.com/google-research/envharness"
    assert "8" in github.xpath("string(.//span[@class='stars'])")
    hrefs = set(doc.xpath("//a/@href"))
    assert {
        "https://arxiv.org/abs/2608.19880",
        "https://arxiv.org/pdf/2608.19880",
        "/papers/2608.19880.md",
        "https://envharness.com/",
        "/papers/date/2026-08-21",
    } <= hrefs
    assert "163" in doc.xpath("string(//*[contains(@class, 'vote-pill')])")
    assert entry["ai_summary"] in doc.xpath("string(//section[@class='ai-summary'])")
    assert doc.xpath("string(//p[@class='abstract-full'])") == " ".join(entry["summary"].split())
    assert doc.xpath("//link[@rel='canonical']/@href") == ["http://127.0.0.1:8000/papers/2608.19880"]
    assert doc.xpath("string(//title)") == f"{entry['title']} · paperboy"
    assert doc.xpath("string(//meta[@name='description']/@content)").startswith("EnvHarness and EnvRigger")
    assert doc.xpath("//meta[@name='citation_pdf_url']/@content") == ["https://arxiv.org/pdf/2608.19880"]


def test_hidden_authors_are_not_shown(doc_of) -> None:  # type: ignore[no-untyped-def]
    entry = next(e for e in day_file("2024-06-17") if e["paper"]["id"] == "2406.06263")
    hidden = [a["name"] for a in entry["paper"]["authors"] if a["hidden"]]
    doc = doc_of("/papers/2406.06263")
    shown = [li.text_content().strip() for li in doc.xpath("//ul[@class='author-list']/li")]
    assert hidden and not set(hidden) & set(shown)
    assert len(shown) == len(entry["paper"]["authors"]) - len(hidden)


def test_feed_cards_shorten_long_author_lists(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/papers/date/2026-08-21")
    first = doc.xpath("//article[contains(@class, 'card')]")[0]
    assert len(first.xpath(".//span[@class='author']")) == 3  # three lines a card in the compact list
    assert first.xpath("string(.//span[@class='more'])").strip() == "+14 more"
    assert first.xpath("string(.//*[contains(@class, 'submitter')])").strip() == "submitted by taesiri"
    assert "LLM agents" in [li.text_content() for li in first.xpath(".//a[@class='chip']")]
    assert first.xpath(".//details[@class='abstract']/summary")  # collapsed, works without JS


@pytest.mark.parametrize(
    "url",
    [
        "/papers/9999.99999",
        "/papers/hep-th/9901999",
        "/papers/not-an-id",
        "/papers/date",
        "/papers/2608.19880/extra",
    ],
)
def test_unknown_papers_are_404_pages(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    if url == "/papers/date":
        assert response.status_code == 200  # redirected to the latest day
        return
    doc = page(response, 404)
    assert doc.xpath("string(//h1)") == "Page not found"


def test_versioned_ids_redirect_to_the_paper(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/papers/2608.19880v3", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/papers/2608.19880"


def test_markdown_path_is_left_to_the_api(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/papers/2608.19880.md")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")


# A fresh database with hand-made papers: every arXiv field, an old-style id and hostile text ----------------

EVIL = '<script>alert("x")</script>'


def _papers() -> list[Paper]:
    full = Paper(
        arxiv_id="hep-th/9901001",
        version=2,
        title="Strings on <b>branes</b> & more",
        abstract=f"We study {EVIL} carefully.",
        authors=[
            Author("Ada Lovelace", "Analytical Engines Ltd"),
            Author("Hidden Person", hidden=True),
            Author(f"Mallory {EVIL}"),
        ],
        categories=["hep-th", "gr-qc"],
        primary_category="hep-th",
        submitted_at=datetime(1999, 1, 4, tzinfo=UTC),
        updated_at=datetime(1999, 3, 1, tzinfo=UTC),
        doi="10.1000/xyz123",
        journal_ref="Phys. Rev. D 60 (1999) 1",
        comments="12 pages, 3 figures",
        license="http://creativecommons.org/licenses/by/4.0/",
        github_repo="javascript:alert(1)",
        github_stars=3,
        project_page="https://example.org/p",
        organization=Organization("lab", f"Lab {EVIL}", "javascript:alert(2)"),
        ai_summary=f"Summary {EVIL}",
        ai_keywords=[f"kw {EVIL}", "strings"],
        upvotes=7,
        num_comments=2,
    )
    evil = Paper(arxiv_id="2501.00001", title=f"Breaking {EVIL} pages", abstract="Plain.", upvotes=1)
    return [full, evil]


@pytest.fixture
def fresh_client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    with engine.begin() as conn:
        upsert_papers(conn, _papers())
        upsert_entries(
            conn,
            [
                DailyEntry(
                    date(2025, 1, 2), "hep-th/9901001", "huggingface", Submitter("eve", f"Eve {EVIL}")
                ),
                DailyEntry(date(2025, 1, 2), "2501.00001", "huggingface"),
                DailyEntry(date(2025, 1, 9), "hep-th/9901001", "huggingface"),
            ],
        )
    with TestClient(create_app(Settings(database_url=db_url), engine=engine)) as test_client:
        yield test_client


def test_html_is_escaped_everywhere(fresh_client: TestClient) -> None:
    for url in (
        "/",
        "/papers/date/2025-01-02",
        "/papers/2501.00001",
        "/papers/hep-th/9901001",
        "/search?q=Breaking",
        f"/search?q={EVIL}",
        "/papers/month/2025-01",
    ):
        response = fresh_client.get(url)
        assert response.status_code == 200, url
        assert EVIL not in response.text, url
        assert "<script>alert" not in response.text
        assert "javascript:" not in response.text, url
    home = fresh_client.get("/papers/date/2025-01-02").text
    assert "Breaking &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; pages" in home
    assert "Eve &lt;script&gt;" in home
    assert page(fresh_client.get("/papers/2501.00001")).xpath("string(//h1)") == f"Breaking {EVIL} pages"


def test_every_arxiv_field_on_the_paper_page(fresh_client: TestClient) -> None:
    doc = page(fresh_client.get("/papers/hep-th/9901001"))
    assert doc.xpath("string(//h1)") == "Strings on <b>branes</b> & more"
    facts = " ".join(doc.xpath("string(//dl[@class='facts'])").split())
    for text in (
        "Jan 4, 1999",
        "Mar 1, 1999",
        "v2",
        "Phys. Rev. D 60 (1999) 1",
        "12 pages, 3 figures",
        "CC BY 4.0",
        "10.1000/xyz123",
        "Jan 2, 2025",
        "Jan 9, 2025",
    ):
        assert text in facts, text
    primary = doc.xpath("//li[contains(@class, 'cat') and contains(@class, 'is-primary')]")
    assert [li.text_content() for li in primary] == ["hep-th (primary)"]
    assert doc.xpath("//a[@href='https://doi.org/10.1000/xyz123']")
    assert doc.xpath("//a[@href='https://arxiv.org/pdf/hep-th/9901001']")
    assert doc.xpath("//a[@href='/papers/hep-th/9901001.md']")
    authors = [li.text_content().strip() for li in doc.xpath("//ul[@class='author-list']/li")]
    assert authors == ["Ada Lovelace (Analytical Engines Ltd)", f"Mallory {EVIL}"]
    assert not doc.xpath("//a[contains(., 'GitHub')]")  # a javascript: URL is never a link
    assert "arXiv:hep-th/9901001v2" in doc.xpath("string(//p[@class='eyebrow'])")


def test_paper_featured_twice_counts_once(fresh_client: TestClient) -> None:
    doc = page(fresh_client.get("/papers/month/2025-01"))
    assert "2 papers" in doc.xpath("string(//p[@class='count-line'])")


def test_empty_database_welcomes(db_url: str, engine: Engine) -> None:
    with TestClient(create_app(Settings(database_url=db_url), engine=engine)) as client:
        doc = page(client.get("/"))
        assert "No papers yet" in doc.xpath("string(//h1)")
        assert "paperboy ingest hf" in doc.text_content()
        assert client.get("/papers/week", follow_redirects=False).headers["location"] == "/"
        assert "No papers on this day" in page(client.get("/papers/date/2025-01-02")).text_content()
        page(client.get("/papers/2501.00001"), 404)
