"""Semantic and hybrid search end to end: real MiniLM vectors for three real days, the JSON API through the
official ``huggingface_hub`` client, similar papers with reasons, and the search page."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import pytest
from fastapi.testclient import TestClient
from huggingface_hub import HfApi

from tests.conftest import LiveServer

# Aya 23, described in other words than its title and abstract use.
PARAPHRASE = ("open-weight model speaking many tongues, covering two dozen of them", "2405.15032")


@pytest.fixture(scope="module")
def client(semantic_app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(semantic_app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def hf(semantic_app) -> Iterator[HfApi]:  # type: ignore[no-untyped-def]
    with LiveServer(semantic_app) as server:
        yield HfApi(endpoint=server.url, token=False)


def found(client: TestClient, q: str, **params: object) -> list[str]:
    response = client.get("/api/papers/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [entry["paper"]["id"] for entry in response.json()]


def test_meaning_finds_a_paper_described_in_other_words(client: TestClient) -> None:
    query, target = PARAPHRASE
    assert target in found(client, query, mode="semantic", limit=3)
    assert target in found(client, query, mode="hybrid", limit=5)


def test_list_papers_returns_the_hybrid_results(hf: HfApi, client: TestClient) -> None:
    query, target = PARAPHRASE
    via_hub = [p.id for p in hf.list_papers(query=query, limit=10)]
    assert via_hub == found(client, query, limit=10, mode="hybrid")
    assert target in via_hub
    first = next(iter(hf.list_papers(query="MMR1 variance-aware sampling")))
    assert first.id == "2509.21268" and first.title.startswith("MMR1")


def test_filters_apply_to_semantic_results(client: TestClient) -> None:
    ids = found(client, "video generation", mode="semantic", date_from="2026-01-01", limit=50)
    assert ids and all(i.startswith("26") for i in ids)
    assert found(client, "video generation", mode="semantic", org="no-such-org") == []


def test_similar_papers_with_reasons(client: TestClient) -> None:
    response = client.get("/api/papers/2509.21268v1/similar", params={"limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert 1 <= len(body) <= 5
    assert all(item["paper"]["id"] != "2509.21268" and item["reason"] for item in body)
    assert [item["score"] for item in body] == sorted((item["score"] for item in body), reverse=True)
    assert client.get("/api/papers/2199.99999/similar").status_code == 404
    assert client.get("/api/papers/not-an-id/similar").status_code == 404


def test_paper_page_lists_similar_papers(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/papers/2509.21268").text)
    items = doc.xpath("//section[@class='similar']//li")
    assert items and all(li.xpath(".//p[@class='similar-reason']/text()") for li in items)


def test_search_page_works_without_javascript(client: TestClient) -> None:
    response = client.get("/search", params={"q": PARAPHRASE[0]})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.text)
    assert doc.xpath("//form[@action='/search' and @method='get']//input[@name='q']")
    assert "every word" in doc.xpath("string(//p[@class='count-line'])")  # a count of papers with all words
    assert doc.xpath("//ol[@class='search-hits']/li")
    assert all(script.get("src") for script in doc.xpath("//script"))  # no inline script: strict CSP
    fragment = client.get("/search", params={"q": "reasoning", "partial": 1}).text
    assert "<html" not in fragment and "search-hit" in fragment


def test_search_page_pages_and_modes(client: TestClient) -> None:
    doc = lxml.html.fromstring(client.get("/search", params={"q": "model", "mode": "keyword"}).text)
    total = int(doc.xpath("string(//p[@class='count-line']/@data-total)"))
    assert total > 20
    next_link = doc.xpath("//nav[@class='pager']//a[@rel='next']/@href")[0]
    second = lxml.html.fromstring(client.get(next_link).text)
    assert second.xpath("//ol[@class='search-hits']/@start") == ["21"]
    for q in ['"unclosed', "author:", "\x00", "a" * 5000]:
        assert client.get("/search", params={"q": q}).status_code == 200
    assert client.get("/search", params={"q": "x", "from": "yesterday"}).status_code == 400
