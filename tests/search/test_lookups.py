"""Queries that name a thing: arXiv ids in every spelling, author names, misspelt words, honest counts.

The ``service`` tests run on a real tantivy index over real papers on SQLite and PostgreSQL; the page tests go
through the app over all 558 real days.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from paperboy import arxiv_ids
from paperboy.search.searcher import search
from paperboy.search.service import SearchService
from paperboy.store.schema import paper_authors

REAL_ID = "2509.21268"  # one of the papers of 2025-09-26, the day the ``service`` corpus holds


def spellings(arxiv_id: str) -> list[str]:
    return [
        arxiv_id,
        f"{arxiv_id}v2",
        f"arXiv:{arxiv_id}",
        f"arxiv: {arxiv_id}",
        f"  https://arxiv.org/abs/{arxiv_id}v1  ",
        f"http://export.arxiv.org/abs/{arxiv_id}",
        f"https://arxiv.org/pdf/{arxiv_id}v3.pdf",
        f"arxiv.org/html/{arxiv_id}v1",
        f"https://huggingface.co/papers/{arxiv_id}",
        f"https://huggingface.co/papers/{arxiv_id}#community",
        f"10.48550/arXiv.{arxiv_id}",
        f"doi:10.48550/arXiv.{arxiv_id}",
        f"https://doi.org/10.48550/arXiv.{arxiv_id}",
    ]


@pytest.mark.parametrize("text", spellings("2509.21268"))
def test_every_spelling_of_an_id_parses(text: str) -> None:
    found = arxiv_ids.parse(text.replace("arxiv: ", "arxiv:"))
    assert found is not None and found.id == "2509.21268"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hep-th/9901001", ("hep-th/9901001", None)),
        ("math.GT/0309136v2", ("math.GT/0309136", 2)),
        ("https://arxiv.org/abs/hep-th/9901001v3", ("hep-th/9901001", 3)),
        ("oai:arXiv.org:astro-ph/0601001", ("astro-ph/0601001", None)),
        ("10.48550/arXiv.hep-th/9901001", ("hep-th/9901001", None)),
    ],
)
def test_old_style_ids(text: str, expected: tuple[str, int | None]) -> None:
    assert arxiv_ids.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2509.212",  # too short
        "https://arxiv.org@evil.example/abs/2509.21268",
        "https://evil.example/abs/2509.21268",
        "https://arxiv.org/abs/2509.21268 extra",
        "２５０９.２１２６８",  # full-width digits
        "10.1000/arXiv.2509.21268",  # not arXiv's DOI prefix
        "diffusion models",
    ],
)
def test_what_is_not_an_id(text: str) -> None:
    assert arxiv_ids.parse(text) is None


def test_ids_inside_longer_text() -> None:
    assert arxiv_ids.find("url = {https://arxiv.org/abs/2401.00001v2}, note={x}") == "2401.00001"
    assert arxiv_ids.find("doi = {10.48550/ARXIV.2401.00002}") == "2401.00002"
    assert arxiv_ids.find("see arXiv:hep-th/9901001 for details") == "hep-th/9901001"
    assert arxiv_ids.find("version 1.2 of 12.34 and 1234.5") is None


@pytest.mark.parametrize("mode", ["hybrid", "keyword", "semantic"])
def test_an_id_in_any_spelling_is_the_only_result(service: SearchService, mode: str) -> None:
    for text in spellings(REAL_ID):
        page = search(service, text, mode=mode)
        assert [h.view.paper.arxiv_id for h in page.hits] == [REAL_ID], text
        assert page.lookup and page.total == 1


def test_a_list_of_ids_and_an_unknown_id(service: SearchService) -> None:
    page = search(service, f"{REAL_ID}, arXiv:2503.00001")
    assert [h.view.paper.arxiv_id for h in page.hits] == [REAL_ID, "2503.00001"]
    unknown = search(service, "2509.99999")
    assert not unknown.lookup  # not held here: an ordinary search, which finds nothing by that id
    assert all(h.view.paper.arxiv_id != "2509.99999" for h in unknown.hits)


def test_an_author_name_lists_that_authors_papers(service: SearchService) -> None:
    page = search(service, "ada LOVELACE")
    assert page.author == "Ada Lovelace"
    assert {h.view.paper.arxiv_id for h in page.hits} == {"2503.00001", "2503.00002"}
    assert page.total == 2
    assert search(service, "surface codes").author is None
    assert search(service, "lovelace turing").author is None  # two names, not one author's name


def test_a_word_found_nowhere_is_corrected(service: SearchService) -> None:
    typed = search(service, "surfcae", mode="keyword", spelling=False)
    assert typed.hits == []
    fixed = search(service, "surfcae", mode="keyword")
    assert fixed.corrected == "surface"
    assert fixed.hits[0].view.paper.arxiv_id == "2503.00001"
    assert search(service, "qunatum surface", mode="keyword").corrected == "quantum surface"


def test_a_rare_real_word_is_searched_as_typed(service: SearchService) -> None:
    page = search(service, "bayes", mode="keyword")
    assert page.corrected is None
    assert [h.view.paper.arxiv_id for h in page.hits] == ["2503.00002"]


def test_the_count_is_of_papers_with_every_word(service: SearchService) -> None:
    page = search(service, "surface codes quantum", mode="keyword")
    assert page.total > page.all_words == 1  # many papers have one of the words; one has them all


def test_the_search_page_goes_straight_to_a_paper(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/search", params={"q": "https://arxiv.org/abs/2509.21268v2"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/papers/2509.21268"
    partial = client.get("/search", params={"q": "2509.21268", "partial": 1})
    assert partial.status_code == 200 and "/papers/2509.21268" in partial.text


def test_an_authors_name_fills_the_first_page_and_offers_the_author_page(client, loaded_engine) -> None:  # type: ignore[no-untyped-def]
    with loaded_engine.connect() as conn:
        prolific = (
            conn.execute(
                sa.select(paper_authors.c.name)
                .group_by(paper_authors.c.name)
                .having(sa.func.count() >= 10)
                .order_by(sa.func.count().desc(), paper_authors.c.name)
                .limit(5)
            )
            .scalars()
            .all()
        )
    assert len(prolific) == 5
    for name in prolific:
        found = client.get("/api/papers/search", params={"q": name.lower(), "limit": 10}).json()
        mine = [e for e in found if any(a["name"] == name for a in e["paper"]["authors"])]
        assert len(mine) >= 8, name
    page = client.get("/search", params={"q": prolific[0]})
    assert re.search(r'href="/authors/[^"]+">author page</a>', page.text)


def test_suggestions_as_you_type(client, loaded_engine) -> None:  # type: ignore[no-untyped-def]
    with loaded_engine.connect() as conn:
        name = conn.execute(
            sa.select(paper_authors.c.name)
            .group_by(paper_authors.c.name)
            .having(sa.func.count() >= 10)
            .order_by(sa.func.count().desc(), paper_authors.c.name)
            .limit(1)
        ).scalar_one()
    body = client.get("/api/suggest", params={"q": name[: len(name) - 2].lower()}).json()
    assert name in [a["name"] for a in body["authors"]], body
    assert body["authors"][0]["url"].startswith("/authors/")
    papers = client.get("/api/suggest", params={"q": "diffusion transfo"}).json()["papers"]
    assert papers and all(p["url"] == f"/papers/{p['id']}" for p in papers)
    by_id = client.get("/api/suggest", params={"q": "arXiv:2509.21268"}).json()
    assert [p["id"] for p in by_id["papers"]] == ["2509.21268"]
    orgs = client.get("/api/suggest", params={"q": "goog"}).json()["organizations"]
    assert any(
        o["name"].lower().startswith("goog") or (o["fullname"] or "").lower().startswith("goog") for o in orgs
    )
    assert client.get("/api/suggest", params={"q": "a"}).json() == {
        "papers": [],
        "authors": [],
        "organizations": [],
    }
    assert client.get("/api/suggest", params={"q": "x\x00"}).status_code == 400
