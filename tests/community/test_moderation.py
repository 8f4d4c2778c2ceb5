"""Moderators hide comments and papers; everyone else sees a placeholder or nothing at all."""

from __future__ import annotations

import sqlalchemy as sa

from paperboy.store.schema import comments, papers
from tests.community.conftest import DAY, POPULAR, QUIET
from tests.community.test_comments import comment_li, post, text_of
from tests.sites import Site


def test_moderator_hides_and_restores_a_comment(site: Site) -> None:
    alice, bob, mona = site.client("alice"), site.client("bob"), site.client("mona")
    rude = post(alice, QUIET, "Something rude.")
    reply = post(bob, QUIET, "Please be kind.", parent=rude)
    assert bob.form(f"/comments/{rude}/hide", {"hidden": "1"}).status_code == 403
    assert mona.form(f"/comments/{rude}/hide", {"hidden": "1"}).status_code == 303
    with site.engine.connect() as conn:
        row = conn.execute(
            sa.select(comments.c.hidden_by, comments.c.hidden_at).where(comments.c.id == rude)
        ).one()
    assert row.hidden_by == site.users["mona"] and row.hidden_at is not None
    for viewer in (site.client(), bob, alice):
        doc = viewer.doc(f"/papers/{QUIET}")
        assert text_of(doc, rude) == "[hidden by a moderator]"
        assert text_of(doc, reply) == "Please be kind."
    seen = mona.doc(f"/papers/{QUIET}")
    assert text_of(seen, rude) == "Something rude."
    assert "only moderators see this" in comment_li(seen, rude).xpath("string(.//header)")
    assert comment_li(seen, rude).xpath(f".//form[@action='/comments/{rude}/hide']//button/text()") == [
        "Unhide"
    ]
    assert bob.get(f"/api/papers/{QUIET}").json()["numComments"] == 1
    public = bob.get(f"/api/papers/{QUIET}/comments").json()["comments"][0]
    assert public["hidden"] is True and public["body"] is None and public["html"] is None
    token = {"Authorization": f"Bearer {site.token('mona')}"}
    assert site.client().get(f"/api/papers/{QUIET}/comments", headers=token).json()["comments"][0]["body"]
    assert mona.form(f"/comments/{rude}/hide", {"hidden": "0"}).status_code == 303
    assert text_of(bob.doc(f"/papers/{QUIET}"), rude) == "Something rude."
    assert bob.get(f"/api/papers/{QUIET}").json()["numComments"] == 2


def _listed(client, arxiv_id: str) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    day = DAY.isoformat()
    feed = client.doc(f"/papers/date/{day}")
    return {
        "feed": bool(feed.xpath(f"//article//a[@href='/papers/{arxiv_id}']")),
        "search": bool(client.doc("/search?q=EnvHarness").xpath(f"//a[@href='/papers/{arxiv_id}']")),
        "api_daily": arxiv_id
        in {e["paper"]["id"] for e in client.get(f"/api/daily_papers?date={day}").json()},
        "api_search": arxiv_id
        in {e["paper"]["id"] for e in client.get("/api/papers/search?q=EnvHarness").json()},
        "api_paper": client.get(f"/api/papers/{arxiv_id}").status_code == 200,
    }


def test_moderator_hides_and_restores_a_paper(site: Site) -> None:
    alice, mona, anonymous = site.client("alice"), site.client("mona"), site.client()
    everywhere = dict.fromkeys(("feed", "search", "api_daily", "api_search", "api_paper"), True)
    assert _listed(anonymous, POPULAR) == everywhere
    assert alice.form(f"/papers/{POPULAR}/hide", {"hidden": "1"}).status_code == 403
    assert anonymous.form(f"/papers/{POPULAR}/hide", {"hidden": "1"}).status_code == 401
    assert mona.form(f"/papers/{POPULAR}/hide", {"hidden": "1"}, csrf=False).status_code == 403
    response = mona.form(f"/papers/{POPULAR}/hide", {"hidden": "1"})
    assert response.status_code == 303 and response.headers["location"] == f"/papers/{POPULAR}"
    with site.engine.connect() as conn:
        assert conn.execute(sa.select(papers.c.hidden_at).where(papers.c.arxiv_id == POPULAR)).scalar()
    nowhere = dict.fromkeys(everywhere, False)
    assert _listed(anonymous, POPULAR) == nowhere
    assert _listed(mona, POPULAR) == nowhere  # lists are the same for moderators
    assert anonymous.get(f"/papers/{POPULAR}").status_code == 404
    assert alice.get(f"/papers/{POPULAR}").status_code == 404
    assert alice.form(f"/papers/{POPULAR}/vote", {"value": "1"}).status_code == 404
    assert alice.form(f"/papers/{POPULAR}/comments", {"body": "hi"}).status_code == 404
    assert alice.get(f"/api/papers/{POPULAR}/comments").status_code == 404
    page = mona.doc(f"/papers/{POPULAR}")
    assert "Hidden by a moderator" in page.xpath("string(//p[@class='moderation-banner'])")
    assert page.xpath("string(//form[@class='moderation-form']//button)") == "Unhide paper"
    assert mona.form(f"/papers/{POPULAR}/hide", {"hidden": "0"}).status_code == 303
    assert _listed(anonymous, POPULAR) == everywhere
    assert not alice.doc(f"/papers/{POPULAR}").xpath("//p[@class='moderation-banner']")
    assert not alice.doc(f"/papers/{POPULAR}").xpath("//form[@class='moderation-form']")
