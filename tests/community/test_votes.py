"""Upvotes on SQLite and PostgreSQL: one per account under concurrency, imported baselines, forms and JSON."""

from __future__ import annotations

import threading

import httpx
import pytest

from paperboy.auth import service as auth_service
from tests.community.conftest import DAY, OLD_STYLE, POPULAR, QUIET
from tests.conftest import LiveServer
from tests.sites import Site


def _api_paper(client, arxiv_id: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/papers/{arxiv_id}")
    assert response.status_code == 200, response.text
    return response.json()


def test_fifty_concurrent_upvotes_by_one_user_leave_one_vote(site: Site) -> None:
    """Fifty real HTTP requests at once from one signed-in browser: exactly one vote, count 163 + 1."""
    auth_service.create_user(site.engine, "racer", "racer@example.org", "correct horse battery", admin=False)
    with LiveServer(site.app) as server, httpx.Client(base_url=server.url) as browser:
        browser.get("/login")
        signed_in = browser.post(
            "/login",
            data={
                "login": "racer",
                "password": "correct horse battery",
                "csrf_token": browser.cookies["pb_csrf"],
            },
        )
        assert signed_in.status_code == 303, signed_in.text[:300]
        page = browser.get(f"/papers/{POPULAR}").text
        csrf = page.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]
        cookies = dict(browser.cookies)
        gate = threading.Barrier(50)
        answers: list[httpx.Response] = []
        lock = threading.Lock()

        def upvote() -> None:
            with httpx.Client(base_url=server.url, cookies=cookies, timeout=60) as own:
                gate.wait()
                response = own.post(
                    f"/papers/{POPULAR}/vote",
                    data={"value": "1"},
                    headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
                )
            with lock:
                answers.append(response)

        threads = [threading.Thread(target=upvote) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.status_code for r in answers] == [200] * 50, answers[0].text
        assert all(
            r.json() == {"upvotes": 164, "hfUpvotes": 163, "localUpvotes": 1, "voted": True} for r in answers
        )
        body = browser.get(f"/api/papers/{POPULAR}").json()
    assert (body["upvotes"], body["hfUpvotes"], body["localUpvotes"]) == (164, 163, 1)


def test_imported_baseline_plus_local_votes(site: Site) -> None:
    alice, bob = site.client("alice"), site.client("bob")
    for client in (alice, bob):
        assert client.form(f"/papers/{POPULAR}/vote", {"value": "1"}).status_code == 303
    body = _api_paper(alice, POPULAR)
    assert (body["upvotes"], body["hfUpvotes"], body["localUpvotes"]) == (165, 163, 2)
    listed = alice.get("/api/daily_papers", params={"date": DAY.isoformat()}).json()
    paper = next(e["paper"] for e in listed if e["paper"]["id"] == POPULAR)
    assert (paper["upvotes"], paper["hfUpvotes"], paper["localUpvotes"]) == (165, 163, 2)
    assert bob.form(f"/papers/{POPULAR}/vote", {"value": "0"}).status_code == 303
    assert _api_paper(alice, POPULAR)["upvotes"] == 164
    pill = alice.doc(f"/papers/{POPULAR}").xpath("//*[contains(@class, 'vote-pill')]")[0]
    assert pill.xpath("string(.//span[@class='votes-num'])") == "164"


def test_setting_a_vote_is_idempotent_never_a_toggle(site: Site) -> None:
    alice = site.client("alice")
    for _ in range(3):
        alice.form(f"/papers/{QUIET}/vote", {"value": "1"})
    assert _api_paper(alice, QUIET)["localUpvotes"] == 1
    for _ in range(2):
        alice.form(f"/papers/{QUIET}/vote", {"value": "0"})
    assert _api_paper(alice, QUIET)["localUpvotes"] == 0


def test_without_javascript_the_form_comes_back_to_a_safe_next(site: Site) -> None:
    alice = site.client("alice")
    here = f"/papers/date/{DAY.isoformat()}?sort=publishedAt"
    response = alice.form(f"/papers/{QUIET}/vote", {"value": "1", "next": here})
    assert response.status_code == 303 and response.headers["location"] == here
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = alice.form(f"/papers/{QUIET}/vote", {"value": "1", "next": evil})
        assert response.headers["location"] == f"/papers/{QUIET}"


def test_json_answer_for_the_script(site: Site) -> None:
    alice = site.client("alice")
    headers = {"Accept": "application/json", "X-CSRF-Token": alice.csrf}
    response = alice.post(f"/papers/{OLD_STYLE}/vote", data={"value": "1"}, headers=headers)
    assert response.json() == {"upvotes": 5, "hfUpvotes": 4, "localUpvotes": 1, "voted": True}
    response = alice.post(f"/papers/{OLD_STYLE}/vote", data={"value": "0"}, headers=headers)
    assert response.json() == {"upvotes": 4, "hfUpvotes": 4, "localUpvotes": 0, "voted": False}
    bad = alice.post(f"/papers/{OLD_STYLE}/vote", data={"value": "toggle"}, headers=headers)
    assert bad.status_code == 400 and "value must be 1 or 0" in bad.json()["error"]


