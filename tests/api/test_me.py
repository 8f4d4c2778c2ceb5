# ruff: noqa: F811  (the community fixture `site` is imported by name, then requested as an argument)
"""The personal API on SQLite and PostgreSQL: token auth, the library round trip, the two marks excluding each
other, clear 4xx answers for bad input, and the OpenAPI schema documenting it all."""

from __future__ import annotations

import sqlalchemy as sa

from paperboy.api.me_schemas import LibraryChangeOut, LibraryOut
from paperboy.store.schema import library_items
from tests.community.conftest import OLD_STYLE, POPULAR, QUIET, site  # noqa: F401
from tests.sites import Site


def test_library_round_trip_with_a_token(site: Site) -> None:
    client = site.client()
    token = {"Authorization": f"Bearer {site.token('alice')}"}
    assert client.get("/api/me/library").status_code == 401
    assert client.get("/api/me/library", headers={"Authorization": "Bearer pbt_nope"}).status_code == 401
    assert client.get("/api/me/library", headers=token).json() == {"items": []}
    body = {"ids": [POPULAR, f"https://arxiv.org/abs/{QUIET}v2", OLD_STYLE, POPULAR], "kind": "saved"}
    added = client.post("/api/me/library", json={**body, "folder": "to read"}, headers=token)
    assert added.status_code == 200, added.text
    change = LibraryChangeOut.model_validate(added.json())
    assert change.added == 3 and {i.id for i in change.items} == {POPULAR, QUIET, OLD_STYLE}
    assert {(i.kind, i.folder, i.onSite) for i in change.items} == {("saved", "to read", True)}
    again = client.post("/api/me/library", json=body, headers=token)
    assert again.json()["added"] == 0  # already saved (in a folder): saving with no folder changes nothing
    # "not interested" replaces every saved mark of that paper
    client.post("/api/me/library", json={"ids": [POPULAR], "kind": "not_interested"}, headers=token)
    listed = LibraryOut.model_validate(client.get("/api/me/library", headers=token).json())
    assert [i.kind for i in listed.items if i.id == POPULAR] == ["not_interested"]
    assert client.delete(f"/api/me/library/{QUIET}v3", headers=token).status_code == 204
    assert client.delete(f"/api/me/library/{QUIET}", headers=token).status_code == 404
    with site.engine.connect() as conn:
        left = conn.execute(sa.select(library_items.c.arxiv_id).where(library_items.c.arxiv_id == QUIET))
        assert left.all() == []


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(site: Site) -> None:
    client = site.client()
    token = {"Authorization": f"Bearer {site.token('bob')}"}
    cases = [
        ({"ids": ["not-an-id"], "kind": "saved"}, 400, "not an arXiv id"),
        ({"ids": [], "kind": "saved"}, 422, "ids"),
        ({"ids": [POPULAR] * 101, "kind": "saved"}, 422, "ids"),
        ({"ids": [POPULAR], "kind": "loved"}, 422, "kind"),
        ({"ids": [POPULAR], "kind": "saved", "folder": "x" * 201}, 422, "folder"),
        ({"ids": [POPULAR], "kind": "saved", "extra": 1}, 422, "extra"),
    ]
    for body, status, words in cases:
        answer = client.post("/api/me/library", json=body, headers=token)
        assert answer.status_code == status, (body, answer.text)
        assert words in str(answer.json()["error"]), answer.json()
    assert client.get("/api/me/library", headers=token).json() == {"items": []}
    assert client.delete("/api/me/library/nonsense", headers=token).status_code == 400
    for params, status in [
        ({"since": "2026-13-01"}, 400),
        ({"since": "2026-08-21", "until": "2026-08-01"}, 400),
        ({"since": "2026-01-01", "until": "2026-08-21"}, 400),
        ({"limit": 0}, 422),
        ({"limit": 51}, 422),
    ]:
        answer = client.get("/api/me/recommendations", params=params, headers=token)
        assert answer.status_code == status, (params, answer.text)
        assert answer.json()["error"]
    assert client.get("/api/me/recommendations", headers=token).json() == []  # empty library: no filler


def test_a_session_needs_the_csrf_header_to_change_the_library(site: Site) -> None:
    browser = site.client("alice")
    body = {"ids": [POPULAR], "kind": "saved"}
    assert browser.post("/api/me/library", json=body).status_code == 403
    answer = browser.post("/api/me/library", json=body, headers={"X-CSRF-Token": browser.csrf})
    assert answer.status_code == 200 and answer.json()["added"] == 1
    assert browser.delete(f"/api/me/library/{POPULAR}").status_code == 403


def test_openapi_documents_the_personal_api(site: Site) -> None:
    schema = site.client().get("/api/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/me/library"])
    assert "delete" in paths["/api/me/library/{paper_id}"]
    recs = paths["/api/me/recommendations"]["get"]
    assert {p["name"] for p in recs["parameters"]} == {"since", "until", "limit"}
    item = recs["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"]
    assert item.endswith("/RecommendationOut")
    assert "LibraryIn" in schema["components"]["schemas"]
