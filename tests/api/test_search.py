"""``/api/papers/search`` through ``HfApi.list_papers``: a distinctive title word finds its paper."""

from __future__ import annotations

import re
from functools import cache

import pytest
from huggingface_hub import HfApi

from tests.api.conftest import all_days, collapse, day_file, max_upvotes


@cache
def _texts() -> dict[str, str]:
    return {
        e["paper"]["id"]: collapse(f"{e['paper']['title']} {e['paper']['summary']}").lower()
        for entries in all_days().values()
        for e in entries
    }


def _distinctive_word(arxiv_id: str, title: str) -> str | None:
    """The longest title word that no other paper's title or abstract contains (search is substring)."""
    for word in sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9\-]{3,}", title)), key=len, reverse=True):
        needle = word.lower()
        if [i for i, text in _texts().items() if needle in text] == [arxiv_id]:
            return word
    return None


@pytest.mark.parametrize("day", ["2024-05-27", "2025-09-26", "2026-08-21"])
def test_a_distinctive_title_word_finds_the_paper(hf: HfApi, day: str) -> None:
    tried = 0
    for entry in day_file(day)[:12]:
        arxiv_id = entry["paper"]["id"]
        word = _distinctive_word(arxiv_id, collapse(entry["paper"]["title"]))
        if word is None:
            continue
        tried += 1
        found = list(hf.list_papers(query=word))
        assert [p.id for p in found] == [arxiv_id], word
        assert found[0].title == collapse(entry["paper"]["title"])
        assert (found[0].upvotes or 0) == max_upvotes()[arxiv_id]
        assert found[0].authors and found[0].authors[0].name == collapse(entry["paper"]["authors"][0]["name"])
    assert tried >= 3


def test_every_word_must_match_and_best_voted_come_first(hf: HfApi) -> None:
    found = list(hf.list_papers(query="multimodal reasoning", limit=30))
    assert len(found) == 30
    for paper in found:
        text = f"{paper.title} {paper.summary}".lower()
        assert "multimodal" in text and "reasoning" in text
    votes = [p.upvotes or 0 for p in found]
    assert votes == sorted(votes, reverse=True)


def test_limit_defaults_to_50_and_caps_at_120(hf: HfApi, client) -> None:  # type: ignore[no-untyped-def]
    assert len(list(hf.list_papers(query="model"))) == 50
    assert len(list(hf.list_papers(query="model", limit=120))) == 120
    assert client.get("/api/papers/search", params={"q": "model", "limit": 121}).status_code == 422


def test_empty_query_gives_nothing(hf: HfApi, client) -> None:  # type: ignore[no-untyped-def]
    assert list(hf.list_papers()) == []
    assert client.get("/api/papers/search", params={"q": "   "}).json() == []
    assert list(hf.list_papers(query="zzzqqqxxyy")) == []


def test_search_results_have_the_daily_entry_shape(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/papers/search", params={"q": "MMR1", "limit": 1}).json()
    assert body[0]["paper"]["id"] == "2509.21268"
    assert body[0]["title"] == body[0]["paper"]["title"]
    assert body[0]["numComments"] == 1 and body[0]["isAuthorParticipating"] is False
