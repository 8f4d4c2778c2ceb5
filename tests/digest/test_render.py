"""The digest as people see it: autoescaped, both parts, and a screenshot of the HTML in chromium."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest import compose, render
from paperboy.models import Author, Paper, PaperView
from tests.digest.conftest import sample_digest_html


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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_varied_digest_explains_every_pick(papers_engine: Engine) -> None:
    """Followed search, category, trending and a recommendation: each paper says why it is there."""
    html = sample_digest_html(papers_engine)
    assert html.count("Why:") == 6 and "which you upvoted" in html
    assert html.count("Unsubscribe") >= 1
