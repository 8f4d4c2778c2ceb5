"""The submit page and ``POST /api/papers/submit`` over HTTP: sign-in, CSRF, rules, status codes, OpenAPI."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.api.schemas import PaperInfoOut
from paperboy.auth import service
from paperboy.auth.secrets_util import digest, new_token
from paperboy.store import sessions
from paperboy.store.schema import daily_entries, papers, users
from paperboy.submit.parse import MESSAGE
from tests.auth.conftest import csrf, log_in
from tests.sites import Site, make_site
from tests.submit.conftest import API, TITLE, counts, id_query
from tests.upstream import Reply, Upstream

PASSWORD = "correct horse battery"


@pytest.fixture
def site(engine: Engine, arxiv: Upstream, tmp_path: Path) -> Site:
    """Recorded papers count as recent here: the page has no ``today=``, so the age window is widened."""
    return make_site(
        engine,
        tmp_path,
        arxiv_api_url=arxiv.url + API,
        arxiv_min_interval=0,
        http_backoff=0.01,
        submission_max_age_days=100_000,
        submission_daily_cap=2,
    )


def signed_in(site: Site, username: str = "ada") -> TestClient:
    service.create_user(site.engine, username, f"{username}@example.org", PASSWORD, admin=False)
    client = site.client()
    assert log_in(client, login=username).status_code == 303
    return client


def token_for(site: Site, username: str) -> dict[str, str]:
    user_id = service.create_user(site.engine, username, f"{username}@example.org", PASSWORD, admin=False)
    token = new_token("pbt_")
    with site.engine.begin() as conn:
        sessions.create_api_token(conn, user_id, "script", digest(token))
    return {"Authorization": f"Bearer {token}"}


def post_form(client: TestClient, paper: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/submit", data={"paper": paper, "csrf_token": csrf(client, "/submit")}, follow_redirects=False
    )


def alert(response) -> str:  # type: ignore[no-untyped-def]
    doc = lxml.html.fromstring(response.text)
    return " ".join(doc.xpath("string(//p[@role='alert'])").split())


def featured_on(site: Site, arxiv_id: str = "1605.08386") -> date:
    """The day the server put a submitted paper on: the server's own today, read from the store."""
    with site.engine.connect() as conn:
        return conn.execute(
            sa.select(daily_entries.c.day)
            .join(papers, papers.c.id == daily_entries.c.paper_id)
            .where(papers.c.arxiv_id == arxiv_id)
        ).scalar_one()


