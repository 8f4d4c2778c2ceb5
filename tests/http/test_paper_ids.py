"""One rule for every route that names a paper (``paperboy.papers.visible_paper``): a malformed id, an
unknown paper and a paper a moderator hid all answer 404 with the same words, on pages and API alike; a
moderator still opens the page of what they hid. SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from httpx import Response

from tests.community.conftest import OLD_STYLE, POPULAR, QUIET
from tests.sites import Client, Site

UNKNOWN = "2608.99999"
MALFORMED = "not-an-id"


def _hide(site: Site, arxiv_id: str) -> None:
    with site.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE papers SET hidden_at = CURRENT_TIMESTAMP WHERE arxiv_id = :id"), {"id": arxiv_id}
        )


Call = Callable[[Site, Client, str], Response]


def _token(site: Site) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.token('bob')}"}


ROUTES: dict[str, Call] = {
    "GET /papers/{id}": lambda site, c, pid: c.get(f"/papers/{pid}"),
    "GET /papers/{id}.md": lambda site, c, pid: c.get(f"/papers/{pid}.md"),
    "GET /api/papers/{id}": lambda site, c, pid: c.get(f"/api/papers/{pid}"),
    "GET /api/papers/{id}/similar": lambda site, c, pid: c.get(f"/api/papers/{pid}/similar"),
    "GET /api/papers/{id}/comments": lambda site, c, pid: c.get(f"/api/papers/{pid}/comments"),
    "POST /api/papers/{id}/vote": lambda site, c, pid: c.post(
        f"/api/papers/{pid}/vote", headers=_token(site)
    ),
    "DELETE /api/papers/{id}/vote": lambda site, c, pid: c.delete(
        f"/api/papers/{pid}/vote", headers=_token(site)
    ),
    "POST /api/papers/{id}/comments": lambda site, c, pid: c.post(
        f"/api/papers/{pid}/comments", json={"body": "Hello"}, headers=_token(site)
    ),
    "POST /papers/{id}/vote": lambda site, c, pid: c.form(f"/papers/{pid}/vote", {"value": "1"}),
    "POST /papers/{id}/comments": lambda site, c, pid: c.form(f"/papers/{pid}/comments", {"body": "Hi"}),
    "POST /papers/{id}/claim": lambda site, c, pid: c.form(f"/papers/{pid}/claim", {"author_name": "X"}),
}


def _message(response: Response) -> str:
    if response.headers["content-type"].startswith("application/json"):
        return response.json()["error"]
    return response.text


def test_hidden_unknown_and_malformed_ids_are_the_same_404(site: Site) -> None:
    _hide(site, QUIET)
    alice = site.client("alice")
    for route, call in ROUTES.items():
        hidden, unknown, malformed = (call(site, alice, pid) for pid in (QUIET, UNKNOWN, MALFORMED))
        assert (hidden.status_code, unknown.status_code, malformed.status_code) == (404, 404, 404), route
        # The words cannot tell a hidden paper from one that never existed.
        assert f"There is no paper {QUIET} here." in _message(hidden), route
        assert f"There is no paper {UNKNOWN} here." in _message(unknown), route
        assert _message(hidden).replace(QUIET, "ID") == _message(unknown).replace(UNKNOWN, "ID"), route
        assert "not an arXiv id" in _message(malformed), route
        # The same call on a visible paper gets past the rule (a claim is then refused for its author name).
        visible = call(site, alice, POPULAR)
        assert visible.status_code in (200, 201, 303, 400), (route, visible.text[:300])


def test_moderators_still_open_what_they_hid_and_only_there(site: Site) -> None:
    _hide(site, OLD_STYLE)
    mona = site.client("mona")
    assert mona.get(f"/papers/{OLD_STYLE}").status_code == 200
    assert mona.form(f"/papers/{OLD_STYLE}/hide", {"hidden": "0"}).status_code == 303  # restores it
    assert site.client().get(f"/api/papers/{OLD_STYLE}").status_code == 200
    assert mona.form(f"/papers/{MALFORMED}/hide", {"hidden": "1"}).status_code == 404


def test_versioned_and_prefixed_ids_still_lead_to_the_paper(site: Site) -> None:
    anon = site.client()
    moved = anon.get(f"/papers/{POPULAR}v2", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == f"/papers/{POPULAR}"
    assert anon.get(f"/api/papers/arXiv:{POPULAR}").json()["id"] == POPULAR
