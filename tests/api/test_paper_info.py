"""``/api/papers/{id}`` and ``/papers/{id}.md`` on the real days, read through the official client."""

from __future__ import annotations

from datetime import datetime

import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import HfHubHTTPError

from tests.api.conftest import all_days, collapse, day_file, latest_entry, max_upvotes

DAYS = ["2024-05-27", "2025-09-26", "2025-11-20", "2026-08-21"]


def _once_featured(day: str) -> list[str]:
    """Papers featured on exactly one day, so the saved entry is the whole truth about them."""
    counts: dict[str, int] = {}
    for entries in all_days().values():
        for entry in entries:
            counts[entry["paper"]["id"]] = counts.get(entry["paper"]["id"], 0) + 1
    return [e["paper"]["id"] for e in day_file(day) if counts[e["paper"]["id"]] == 1]


@pytest.mark.parametrize("day", DAYS)
def test_paper_info_matches_the_saved_entry(hf: HfApi, day: str) -> None:
    for arxiv_id in _once_featured(day):
        saved = latest_entry(arxiv_id)
        theirs = saved["paper"]
        info = hf.paper_info(arxiv_id)
        assert info.id == arxiv_id
        assert info.title == collapse(theirs["title"])
        assert info.summary == collapse(theirs["summary"])
        assert (info.upvotes or 0) == max_upvotes()[arxiv_id]
        assert info.comments == saved.get("numComments", 0)
        assert [(a.name, a.hidden) for a in info.authors or []] == [
            (collapse(a["name"]), a["hidden"]) for a in theirs["authors"]
        ]
        assert info.github_repo == (theirs.get("githubRepo") or None)
        assert info.github_stars == theirs.get("githubStars")
        assert info.project_page == (theirs.get("projectPage") or None)
        assert info.ai_summary == (collapse(theirs.get("ai_summary") or "") or None)
        assert info.ai_keywords == theirs.get("ai_keywords")
        org = theirs.get("organization")
        assert (info.organization.name if info.organization else None) == (org["name"] if org else None)
        if org:
            assert info.organization.fullname == org["fullname"]
        assert info.published_at == datetime.fromisoformat(theirs["publishedAt"])
        if "submittedOnDailyAt" in theirs:
            assert info.submitted_at == datetime.fromisoformat(theirs["submittedOnDailyAt"])
        who = saved.get("submittedBy")
        if who:
            assert info.submitted_by.username == who["name"]  # submittedOnDailyBy names the handle ``user``


def test_a_versioned_id_resolves_to_the_paper(hf: HfApi) -> None:
    assert hf.paper_info("2509.21268v2").id == "2509.21268"
    assert hf.paper_info("arXiv:2509.21268").id == "2509.21268"


def test_featured_twice_keeps_the_highest_count(hf: HfApi) -> None:
    for arxiv_id, votes in {"2604.07429": 42, "2606.11176": 82, "2608.12313": 27, "2608.13558": 54}.items():
        assert hf.paper_info(arxiv_id).upvotes == votes


def test_unknown_paper_is_404(hf: HfApi, client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HfHubHTTPError) as caught:
        hf.paper_info("2509.99999")
    assert caught.value.response.status_code == 404
    response = client.get("/api/papers/2509.99999")
    assert response.status_code == 404
    assert response.json() == {"error": "There is no paper 2509.99999 here."}


@pytest.mark.parametrize(
    "bad", ["abc", "2509", "2509.21268v", "hep-th/99", "..%2F..%2Fetc", "2509.21268/reviews"]
)
def test_not_an_arxiv_id_is_404_like_an_unknown_paper(client, bad: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/papers/{bad}")
    assert response.status_code == 404
    assert "not an arXiv id" in response.json()["error"]


def test_markdown(client, hf: HfApi) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/papers/2509.21268.md")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    text = response.text
    assert text.startswith(
        "# MMR1: Enhancing Multimodal Reasoning with Variance-Aware Sampling and Open Resources\n"
    )
    assert "Sicong Leng, Jing Wang" in text
    assert "https://arxiv.org/abs/2509.21268" in text and "https://arxiv.org/pdf/2509.21268" in text
    assert "## Abstract\n\nLarge multimodal reasoning models" in text
    assert "**Upvotes:** 55" in text and "<https://github.com/LengSicong/MMR1> (171 stars)" in text
    assert "2025-09-26" in text and "@Sicong" in text
    assert hf.read_paper("2509.21268") == text
    assert client.get("/papers/2509.21268v1.md").text == text


def test_markdown_of_unknown_or_bad_id(client) -> None:  # type: ignore[no-untyped-def]
    missing = client.get("/papers/2509.99999.md")
    assert missing.status_code == 404 and missing.json() == {"error": "There is no paper 2509.99999 here."}
    assert client.get("/papers/nonsense.md").status_code == 404