def test_pressed_state_for_the_voter_only(site: Site) -> None:
    alice, bob = site.client("alice"), site.client("bob")
    alice.form(f"/papers/{QUIET}/vote", {"value": "1"})

    def pressed(client, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
        doc = client.doc(url)
        return {
            form.get("action").removeprefix("/papers/").removesuffix("/vote"): form.xpath(
                "string(.//button/@aria-pressed)"
            )
            for form in doc.xpath("//form[@data-vote]")
        }

    feed = f"/papers/date/{DAY.isoformat()}"
    assert pressed(alice, feed) == {POPULAR: "false", QUIET: "true", OLD_STYLE: "false"}
    assert pressed(bob, feed) == {POPULAR: "false", QUIET: "false", OLD_STYLE: "false"}
    assert pressed(alice, f"/papers/{QUIET}") == {QUIET: "true"}
    doc = alice.doc(feed)
    form = doc.xpath(f"//form[@action='/papers/{QUIET}/vote']")[0]
    assert form.xpath("string(.//input[@name='value']/@value)") == "0"  # pressing again removes the vote
    assert doc.xpath("//script[contains(@src, '/static/vote.js')]/@defer")


def test_anonymous_click_goes_to_login_and_back(site: Site) -> None:
    anonymous = site.client()
    doc = anonymous.doc(f"/papers/date/{DAY.isoformat()}")
    assert not doc.xpath("//form[@data-vote]")
    link = doc.xpath("//a[contains(@class, 'vote-button')][contains(@href, 'login')]")[0]
    assert link.get("href") == f"/login?next=%2Fpapers%2Fdate%2F{DAY.isoformat()}"
    response = anonymous.form(f"/papers/{QUIET}/vote", {"value": "1", "next": "/papers/week"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fpapers%2Fweek"
    scripted = anonymous.post(
        f"/papers/{QUIET}/vote", data={"value": "1"}, headers={"Accept": "application/json"}
    )
    assert scripted.status_code == 401 and "Sign in" in scripted.json()["error"]


def test_missing_or_wrong_csrf_is_403(site: Site) -> None:
    alice = site.client("alice")
    assert alice.form(f"/papers/{QUIET}/vote", {"value": "1"}, csrf=False).status_code == 403
    wrong = alice.post(f"/papers/{QUIET}/vote", data={"value": "1", "csrf_token": "forged"})
    assert wrong.status_code == 403 and "expired or came from another site" in wrong.text
    assert _api_paper(alice, QUIET)["localUpvotes"] == 0


def test_unverified_accounts_cannot_vote(site: Site) -> None:
    newbie = site.client("newbie")
    response = newbie.form(f"/papers/{QUIET}/vote", {"value": "1"})
    assert response.status_code == 403 and "Confirm your email address first" in response.text
    assert _api_paper(newbie, QUIET)["localUpvotes"] == 0


def test_api_token_votes_without_csrf(site: Site) -> None:
    script = site.client()
    script.cookies.clear()
    headers = {"Authorization": f"Bearer {site.token('alice')}"}
    response = script.post(f"/api/papers/{POPULAR}v2/vote", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"upvotes": 164, "hfUpvotes": 163, "localUpvotes": 1, "voted": True}
    assert script.post(f"/api/papers/{POPULAR}/vote", headers=headers).json()["localUpvotes"] == 1
    assert script.delete(f"/api/papers/{POPULAR}/vote", headers=headers).json()["upvotes"] == 163
    assert script.post(f"/api/papers/{POPULAR}/vote").status_code == 401
    bad = script.post(f"/api/papers/{POPULAR}/vote", headers={"Authorization": "Bearer pbt_nope"})
    assert bad.status_code == 401


def test_api_votes_with_a_session_need_the_csrf_header(site: Site) -> None:
    alice = site.client("alice")
    assert alice.post(f"/api/papers/{QUIET}/vote").status_code == 403
    response = alice.post(f"/api/papers/{QUIET}/vote", headers={"X-CSRF-Token": alice.csrf})
    assert response.status_code == 200 and response.json()["voted"] is True


@pytest.mark.parametrize("target", ["2608.99999", "not-an-id"])
def test_votes_on_unknown_papers(site: Site, target: str) -> None:
    alice = site.client("alice")
    status = 404  # unknown or malformed: the same answer (paperboy.papers.visible_paper)
    assert alice.form(f"/papers/{target}/vote", {"value": "1"}).status_code == status
    token = {"Authorization": f"Bearer {site.token('bob')}"}
    assert alice.post(f"/api/papers/{target}/vote", headers=token).status_code == status
