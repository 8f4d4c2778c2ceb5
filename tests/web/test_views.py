"""List and grid views, abstracts on demand, and pictures from our own origin, on all 558 real days.

The real data names Hugging Face's CDN for every thumbnail and avatar; no page may.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import cards, day_file, page

LONG_PAGES = ["/papers/week/2026-W34", "/papers/month/2026-08", "/papers/trending", "/organizations/tencent"]


@pytest.fixture
def reader(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client with its own cookie jar on the session's app (whose cache and data-version watch run)."""
    with_cookies = TestClient(app)
    yield with_cookies
    with_cookies.close()


def layout(client: TestClient, path: str) -> str:
    doc = page(client.get(path))
    (cards_list,) = doc.xpath("//ol[contains(@class, 'cards')]")
    return cards_list.get("class")


def test_the_view_link_remembers_the_choice_and_comes_back(reader: TestClient) -> None:
    assert layout(reader, "/") == "cards view-list"
    answer = reader.get(
        "/view/grid", params={"next": "/papers/week/2026-W34?sort=trending"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/papers/week/2026-W34?sort=trending"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("pb_view=grid;") and "Max-Age=31536000" in cookie and "SameSite=lax" in cookie
    assert "HttpOnly" not in cookie  # static/views.js switches in place and sets it too
    assert layout(reader, "/") == "cards view-grid"
    assert layout(reader, "/papers/week/2026-W34") == "cards view-grid"
    reader.get("/view/list")
    assert layout(reader, "/") == "cards view-list"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "", "week"]
)
def test_the_view_link_never_leaves_the_site(reader: TestClient, target: str) -> None:
    answer = reader.get("/view/list", params={"next": target}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_an_unknown_view_is_404(reader: TestClient) -> None:
    assert reader.get("/view/tiles", follow_redirects=False).status_code == 404


def test_the_page_cache_keeps_one_copy_per_view(reader: TestClient) -> None:
    """Cached anonymous pages are shared: a grid page must never be served to a reader of the list."""
    for _ in range(3):  # the second and third answers come from the cache
        assert 'class="cards view-grid"' in reader.get("/", headers={"Cookie": "pb_view=grid"}).text
        assert 'class="cards view-list"' in reader.get("/", headers={"Cookie": "pb_view=list"}).text
        assert 'class="cards view-list"' in reader.get("/").text
        assert 'class="cards view-list"' in reader.get("/", headers={"Cookie": "pb_view=<script>"}).text


@pytest.mark.parametrize("path", LONG_PAGES)
def test_long_pages_load_abstracts_on_demand(client, path: str) -> None:  # type: ignore[no-untyped-def]
    html = client.get(path).text
    doc = page(client.get(path))
    found = cards(doc)
    assert len(found) == 50
    for card in found:
        (details,) = card.xpath(".//details[contains(@class, 'abstract')]")
        source = details.get("data-abstract")
        arxiv_id = card.xpath("string(.//*[contains(@class, 'card-title')]/a/@href)").removeprefix("/papers/")
        assert source == f"/papers/{arxiv_id}/abstract"
        assert details.xpath(".//a/@href") == [f"/papers/{arxiv_id}#abs-h"]  # without JavaScript
    first = found[0].xpath("string(.//*[contains(@class, 'card-title')]/a/@href)")
    fragment = client.get(f"{first}/abstract")
    assert fragment.status_code == 200 and fragment.headers["content-type"].startswith("text/html")
    abstract = page(fragment).xpath("string(//p[@class='abstract-text'])")
    assert len(abstract) > 200 and abstract not in html
    assert "public" in fragment.headers["cache-control"] and len(fragment.content) < 4000
    assert len(gzip.compress(html.encode())) < 20_000, "a 50-paper page was 51 kB gzipped with every abstract"


def test_day_pages_keep_their_abstracts_in_the_page(doc_of) -> None:  # type: ignore[no-untyped-def]
    entries = day_file("2026-08-21")
    doc = doc_of("/")
    texts = doc.xpath("//details[contains(@class, 'abstract')]//p[@class='abstract-text']")
    assert len(texts) == len(entries) and not doc.xpath("//details[@data-abstract]")
    assert " ".join(entries[0]["paper"]["summary"].split())[:80] in [t.text_content()[:80] for t in texts]


def test_an_abstract_of_an_unknown_paper_is_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/papers/2608.99999/abstract").status_code == 404
    assert client.get("/papers/not-an-id/abstract").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/papers/date/2025-09-26", *LONG_PAGES, "/papers/2608.19880", "/authors/Yijiang%20Li"]
)
def test_pages_name_no_other_site_for_pictures(client, path: str) -> None:  # type: ignore[no-untyped-def]
    """The real data's pictures live on Hugging Face's CDN; pages show our copies or initials instead."""
    response = client.get(path)
    doc = page(response)
    assert doc.xpath("//img/@src")
    loaded = doc.xpath("//img/@src | //script/@src | //link[@rel='stylesheet' or @rel='icon']/@href")
    assert all(src.startswith("/") and not src.startswith("//") for src in loaded), loaded
    assert not re.search(r"cdn-(avatars|thumbnails|uploads)\.huggingface\.co|gravatar\.com", response.text)
