"""The digest as people see it: autoescaped, both parts, and a screenshot of the HTML in chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest import compose, render
from paperboy.digest.build import Pick, Pool, choose, window
from paperboy.models import Author, Paper, PaperView
from paperboy.rank.trending import TrendingWeights
from paperboy.store import digests
from paperboy.store.papers import views_by_id
from paperboy.store.subscriptions import Subscription
from tests.digest.conftest import FRIDAY_MORNING

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _view(title: str, summary: str | None = None) -> PaperView:
    paper = Paper(arxiv_id="2509.00001", title=title, abstract="First sentence. Second.", ai_summary=summary,
                  authors=[Author(name="<b>Eve</b>")])  # fmt: skip
    return PaperView(paper=paper, upvotes=3, num_comments=0, paper_id=1)


def test_markup_in_papers_is_escaped_in_html_and_plain_in_text() -> None:
    settings = Settings(base_url="https://papers.example.org")
    view = _view('<script>alert("x")</script> & friends')
    items = compose.items(settings, [{"paper_id": 1, "reason": "<img src=x onerror=alert(1)>"}], {1: view})
    links = render.Links("https://papers.example.org", "https://papers.example.org/unsubscribe/t")
    html, text = render.render("paperboy", "2025-09-26", items, links, False, "daily")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html
    assert '<script>alert("x")</script> & friends' in text and "First sentence." in text
    assert (
        "https://papers.example.org/unsubscribe/t" in text
        and "https://papers.example.org/unsubscribe/t" in html
    )


def test_one_line_summary_prefers_the_ai_summary_and_cuts_long_text() -> None:
    assert render.one_line(_view("t", "An AI summary.")) == "An AI summary."
    assert render.one_line(_view("t")) == "First sentence."
    assert render.one_line(_view("t", "word " * 200)).endswith("…")


def _sample_digest(engine: Engine) -> str:
    settings = Settings(base_url="https://papers.example.org", site_name="paperboy")
    with engine.connect() as conn:
        pool = Pool(digests.candidates(conn, *window("2025-09-26")), FRIDAY_MORNING, TrendingWeights())
    # A varied digest, as a reader following a search, a category and trending would get it.
    picks = choose(pool, {"searches": ["reasoning"]}, set(), 2)
    taken = {p.paper_id for p in picks}
    picks += choose(pool, {"categories": ["cs.CV"]}, taken, 2)
    picks += pool.trending_picks(taken | {p.paper_id for p in picks}, 2)
    liked = pool.by_id[picks[0].paper_id].view.paper.title
    picks[3] = Pick(picks[3].paper_id, f"close to “{liked[:60]}…”, which you upvoted", 0.5, "recommend")
    with engine.connect() as conn:
        views = views_by_id(conn, [p.paper_id for p in picks], include_hidden=True)
    sub = Subscription(1, "ada@example.org", 7, "tok", "active", "daily", "UTC", 8)
    from paperboy.store.outbox import OutboxRow

    row = OutboxRow(
        42, 1, "2025-09-26", sub.email, "pending", [p.as_dict() for p in picks], 1, FRIDAY_MORNING
    )
    message = compose.compose(settings, row, sub, views)
    return message.get_body(("html",)).get_content()


@pytest.mark.browser
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_screenshot_of_a_rendered_digest(papers_engine: Engine) -> None:
    html = _sample_digest(papers_engine)
    assert html.count("Why:") == 6
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is required in CI")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        for name, width in (("digest", 900), ("digest-phone", 390)):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", lambda route: route.abort())  # a mail client loads nothing remote by default
            page.set_content(html)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            assert page.locator("a", has_text="Unsubscribe").count() == 1
            page.close()
        browser.close()
    assert (SCREENSHOTS / "digest.png").stat().st_size > 10_000
