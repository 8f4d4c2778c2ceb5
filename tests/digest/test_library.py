"""A reader's library on a real week of papers (SQLite and PostgreSQL): importing or marking papers changes
/for-you at once, "not interested" keeps a paper out of later picks, the two marks exclude each other, the
/library page lists, files and removes, and the personal API previews picks without recording them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.api.me_schemas import RecommendationOut
from paperboy.store.schema import library_items, recommendations
from tests.sites import Client, Site, make_site

VIDEO = ["2509.15496", "2509.17985", "2509.20358"]  # Lynx, VideoFrom3D, PhysCtrl: video generation
SPEECH = ["2509.10452", "2509.16990"]  # WhisTLE, speech-aware LMs with GRPO


@pytest.fixture
def reader(papers_engine: Engine, tmp_path: Path) -> Iterator[tuple[Site, Client]]:
    with make_site(papers_engine, tmp_path) as site:
        site.add_user("ada")
        yield site, site.client("ada")


def _picks(client: Client) -> list[tuple[str, str]]:
    """(arXiv id, reason) of each pick shown on /for-you."""
    page = lxml.html.fromstring(client.get("/for-you").text)
    found = []
    for item in page.xpath("//li[@class='digest-item']"):
        arxiv_id = item.xpath(".//*[@data-library-for]")[0].get("data-library-for")
        found.append((arxiv_id, item.xpath(".//p[@class='digest-why']")[0].text_content()))
    return found


def _titles(engine: Engine, ids: list[str]) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT arxiv_id, title FROM papers")).all()
    return [" ".join(t.split())[:40] for a, t in rows if a in ids]


def test_importing_a_library_changes_for_you_at_once(reader: tuple[Site, Client]) -> None:
    site, client = reader
    assert _picks(client) == []  # an empty library: no picks, and no trending filler
    client.form("/library/import", {"library": "\n".join(VIDEO)})
    first = _picks(client)
    video_titles = _titles(site.engine, VIDEO)
    assert first and all(any(t in reason for t in video_titles) for _, reason in first)
    assert not set(VIDEO) & {a for a, _ in first}  # library papers are never recommended back
    bib = "\n".join(
        f"@article{{s{n}, title={{T}}, journal={{CoRR}}, volume={{abs/{a}}}}}" for n, a in enumerate(SPEECH)
    )
    assert "Imported 2" in client.form("/library/import", {"library": bib}).text
    second = _picks(client)
    speech_titles = _titles(site.engine, SPEECH)
    assert any(any(t in reason for t in speech_titles) for _, reason in second)


def test_not_interested_removes_a_paper_from_later_picks(reader: tuple[Site, Client]) -> None:
    site, client = reader
    client.form("/library/import", {"library": "\n".join(VIDEO)})
    shown = [a for a, _ in _picks(client)]
    unwanted = shown[0]
    response = client.form("/library/not-interested", {"arxiv_id": unwanted, "next": "/for-you"})
    assert response.status_code == 303 and response.headers["location"] == "/for-you"
    assert unwanted not in [a for a, _ in _picks(client)]
    preview = client.get("/api/me/recommendations", params={"limit": 50})
    assert preview.status_code == 200 and unwanted not in [p["paper"]["id"] for p in preview.json()]
    # Saving it instead lifts "not interested" (the two marks exclude each other), and undo removes the save.
    saved = client.post(
        "/library/save",
        data={"arxiv_id": unwanted},
        headers={"Accept": "application/json", "X-CSRF-Token": client.csrf},
    )
    assert saved.json()["state"] == "saved"
    with site.engine.connect() as conn:
        kinds = conn.execute(sa.select(library_items.c.kind).where(library_items.c.arxiv_id == unwanted))
        assert kinds.scalars().all() == ["saved"]
    undone = client.form(
        "/library/save", {"arxiv_id": unwanted, "undo": "1"}, headers={"Accept": "application/json"}
    )
    assert undone.json()["state"] is None


def test_library_page_folders_and_remove(reader: tuple[Site, Client]) -> None:
    site, client = reader
    assert (
        client.form("/library/save", {"arxiv_id": f"arXiv:{VIDEO[0]}v2", "next": "/library"}).status_code
        == 303
    )
    client.form("/library/save", {"arxiv_id": VIDEO[1]})
    client.form("/library/folder", {"arxiv_id": VIDEO[1], "folder": "Video  generation"})
    page = client.doc("/library")
    headings = [h.text_content() for h in page.xpath("//h2[@class='library-folder']")]
    assert any(h.startswith("Video generation") for h in headings) and any(
        h.startswith("Unfiled") for h in headings
    )
    assert {li.get("data-arxiv-id") for li in page.xpath("//li[@class='library-item']")} == {
        VIDEO[0],
        VIDEO[1],
    }
    client.form("/library/remove", {"arxiv_id": VIDEO[0]})
    assert [
        li.get("data-arxiv-id") for li in client.doc("/library").xpath("//li[@class='library-item']")
    ] == [VIDEO[1]]
    assert client.form("/library/save", {"arxiv_id": "not an id"}).status_code == 400
    assert client.form("/library/save", {"arxiv_id": VIDEO[0]}, csrf=False).status_code == 403


def test_recommendations_preview_records_nothing(reader: tuple[Site, Client]) -> None:
    site, client = reader
    token = {"Authorization": f"Bearer {site.token('ada')}"}
    client.cookies.clear()
    added = client.post(
        "/api/me/library", json={"ids": VIDEO, "kind": "saved", "folder": "video"}, headers=token
    )
    assert added.status_code == 200 and added.json()["added"] == 3
    answer = client.get(
        "/api/me/recommendations",
        params={"since": "2025-09-22", "until": "2025-09-26", "limit": 5},
        headers=token,
    )
    assert answer.status_code == 200, answer.text
    picks = [RecommendationOut.model_validate(p) for p in answer.json()]
    assert 0 < len(picks) <= 5
    video_titles = _titles(site.engine, VIDEO)
    assert all(any(t in p.reason for t in video_titles) for p in picks)
    assert all(re.fullmatch(r"\d{4}\.\d{4,5}", p.paper.id) for p in picks)
    with site.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(recommendations)).scalar_one() == 0
    default = client.get("/api/me/recommendations", headers=token)
    assert default.status_code == 200 and [p["paper"]["id"] for p in default.json()][:1]
    outside = client.get(
        "/api/me/recommendations", params={"since": "2020-01-01", "until": "2020-01-31"}, headers=token
    )
    assert outside.status_code == 200 and outside.json() == []
