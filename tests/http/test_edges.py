"""The edges of the calendar, unexpected errors, private pages and HEAD: each answers as a reader expects.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import http.client
from datetime import date

import lxml.html
import pytest

from paperboy.models import DailyEntry
from paperboy.store.papers_write import upsert_entries
from tests.community.conftest import POPULAR, QUIET
from tests.conftest import LiveServer
from tests.sites import Client, Site

FIRST, LAST = date(1, 1, 1), date(9999, 11, 30)  # the first day, and one whose week and month end in 9999


PERIOD_EDGES = [
    ("/papers/date/9999-12-31", 400),
    ("/papers/date/0001-01-01", 200),
    ("/papers/date/9999-12-30", 200),
    ("/papers/date/0000-12-31", 400),
    ("/papers/week/9999-W52", 400),
    ("/papers/week/9999-W51", 200),
    ("/papers/week/9998-W53", 200),  # ends on 9999-01-03
    ("/papers/week/0001-W01", 200),
    ("/papers/week/2025-W53", 400),  # 2025 has 52 ISO weeks
    ("/papers/week/2026-W53", 200),  # 2026 has 53
    ("/papers/week/2026-W00", 400),
    ("/papers/month/9999-12", 400),
    ("/papers/month/9999-11", 200),
    ("/papers/month/0001-01", 200),
    ("/papers/month/2025-13", 400),
    ("/papers/month/2025-00", 400),
    ("/api/daily_papers?date=9999-12-31", 400),
    ("/api/daily_papers?date=0001-01-01", 200),
    ("/api/daily_papers?week=9999-W52", 400),
    ("/api/daily_papers?week=2025-W53", 400),
    ("/api/daily_papers?month=9999-12", 400),
    ("/api/daily_papers?month=0001-01", 200),
    ("/api/daily_papers?month=2025-13", 400),
]


def test_period_routes_at_the_edges_of_the_calendar(site: Site) -> None:
    anon = site.client()
    wrong = {}
    for url, status in PERIOD_EDGES:
        response = anon.get(url)
        message = response.json()["error"] if url.startswith("/api/") and status == 400 else response.text
        clear = status == 200 or "9999-12-31" in message or "YYYY" in message or "no such" in message
        if response.status_code != status or not clear:
            wrong[url] = (response.status_code, message[:200])
    assert wrong == {}


def _links(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.text[:300])
    doc = lxml.html.fromstring(response.text)
    return {a.get("rel"): a.get("href") for a in doc.xpath("//a[@rel='prev' or @rel='next']")}


@pytest.mark.parametrize("kind", ["date", "week", "month"])
def test_previous_and_next_links_reach_the_first_and_last_days(site: Site, kind: str) -> None:
    """Papers featured on the calendar's first and last pageable days: every link leads to a page."""
    with site.engine.begin() as conn:
        upsert_entries(
            conn, [DailyEntry(FIRST, QUIET, "huggingface"), DailyEntry(LAST, POPULAR, "huggingface")]
        )
    anon = site.client()
    middle = {
        "date": "/papers/date/2026-08-21",
        "week": "/papers/week/2026-W34",
        "month": "/papers/month/2026-08",
    }
    links = _links(anon, middle[kind])
    assert set(links) == {"prev", "next"}
    assert _links(anon, links["prev"]).get("next") and "prev" not in _links(anon, links["prev"])
    assert _links(anon, links["next"]).get("prev") and "next" not in _links(anon, links["next"])
    assert anon.get("/").status_code == 200  # the latest day is now the last one
    assert anon.get(f"/papers/{kind}").status_code == 200  # redirected to the latest period


def _boom() -> None:
    raise RuntimeError("a bug the tests put here on purpose: secret-internal-detail")


SECURITY = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def test_an_unexpected_error_is_the_friendly_500_with_the_security_headers(site: Site) -> None:
    site.app.add_api_route("/boom", _boom)
    site.app.add_api_route("/api/boom", _boom)
    anon = Client(site.app, raise_server_exceptions=False)
    site.clients.append(anon)
    page = anon.get("/boom")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    doc = lxml.html.fromstring(page.text)
    assert doc.xpath("string(//h1)") == "Something went wrong"
    assert "Something broke on our side" in page.text and "secret-internal-detail" not in page.text
    api = anon.get("/api/boom")
    assert api.status_code == 500 and api.json() == {
        "error": "Something broke on our side. Please try again in a moment."
    }
    for response in (page, api):
        assert response.headers["cache-control"] == "no-store"
        for name, value in SECURITY.items():
            assert value in response.headers.get(name, ""), name
    assert anon.get(f"/papers/{POPULAR}").status_code == 200  # the site goes on answering
    with LiveServer(site.app) as server:  # and a keep-alive connection stays open after a 500
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/boom")
            crashed = conn.getresponse()
            assert crashed.status == 500 and b"Something broke" in crashed.read()
            conn.request("GET", "/healthz")
            assert conn.getresponse().status == 200
        finally:
            conn.close()


def test_private_pages_are_never_stored(site: Site) -> None:
    alice = site.client("alice")
    reveal = alice.form("/settings/tokens", {"name": "laptop"})
    assert reveal.status_code == 200 and "pbt_" in reveal.text  # the token, shown once
    for response in (alice.get("/settings"), reveal, alice.get("/for-you"), alice.get("/subscriptions")):
        assert response.status_code == 200
        assert "no-store" in response.headers["cache-control"], response.url


HEAD_URLS = [
    "/",
    f"/papers/{POPULAR}",
    "/papers/date/2026-08-21",
    "/papers/week/2026-W34",
    "/papers/month/2026-08",
    "/search?q=kernels",
    "/feeds/daily.rss",
    "/feeds/weekly.atom",
    "/feeds/trending.rss",
    "/api/daily_papers",
    f"/api/papers/{POPULAR}",
    f"/papers/{POPULAR}.md",
    "/login",
]


def test_head_answers_what_get_would_without_the_body(site: Site) -> None:
    anon = site.client()
    for url in HEAD_URLS:
        got, head = anon.get(url), anon.head(url)
        assert got.status_code == head.status_code == 200, url
        assert head.content == b"", url
        assert head.headers["content-type"] == got.headers["content-type"], url
