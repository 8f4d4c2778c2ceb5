"""Display helpers and the error page, without a database."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from paperboy.config import Settings
from paperboy.models import Author
from paperboy.web.render import (
    compact,
    is_http_url,
    licence_label,
    query,
    render_error,
    repo_name,
    visible_authors,
)


@pytest.mark.parametrize(
    ("number", "text"),
    [(None, "0"), (7, "7"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (12_345, "12k"), (3_400_000, "3.4M")],
)
def test_compact_counts(number: int | None, text: str) -> None:
    assert compact(number) == text


def test_small_display_rules() -> None:
    assert repo_name("https://github.com/google-research/envharness") == "google-research/envharness"
    assert repo_name("https://gitlab.com/a/b") == "https://gitlab.com/a/b"
    assert licence_label("http://creativecommons.org/licenses/by-nc-sa/4.0/") == "CC BY-NC-SA 4.0"
    assert licence_label("http://creativecommons.org/publicdomain/zero/1.0/") == "CC0 1.0"
    assert (
        licence_label("http://arxiv.org/licenses/nonexclusive-distrib/1.0/") == "arXiv non-exclusive licence"
    )
    assert is_http_url("https://x.org") and not is_http_url("javascript:alert(1)") and not is_http_url(None)
    assert query(sort=None, p=0) == "" and query(sort="publishedAt", p=2) == "?sort=publishedAt&p=2"
    authors = [Author("A"), Author("B", hidden=True), Author("")]
    assert [a.name for a in visible_authors(authors)] == ["A"]


def test_error_page_is_friendly() -> None:
    app = FastAPI()
    app.state.settings = Settings(database_url="sqlite://", site_name="My <Site>")

    @app.get("/boom/{status}")
    def boom(request: Request, status: int, message: str = "") -> HTMLResponse:
        return render_error(request, status, message)

    client = TestClient(app)
    response = client.get("/boom/404", params={"message": "Not Found"})
    assert response.status_code == 404
    assert "There is no page at this address" in response.text
    assert "My &lt;Site&gt;" in response.text and '<meta name="robots" content="noindex">' in response.text
    teapot = client.get("/boom/418", params={"message": "<b>short</b> and stout"})
    assert teapot.status_code == 418 and "&lt;b&gt;short&lt;/b&gt; and stout" in teapot.text
