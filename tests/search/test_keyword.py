"""Keyword search on SQLite and PostgreSQL: fields, phrases, prefixes, filters, sorting and hostile input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperboy.search.keyword import Filters
from paperboy.search.searcher import search
from paperboy.search.service import SearchService


def ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.view.paper.arxiv_id for hit in page.hits]


def test_words_rank_title_matches_and_highlight_them(service: SearchService) -> None:
    page = search(service, "surface codes quantum", mode="keyword")
    assert ids(page)[0] == "2503.00001"
    assert page.total >= 1
    assert "<mark>surface</mark>" in str(page.hits[0].snippet).lower()


def test_stemming_accents_and_case_do_not_matter(service: SearchService) -> None:
    assert ids(search(service, "NAIVE cafe ubersetzung", mode="keyword"))[0] == "2503.00002"
    assert ids(search(service, "decoders decoded", mode="keyword"))[0] == "2503.00001"  # decoding → decod


def test_phrase_must_appear_in_order(service: SearchService) -> None:
    assert ids(search(service, '"surface codes"', mode="keyword")) == ["2503.00001"]
    assert ids(search(service, '"codes surface"', mode="keyword")) == []


def test_prefix_and_prefix_as_you_type(service: SearchService) -> None:
    assert "2503.00001" in ids(search(service, "quant*", mode="keyword"))
    assert "2503.00001" in ids(search(service, "fault tolera", mode="keyword", prefix_last=True))


def test_excluded_words_leave_papers_out(service: SearchService) -> None:
    both = ids(search(service, "naive quantum", mode="keyword", limit=50))
    assert {"2503.00001", "2503.00002"} <= set(both)
    assert "2503.00002" not in ids(search(service, "naive quantum -translation", mode="keyword", limit=50))


def test_author_category_and_org_filters(service: SearchService) -> None:
    assert ids(search(service, 'author:"grace hopper"', mode="keyword")) == ["2503.00001"]
    assert set(ids(search(service, "author:lovelace", mode="keyword"))) == {"2503.00001", "2503.00002"}
    assert ids(search(service, "category:QUANT-PH", mode="keyword")) == ["2503.00001"]
    assert ids(search(service, "bayes", filters=Filters(categories=["cs.CL"]), mode="keyword")) == [
        "2503.00002"
    ]
    assert ids(search(service, "org:tinylab", mode="keyword")) == ["2503.00002"]
    assert ids(search(service, "translation", filters=Filters(orgs=["Tiny Lab"]))) == ["2503.00002"]
    assert ids(search(service, "quantum category:cs.CL", mode="keyword")) == []


def test_date_range_filter(service: SearchService) -> None:
    before_2024 = search(service, "", filters=Filters(date_to=date(2023, 12, 31)), mode="keyword")
    assert ids(before_2024) == ["2503.00001"]
    window = Filters(date_from=date(2025, 9, 1), date_to=date(2025, 9, 30))
    page = search(service, "model", filters=window, mode="keyword", limit=100)
    assert page.total > 0
    for hit in page.hits:
        assert date(2025, 9, 1) <= hit.view.paper.submitted_at.date() <= date(2025, 9, 30)


def test_sort_by_date_and_by_upvotes(service: SearchService) -> None:
    newest = search(service, "model", mode="keyword", sort="date", limit=30)
    days = [h.view.paper.submitted_at for h in newest.hits]
    assert days == sorted(days, reverse=True)
    voted = search(service, "model", mode="keyword", sort="upvotes", limit=30)
    votes = [h.view.upvotes for h in voted.hits]
    assert votes == sorted(votes, reverse=True) and votes[0] > 0
    older_name = search(service, "model", mode="keyword", sort="trending", limit=30)
    assert older_name.sort == "upvotes" and [h.view.paper_id for h in older_name.hits] == [
        h.view.paper_id for h in voted.hits
    ]


def test_paging_is_consistent_with_counts(service: SearchService) -> None:
    first = search(service, "model", mode="keyword", limit=10)
    second = search(service, "model", mode="keyword", limit=10, offset=10)
    assert first.total == second.total > 10
    assert not set(ids(first)) & set(ids(second))


HOSTILE = [
    '"',
    '"""',
    'unclosed "quote',
    "AND OR NOT",
    "title:foo^3 ~2 [a TO b] {x} (((",
    "author: category: org:",
    "-",
    "--model",
    "*",
    "model* * ** *a",
    "\x00 null \x00 byte",
    "\u202e\u200b\ufeff zero width",
    "模型 推理 多模态",
    "مرحبا بالعالم",
    "😀 🚀 emoji reasoning",
    "a" * 10_000,
    "model " * 2_000,
    "\\ / \\\\ ; ' `rm -rf` $(x) <script>alert(1)</script>",
    "%_% LIKE '%' --",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_break_keyword_search(service: SearchService, query: str) -> None:
    assert_sane(search(service, query, mode="keyword", limit=5), "keyword")


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("mode", ["hybrid", "semantic"])
def test_hostile_queries_never_break_search_by_meaning(
    semantic_service: SearchService, query: str, mode: str
) -> None:
    """On real MiniLM vectors, so the query really is embedded and the vector search really runs."""
    assert_sane(search(semantic_service, query, mode=mode, limit=5), mode)


def assert_sane(page, mode: str) -> None:  # type: ignore[no-untyped-def]
    """A page that adds up, shows no markup from the query, and used ``mode`` whenever the query has words."""
    assert page.total >= len(page.hits)
    for hit in page.hits:
        assert "<script>" not in str(hit.snippet)
    if page.parsed.text:
        assert page.mode == mode, f"{mode} search ran as {page.mode}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_is_a_valid_query(semantic_service: SearchService, text: str) -> None:
    assert_sane(search(semantic_service, text, mode="hybrid", limit=3, prefix_last=True), "hybrid")
