"""User pages end to end on SQLite and PostgreSQL: what a person did, reached from "submitted by"."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa

from paperboy.models import DailyEntry, Submitter
from paperboy.store.claims import pending_claims
from paperboy.store.papers_write import upsert_entries
from paperboy.store.schema import comments, papers, users
from tests.discovery.conftest import DAY, sample_paper
from tests.sites import Client, Site, make_site

SUBMITTED, UPVOTED, DISCUSSED, WRITTEN, HIDDEN = (f"2608.4000{n}" for n in range(1, 6))


def page(client: Client, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    return lxml.html.fromstring(response.text)


def ids(doc: lxml.html.HtmlElement) -> list[str]:
    return [
        a.get("href").removeprefix("/papers/") for a in doc.xpath("//*[contains(@class, 'card-title')]/a")
    ]


def stats(doc: lxml.html.HtmlElement) -> str:
    return " ".join(doc.xpath("string(//ul[@class='user-stats'])").split())


@pytest.fixture
def people(site: Site) -> Site:
    """Ada submitted, upvoted, commented and is a verified author; a Hugging Face user submitted one paper."""
    titles = {SUBMITTED: "Notes on the Engine", UPVOTED: "Bernoulli numbers", DISCUSSED: "On looms",
              WRITTEN: "Sketch of the Engine", HIDDEN: "A paper moderators hid"}  # fmt: skip
    site.add_papers([sample_paper(i, t, ["Ada Lovelace", "L. F. Menabrea"]) for i, t in titles.items()], DAY)
    site.add_user("ada", fullname="Ada Lovelace")
    site.add_user("mod", moderator=True)
    at = datetime(2026, 8, 21, 9, tzinfo=UTC)
    with site.engine.begin() as conn:
        upsert_entries(
            conn,
            [
                DailyEntry(DAY, SUBMITTED, "submission", Submitter("ada"), at),
                DailyEntry(DAY, UPVOTED, "huggingface", Submitter("hf-person", "Hugging Face Person"), at),
            ],
        )
    ada, mod = site.client("ada"), site.client("mod")
    for paper in (UPVOTED, HIDDEN):
        assert ada.form(f"/papers/{paper}/vote", {"value": "1"}).status_code == 303
    for paper, body in ((DISCUSSED, "A *loom* weaves **patterns**."), (HIDDEN, "On a hidden paper"),
                        (DISCUSSED, "A comment a moderator hid"), (DISCUSSED, "One I deleted")):  # fmt: skip
        assert ada.form(f"/papers/{paper}/comments", {"body": body}).status_code == 303
    with site.engine.connect() as conn:
        said = dict(conn.execute(sa.select(comments.c.body, comments.c.id)).all())
    assert mod.form(f"/comments/{said['A comment a moderator hid']}/hide", {"hidden": "1"}).status_code == 303
    assert ada.form(f"/comments/{said['One I deleted']}/delete").status_code == 303
    assert ada.form(f"/papers/{WRITTEN}/claim", {"author_name": "Ada Lovelace"}).status_code == 303
    with site.engine.connect() as conn:
        (claim,) = pending_claims(conn)
    assert mod.form(f"/moderation/claims/{claim.id}", {"decision": "approve"}).status_code == 303
    assert mod.form(f"/papers/{HIDDEN}/hide", {"hidden": "1"}).status_code == 303
    return site


def test_a_local_users_page_lists_what_they_did(people: Site) -> None:
    anonymous = people.client()
    head = page(anonymous, "/users/ada")
    assert head.xpath("string(//h1)") == "Ada Lovelace"
    assert "@ada" in head.xpath("string(//p[@class='count-line'])")
    assert stats(head) == "1 paper submitted 1 upvoted 1 comment 1 verified paper"  # nothing hidden counts
    tabs = [" ".join(a.text_content().split()) for a in head.xpath("//nav[contains(@class, 'user-tabs')]/a")]
    assert tabs == ["Submitted 1", "Upvoted 1", "Comments 1", "Verified papers 1"]
    assert ids(head) == [SUBMITTED]  # the first list with something in it
    assert not head.xpath("//*[contains(@class, 'submitter')]")  # no "submitted by" on their own page
    assert ids(page(anonymous, "/users/ada?tab=upvotes")) == [UPVOTED]
    said = page(anonymous, "/users/ada?tab=comments")
    (item,) = said.xpath("//ol[@class='user-comments']/li")
    assert item.xpath(".//a[@class='user-comment-paper']/@href") == [f"/papers/{DISCUSSED}"]
    assert item.xpath(".//div[@class='comment-text']//em/text()") == ["loom"]  # Markdown, sanitised
    assert item.xpath(".//a[@class='comment-time']/@href")[0].startswith(f"/papers/{DISCUSSED}#comment-")
    written = page(anonymous, "/users/ada?tab=papers")
    assert written.xpath("//ul[@class='user-papers']//a[@class='user-comment-paper']/@href") == [
        f"/papers/{WRITTEN}"
    ]
    assert written.xpath("//ul[@class='user-papers']//a[starts-with(@href, '/authors/')]/@href") == [
        "/authors/Ada%20Lovelace"
    ]
    assert page(anonymous, "/users/ada?tab=papers&p=1", 404) is not None
    assert page(anonymous, "/users/ada?tab=likes", 400) is not None
    canonical = page(anonymous, "/users/ada?tab=upvotes").xpath("//link[@rel='canonical']/@href")
    assert canonical == ["http://testserver/users/ada?tab=upvotes"]


def test_submitted_by_links_to_the_page_of_a_local_or_imported_submitter(people: Site) -> None:
    anonymous = people.client()
    day = page(anonymous, f"/papers/date/{DAY.isoformat()}")
    links = {a.text_content(): a.get("href") for a in day.xpath("//*[contains(@class, 'submitter')]//a")}
    assert links == {"Ada Lovelace": "/users/ada", "Hugging Face Person": "/users/hf-person"}
    on_paper = page(anonymous, f"/papers/{SUBMITTED}").xpath("//dd[@class='submitted-by']/a")
    assert [(a.text, a.get("href")) for a in on_paper] == [("Ada Lovelace", "/users/ada")]
    assert not page(anonymous, f"/papers/{WRITTEN}").xpath("//dd[@class='submitted-by']")  # nobody did
    imported = page(anonymous, "/users/hf-person")
    assert imported.xpath("string(//h1)") == "Hugging Face Person"
    assert ids(imported) == [UPVOTED] and stats(imported) == "1 paper submitted"
    assert "Hugging Face user" in imported.xpath("string(//p[@class='count-line'])")
    assert imported.xpath("//a[@href='https://huggingface.co/hf-person']")


def test_other_cases_redirect_and_unknown_or_disabled_people_are_404(people: Site) -> None:
    anonymous = people.client()
    moved = anonymous.get("/users/ADA?tab=comments", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/users/ada?tab=comments"
    assert anonymous.get("/users/nobody").status_code == 404
    assert anonymous.get("/users/" + "a" * 250).status_code == 404
    with people.engine.begin() as conn:
        conn.execute(users.update().where(users.c.username == "ada").values(disabled_at=datetime.now(UTC)))
    assert anonymous.get("/users/ada").status_code == 404
    assert anonymous.get("/users/ADA", follow_redirects=False).status_code == 404


def test_upvotes_stay_private_when_the_site_says_so(people: Site, tmp_path: Path) -> None:
    private = make_site(people.engine, tmp_path / "private", public_upvotes=False)
    with private:
        anonymous = private.client()
        head = page(anonymous, "/users/ada")
        assert "upvoted" not in stats(head)
        tabs = head.xpath("//nav[contains(@class, 'user-tabs')]/a")
        assert [a.text_content().split()[0] for a in tabs] == ["Submitted", "Comments", "Verified"]
        assert anonymous.get("/users/ada?tab=upvotes").status_code == 404
        with private.engine.connect() as conn:  # the votes are still there, and counted on the paper
            assert conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == UPVOTED)).scalar()