def test_anonymous_visitors_are_sent_to_sign_in(site: Site, arxiv: Upstream) -> None:
    client = site.client()
    response = client.get("/submit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fsubmit"
    token = csrf(client, "/login")
    posted = client.post("/submit", data={"paper": "1605.08386", "csrf_token": token}, follow_redirects=False)
    assert posted.status_code == 401 and arxiv.requests == []


def test_unconfirmed_accounts_cannot_submit(site: Site) -> None:
    client = signed_in(site)
    with site.engine.begin() as conn:
        conn.execute(sa.update(users).values(email_verified_at=None))
    response = client.get("/submit")
    assert response.status_code == 403 and "Confirm your email address first" in response.text


def test_page_flow_submit_confirm_feed_duplicate(site: Site, arxiv: Upstream) -> None:
    client = signed_in(site)
    form = client.get("/submit")
    assert form.status_code == 200
    assert "last 100000 days" in form.text and "up to 2 papers per person per day" in form.text
    assert 'name="paper"' in form.text and 'href="/submit"' in form.text

    no_csrf = client.post("/submit", data={"paper": "1605.08386"}, follow_redirects=False)
    assert no_csrf.status_code == 403 and arxiv.requests == []

    done = post_form(client, "https://arxiv.org/pdf/1605.08386v1.pdf")
    assert done.status_code == 303 and done.headers["location"] == "/papers/1605.08386?submitted=1"
    paper_page = client.get(done.headers["location"])
    assert paper_page.status_code == 200 and TITLE in paper_page.text
    notice = lxml.html.fromstring(paper_page.text).xpath("//p[@role='status']")[0]
    assert "Submitted" in notice.text_content()
    today = featured_on(site)  # the server's today (UTC), which is not the test's across midnight
    assert f"/papers/date/{today.isoformat()}" in paper_page.text

    day_page = client.get(f"/papers/date/{today.isoformat()}")
    assert TITLE in day_page.text and "ada" in day_page.text
    feed = client.get(f"/api/daily_papers?date={today.isoformat()}").json()
    assert [(e["paper"]["id"], e["submittedBy"]["name"]) for e in feed] == [("1605.08386", "ada")]

    bob = signed_in(site, "bob")
    again = post_form(bob, "https://huggingface.co/papers/1605.08386")
    assert again.status_code == 409
    assert alert(again) == "1605.08386 is already on today's feed, submitted by ada."
    assert 'href="/papers/1605.08386"' in again.text
    assert len(arxiv.requests) == 1 and counts(site.engine) == (1, 1)


def test_page_refuses_malformed_and_hostile_input_without_fetching(site: Site, arxiv: Upstream) -> None:
    client = signed_in(site)
    hostile = (
        "abc",
        "https://arxiv.org@evil.example/abs/1605.08386",
        '"><script>alert(1)</script>',
        "x" * 10_000,
    )
    for bad in hostile:
        response = post_form(client, bad)
        assert response.status_code == 400 and alert(response) == MESSAGE
        assert "<script>alert(1)" not in response.text
    assert arxiv.requests == [] and counts(site.engine) == (0, 0)
    unknown = post_form(client, "0000.0000")
    assert unknown.status_code == 404 and alert(unknown).startswith("arXiv has no paper 0000.0000")


def test_page_says_when_arxiv_is_down(engine: Engine, tmp_path: Path) -> None:
    with Upstream() as arxiv:
        arxiv.add(API, id_query("1605.08386"), Reply(503))
        site = make_site(
            engine,
            tmp_path,
            arxiv_api_url=arxiv.url + API,
            arxiv_min_interval=0,
            http_backoff=0.01,
            submission_max_age_days=100_000,
        )
        response = post_form(signed_in(site), "1605.08386")
    assert response.status_code == 503 and int(response.headers["retry-after"]) > 0
    assert alert(response) == "arXiv did not answer, try again in a few minutes. Nothing was submitted."
    assert counts(engine) == (0, 0)


def test_api_submit_with_a_token(site: Site, arxiv: Upstream) -> None:
    client = site.client()
    headers = token_for(site, "ada")
    created = client.post("/api/papers/submit", json={"paper": "arXiv:1605.08386v1"}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/papers/1605.08386"
    body = PaperInfoOut.model_validate(created.json())
    assert body.id == "1605.08386" and body.title == TITLE
    assert body.submittedOnDailyBy is not None and body.submittedOnDailyBy.user == "ada"
    assert client.get("/api/papers/1605.08386").json() == created.json()

    duplicate = client.post("/api/papers/submit", json={"paper": "1605.08386"}, headers=headers)
    assert duplicate.status_code == 409
    assert duplicate.json() == {
        "error": "1605.08386 is already on today's feed, submitted by ada.",
        "paper": "1605.08386",
        "featuredOn": featured_on(site).isoformat(),
        "submittedBy": "ada",
        "url": "/papers/1605.08386",
    }
    bad = client.post("/api/papers/submit", json={"paper": "javascript:alert(1)"}, headers=headers)
    assert bad.status_code == 400 and bad.json() == {"error": MESSAGE}
    missing = client.post("/api/papers/submit", json={"paper": "0000.0000"}, headers=headers)
    assert missing.status_code == 404 and missing.json()["paper"] == "0000.0000"

    assert client.post("/api/papers/submit", json={"paper": "1707.08567"}, headers=headers).status_code == 201
    capped = client.post("/api/papers/submit", json={"paper": "astro-ph/0601001"}, headers=headers)
    assert capped.status_code == 429 and 60 <= int(capped.headers["retry-after"]) <= 86_400
    assert "You have already submitted 2 papers today" in capped.json()["error"]
    assert [seen.query["id_list"] for seen in arxiv.requests] == ["1605.08386", "0000.0000", "1707.08567"]


def test_api_auth_and_csrf(site: Site) -> None:
    anonymous = site.client().post("/api/papers/submit", json={"paper": "1605.08386"})
    assert anonymous.status_code == 401 and "error" in anonymous.json()
    client = signed_in(site)
    no_header = client.post("/api/papers/submit", json={"paper": "1605.08386"})
    assert no_header.status_code == 403 and "expired" in no_header.json()["error"]
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    ok = client.post("/api/papers/submit", json={"paper": "1605.08386"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    bad_token = site.client().post(
        "/api/papers/submit", json={"paper": "1605.08386"}, headers={"Authorization": "Bearer pbt_nope"}
    )
    assert bad_token.status_code == 401


def test_openapi_documents_the_status_codes(site: Site) -> None:
    spec = site.client().get("/api/openapi.json").json()
    operation = spec["paths"]["/api/papers/submit"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "401", "403", "404", "409", "422", "429", "503"}
    assert spec["components"]["schemas"]["SubmitIn"]["required"] == ["paper"]
    conflict = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflict.endswith("/SubmitErrorOut")
