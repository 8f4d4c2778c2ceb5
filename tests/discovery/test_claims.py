"""Authorship claims end to end on SQLite and PostgreSQL: claim, moderate, verified marks, author pages."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy.exc import IntegrityError

from paperboy.store.claims import pending_claims
from paperboy.store.schema import authorship_claims
from tests.discovery.conftest import DAY, sample_paper
from tests.sites import Site

PAPER = "2608.30001"
ADA, CHARLES = "Ada Lovelace", "Charles Babbage"


@pytest.fixture
def claims_site(site: Site) -> Site:
    site.add_papers([sample_paper(PAPER, "On the Analytical Engine", [ADA, CHARLES])], DAY)
    site.add_user("ada")
    site.add_user("eve")
    site.add_user("newbie", verified=False)
    site.add_user("mod", moderator=True)
    return site


def page(client, url: str) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def status_of(client) -> str:  # type: ignore[no-untyped-def]
    return page(client, f"/papers/{PAPER}").xpath("string(//p[contains(@class, 'claim-status')])")


def claim_buttons(client) -> list[str]:  # type: ignore[no-untyped-def]
    """The "I am this author" buttons a reader sees after asking to claim (?claim=1)."""
    return page(client, f"/papers/{PAPER}?claim=1").xpath(
        "//form[contains(@class, 'claim-form')]/input[@name='author_name']/@value"
    )


def verified_marks(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    doc = page(client, f"/papers/{PAPER}")
    return {
        li.xpath("string(a[@class='author-link'])"): li.xpath("string(span[@class='verified-author']/@title)")
        for li in doc.xpath("//ul[@id='authors']/li")
        if li.xpath("span[@class='verified-author']")
    }


def claim_ids(site: Site) -> dict[str, int]:
    with site.engine.connect() as conn:
        return {c.username: c.id for c in pending_claims(conn)}


def test_the_whole_claim_flow(claims_site: Site) -> None:
    site = claims_site
    anonymous, ada, eve, newbie, mod = (site.client(n) for n in (None, "ada", "eve", "newbie", "mod"))

    assert claim_buttons(anonymous) == [] and claim_buttons(newbie) == []
    assert "Confirm your email address" in status_of(newbie)
    assert "Sign in to claim" in " ".join(status_of(anonymous).split())
    offer = page(ada, f"/papers/{PAPER}").xpath("//p[contains(@class, 'claim-status')]/a/@href")
    assert offer == [f"/papers/{PAPER}?claim=1#authors"]  # no buttons until asked
    assert not page(ada, f"/papers/{PAPER}").xpath("//form[contains(@class, 'claim-form')]")
    assert claim_buttons(ada) == [ADA, CHARLES]

    # Refusals: not signed in, unconfirmed, no CSRF token, not an author of the paper, unknown paper.
    assert anonymous.post(f"/papers/{PAPER}/claim", data={"author_name": ADA}).status_code == 401
    assert newbie.form(f"/papers/{PAPER}/claim", {"author_name": ADA}).status_code == 403
    assert ada.post(f"/papers/{PAPER}/claim", data={"author_name": ADA}).status_code == 403
    assert ada.form(f"/papers/{PAPER}/claim", {"author_name": "Grace Hopper"}).status_code == 400
    assert ada.form("/papers/2608.99999/claim", {"author_name": ADA}).status_code == 404

    filed = ada.form(f"/papers/{PAPER}/claim", {"author_name": ADA})
    assert filed.status_code == 303 and filed.headers["location"] == f"/papers/{PAPER}#authors"
    assert ada.form(f"/papers/{PAPER}/claim", {"author_name": ADA}).status_code == 303  # a double click
    assert ada.form(f"/papers/{PAPER}/claim", {"author_name": CHARLES}).status_code == 400  # one per paper
    status = status_of(ada)
    assert "You claimed to be Ada Lovelace" in status and "moderator will review" in status
    assert claim_buttons(ada) == [] and verified_marks(anonymous) == {}
    assert eve.form(f"/papers/{PAPER}/claim", {"author_name": ADA}).status_code == 303  # moderators decide

    # The queue is for moderators only.
    assert ada.get("/moderation/claims").status_code == 403
    assert (
        anonymous.get("/moderation/claims", follow_redirects=False).headers["location"].startswith("/login")
    )
    queue = page(mod, "/moderation/claims")
    rows = [" ".join(tr.text_content().split()) for tr in queue.xpath("//table[@class='claims']/tbody/tr")]
    assert len(rows) == 2 and all(ADA in r and "On the Analytical Engine" in r for r in rows)
    ids = claim_ids(site)

    assert ada.form(f"/moderation/claims/{ids['ada']}", {"decision": "approve"}).status_code == 403
    assert mod.post(f"/moderation/claims/{ids['ada']}", data={"decision": "approve"}).status_code == 403
    assert mod.form(f"/moderation/claims/{ids['ada']}", {"decision": "maybe"}).status_code == 400
    assert mod.form(f"/moderation/claims/{ids['ada']}", {"decision": "approve"}).status_code == 303
    assert mod.form(f"/moderation/claims/{ids['ada']}", {"decision": "reject"}).status_code == 400  # decided
    assert mod.form(f"/moderation/claims/{ids['eve']}", {"decision": "approve"}).status_code == 400  # taken
    assert mod.form(f"/moderation/claims/{ids['eve']}", {"decision": "reject"}).status_code == 303
    assert mod.form("/moderation/claims/999999", {"decision": "reject"}).status_code == 404

    marks = verified_marks(anonymous)
    assert list(marks) == [ADA] and "@ada" in marks[ADA]
    assert "You are the verified author" in status_of(ada)
    assert "not approved" in status_of(eve)
    assert claim_buttons(eve) == []  # one claim per paper, decided or not
    assert claim_buttons(mod) == [CHARLES]  # a verified slot offers no button

    author = page(anonymous, "/authors/Ada%20Lovelace")
    assert "Verified as" in author.xpath("string(//p[@class='claimed-by'])")
    assert author.xpath("//p[@class='claimed-by']//span[@class='account']/text()") == ["ada"]
    assert not page(anonymous, "/authors/Charles%20Babbage").xpath("//p[@class='claimed-by']")
    assert page(mod, "/moderation/claims").xpath("//table[@class='claims']") == []


def test_one_verified_holder_per_author_slot_is_a_database_rule(claims_site: Site) -> None:
    """Two moderators approving two claims at once cannot both win: the partial unique index refuses."""
    site = claims_site
    ada, eve = site.client("ada"), site.client("eve")
    ada.form(f"/papers/{PAPER}/claim", {"author_name": ADA})
    eve.form(f"/papers/{PAPER}/claim", {"author_name": ADA})
    ids = claim_ids(site)
    with site.engine.begin() as conn:
        conn.execute(
            authorship_claims.update().where(authorship_claims.c.id == ids["ada"]).values(status="approved")
        )
    with pytest.raises(IntegrityError), site.engine.begin() as conn:
        conn.execute(
            authorship_claims.update().where(authorship_claims.c.id == ids["eve"]).values(status="approved")
        )
