"""``/api/papers/search`` stays Hugging Face compatible on the 558 real days (keyword results, no vectors)."""

from __future__ import annotations

import bisect
import json
import re
from functools import cache

import pytest
from huggingface_hub import HfApi

from tests.conftest import HF_DAILY


@pytest.fixture(scope="module")
def hf(live_server) -> HfApi:  # type: ignore[no-untyped-def]
    return HfApi(endpoint=live_server.url, token=False)


@cache
def entries(day: str) -> list[dict]:
    return json.loads((HF_DAILY / f"{day}.json").read_text())


@cache
def papers_by_word() -> tuple[list[str], list[set[str]]]:
    """Every word of every saved paper's title and abstract (sorted) with the papers holding it."""
    holders: dict[str, set[str]] = {}
    for path in sorted(HF_DAILY.glob("????-??-??.json")):
        for e in entries(path.stem):
            text = f"{e['paper']['title']} {e['paper']['summary']}".lower()
            for word in set(re.findall(r"\w+", text)):
                holders.setdefault(word, set()).add(e["paper"]["id"])
    words = sorted(holders)
    return words, [holders[w] for w in words]


def papers_with_prefix(prefix: str) -> set[str]:
    """Papers with a word starting with ``prefix`` (what a stemmed or prefix match could also find)."""
    words, holders = papers_by_word()
    found: set[str] = set()
    for i in range(bisect.bisect_left(words, prefix), len(words)):
        if not words[i].startswith(prefix):
            break
        found |= holders[i]
    return found


def distinctive_word(arxiv_id: str, title: str) -> str | None:
    """The longest title word that starts no word of any other paper."""
    for word in sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9]{4,}", title)), key=len, reverse=True):
        if papers_with_prefix(word.lower()) == {arxiv_id}:
            return word
    return None


@pytest.mark.parametrize("day", ["2024-05-27", "2025-09-26", "2026-08-21"])
def test_a_distinctive_title_word_finds_the_paper(hf: HfApi, day: str) -> None:
    tried = 0
    for entry in entries(day)[:30]:
        arxiv_id = entry["paper"]["id"]
        word = distinctive_word(arxiv_id, entry["paper"]["title"])
        if word is None:
            continue
        tried += 1
        found = list(hf.list_papers(query=word))
        top = [p.id for p in found[:3]]  # stemming may also match a sibling word in another paper
        assert arxiv_id in top, word
        assert found[top.index(arxiv_id)].title == " ".join(entry["paper"]["title"].split())
    assert tried >= 3


def test_limit_defaults_to_50_and_caps_at_120(hf: HfApi, client) -> None:  # type: ignore[no-untyped-def]
    assert len(list(hf.list_papers(query="model"))) == 50
    assert len(list(hf.list_papers(query="model", limit=120))) == 120
    assert client.get("/api/papers/search", params={"q": "model", "limit": 121}).status_code == 422


def test_empty_or_unmatched_query_gives_nothing(hf: HfApi, client) -> None:  # type: ignore[no-untyped-def]
    assert list(hf.list_papers()) == []
    assert client.get("/api/papers/search", params={"q": "   "}).json() == []
    assert list(hf.list_papers(query="zzzqqqxxyy")) == []


def test_results_have_the_daily_entry_shape(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/papers/search", params={"q": "MMR1", "limit": 1}).json()
    assert body[0]["paper"]["id"] == "2509.21268"
    assert body[0]["title"] == body[0]["paper"]["title"]
    assert body[0]["isAuthorParticipating"] is False


def test_bad_parameters_are_named(client) -> None:  # type: ignore[no-untyped-def]
    for params in ({"q": "a\x00b"}, {"q": "x", "date_from": "2025-02-01", "date_to": "2025-01-01"}):
        response = client.get("/api/papers/search", params=params)
        assert response.status_code == 400 and response.json()["error"]
    assert client.get("/api/papers/search", params={"q": "x", "mode": "magic"}).status_code == 422
