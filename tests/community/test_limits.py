"""Per-user limits on votes and comments: 429 with Retry-After and a clear sentence, on forms and the API."""

from __future__ import annotations

import sqlalchemy as sa

from paperboy.store.schema import comments, throttle
from tests.community.conftest import POPULAR, QUIET
from tests.sites import Site


def _limits(site: Site, **values: int) -> None:
    site.app.state.settings = site.settings.model_copy(update=values)  # type: ignore[attr-defined]


def _window_passes(site: Site) -> None:
    with site.engine.begin() as conn:
        conn.execute(sa.delete(throttle))


def test_votes_are_limited_per_user_on_the_api_and_the_pages(site: Site) -> None:
    _limits(site, vote_limit=5, vote_window_seconds=60)
    token = site.token("alice")
    api = site.client()
    bearer = {"Authorization": f"Bearer {token}"}
    codes = [
        api.request(
            "POST" if n % 2 == 0 else "DELETE", f"/api/papers/{POPULAR}/vote", headers=bearer
        ).status_code
        for n in range(5)
    ]
    assert codes == [200] * 5
    refused = api.post(f"/api/papers/{POPULAR}/vote", headers=bearer)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert "You have voted 5 times in 60 second(s)" in refused.json()["error"]
    page = site.client("alice")  # the same user in a browser shares the count
    form = page.form(f"/papers/{QUIET}/vote", {"value": "1"})
    assert form.status_code == 429 and "Try again in" in form.text and form.headers["retry-after"]
    script = page.form(f"/papers/{QUIET}/vote", {"value": "1"}, headers={"Accept": "application/json"})
    assert script.status_code == 429 and "voted 5 times" in script.json()["error"]
    assert site.client("bob").form(f"/papers/{QUIET}/vote", {"value": "1"}).status_code == 303, "per user"
    _window_passes(site)
    assert api.post(f"/api/papers/{QUIET}/vote", headers=bearer).status_code == 200


def test_comments_are_limited_per_user_and_a_refused_draft_is_kept(site: Site) -> None:
    _limits(site, comment_limit=3, comment_window_minutes=10)
    token = site.token("alice")
    api = site.client()
    bearer = {"Authorization": f"Bearer {token}"}
    posted = [
        api.post(f"/api/papers/{POPULAR}/comments", json={"body": f"note {n}"}, headers=bearer).status_code
        for n in range(3)
    ]
    assert posted == [201] * 3
    refused = api.post(f"/api/papers/{POPULAR}/comments", json={"body": "one more"}, headers=bearer)
    assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 600
    assert "posted or edited comments 3 times in 10 minute(s)" in refused.json()["error"]
    page = site.client("alice")
    draft = "A long, careful comment the writer must not lose."
    form = page.form(f"/papers/{POPULAR}/comments", {"body": draft})
    assert form.status_code == 429 and form.headers["retry-after"]
    assert draft in form.text and "Try again in" in form.text, "the draft comes back to resend later"
    with site.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(comments)).scalar_one() == 3
    assert site.client("bob").form(f"/papers/{POPULAR}/comments", {"body": "hi"}).status_code == 303
    _window_passes(site)
    assert page.form(f"/papers/{POPULAR}/comments", {"body": draft}).status_code == 303


def test_openapi_documents_the_429(site: Site) -> None:
    spec = site.client().get("/api/openapi.json").json()
    for path, method in [
        ("/api/papers/{paper_id}/vote", "post"),
        ("/api/papers/{paper_id}/comments", "post"),
    ]:
        answer = spec["paths"][path][method]["responses"]["429"]
        assert "Retry-After" in answer["headers"]
