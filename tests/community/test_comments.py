"""Threaded comments on SQLite and PostgreSQL: posting, replies, limits, editing and deleting your own."""

from __future__ import annotations

import lxml.html

from paperboy.api.community_schemas import CommentOut, ThreadOut
from paperboy.community.service import MAX_DEPTH
from tests.community.conftest import DAY, OLD_STYLE, POPULAR, QUIET
from tests.sites import Client, Site


def post(client: Client, arxiv_id: str, body: str, parent: int | None = None) -> int:
    """Post through the form and return the new comment's id from the redirect."""
    data = {"body": body} | ({"parent_id": str(parent)} if parent else {})
    response = client.form(f"/papers/{arxiv_id}/comments", data)
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith(f"/papers/{arxiv_id}#comment-")
    return int(location.rsplit("-", 1)[1])


def comment_li(doc: lxml.html.HtmlElement, comment_id: int) -> lxml.html.HtmlElement:
    return doc.xpath(f"//li[@id='comment-{comment_id}']")[0]


def text_of(doc: lxml.html.HtmlElement, comment_id: int) -> str:
    own = comment_li(doc, comment_id).xpath("./article//*[contains(@class, 'comment-text')]")[0]
    return " ".join(own.text_content().split())


def test_post_reply_and_read_on_the_page(site: Site) -> None:
    alice, bob = site.client("alice"), site.client("bob")
    first = post(alice, POPULAR, "Does this **scale** to 1M environments?")
    reply = post(bob, POPULAR, "It does, see *Table 3*.", parent=first)
    doc = site.client().doc(f"/papers/{POPULAR}")
    top = comment_li(doc, first)
    assert top.xpath("string(.//a[@class='comment-author'])") == "Alice Tester"
    assert top.xpath(".//a[@class='comment-author']/@href")[0] == "/users/alice"  # the author's page
    assert top.xpath(".//div[@class='comment-text']/p/strong/text()") == ["scale"]
    nested = top.xpath(f"./ol[@class='comment-list']/li[@id='comment-{reply}']")
    assert nested and nested[0].xpath(".//div[@class='comment-text']/p/em/text()") == ["Table 3"]
    hf = doc.xpath("//section[@id='discussion']/p[@class='hf-thread']/a")[0]  # HF's thread: a link there
    assert " ".join(hf.text_content().split()) == "2 comments on Hugging Face →"
    assert hf.get("href") == f"https://huggingface.co/papers/{POPULAR}#community"
    assert doc.xpath("string(//h3[@class='thread-head']/span[@class='count-badge'])").startswith("2")  # ours
    assert not doc.xpath("//form[@class='comment-form']")  # anonymous: a sign-in link instead
    sign_in = "/login?next=%2Fpapers%2F2608.19880%23discussion"
    assert doc.xpath(f"//section[@id='discussion']//a[@href='{sign_in}']")


def test_counts_on_cards_and_in_the_api(site: Site) -> None:
    alice = site.client("alice")
    post(alice, QUIET, "One.")
    post(alice, QUIET, "Two.")
    assert alice.get(f"/api/papers/{QUIET}").json()["numComments"] == 2
    listed = alice.get("/api/daily_papers", params={"date": DAY.isoformat()}).json()
    assert {e["paper"]["id"]: e["numComments"] for e in listed}[QUIET] == 2
    card = alice.doc(f"/papers/date/{DAY.isoformat()}").xpath(f"//article[.//a[@href='/papers/{QUIET}']]")[0]
    stat = card.xpath(".//a[contains(@class, 'stat')][contains(@aria-label, 'comment')]")[0]
    assert stat.get("aria-label") == "2 comments"
    assert stat.get("href") == f"/papers/{QUIET}#discussion"


def test_forms_for_a_verified_reader(site: Site) -> None:
    alice = site.client("alice")
    mine = post(alice, QUIET, "Mine.")
    theirs = post(site.client("bob"), QUIET, "Theirs.")
    doc = alice.doc(f"/papers/{QUIET}")
    assert doc.xpath(
        "//section[@id='discussion']/form[@action='/papers/2608.00001/comments']//textarea[@maxlength='10000']"
    )
    summaries = lambda cid: comment_li(doc, cid).xpath("./article//summary/text()")  # noqa: E731
    assert summaries(mine) == ["Reply", "Edit", "Delete"]
    assert summaries(theirs) == ["Reply"]
    assert not doc.xpath("//form[contains(@action, '/hide')]")  # not a moderator
    newbie = site.client("newbie").doc(f"/papers/{QUIET}")
    assert not newbie.xpath("//form[@class='comment-form']")
    assert "Confirm your email address" in newbie.xpath("string(//section[@id='discussion'])")


def test_length_limit_with_a_clear_message_and_the_draft_kept(site: Site) -> None:
    alice = site.client("alice")
    assert post(alice, QUIET, "x" * 10_000)
    too_long = "y" * 10_001
    response = alice.form(f"/papers/{QUIET}/comments", {"body": too_long})
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.text)
    assert "at most 10,000 characters; this one has 10,001" in doc.xpath("string(//p[@role='alert'])")
    assert doc.xpath("string(//textarea[@name='body'])") == too_long
    assert doc.xpath("//form/@action")[-1] == f"/papers/{QUIET}/comments"
    empty = alice.form(f"/papers/{QUIET}/comments", {"body": "   "})
    assert empty.status_code == 400 and "the comment is empty" in empty.text
    assert alice.get(f"/api/papers/{QUIET}/comments").json()["localComments"] == 1


def test_unverified_and_anonymous_cannot_comment(site: Site) -> None:
    response = site.client("newbie").form(f"/papers/{QUIET}/comments", {"body": "hello"})
    assert response.status_code == 403 and "Confirm your email address first" in response.text
    assert site.client().form(f"/papers/{QUIET}/comments", {"body": "hello"}).status_code == 401
    assert (
        site.client("alice").form(f"/papers/{QUIET}/comments", {"body": "hi"}, csrf=False).status_code == 403
    )
    assert site.client("alice").get(f"/api/papers/{QUIET}/comments").json()["comments"] == []


def test_edit_and_delete_your_own_only(site: Site) -> None:
    alice, bob = site.client("alice"), site.client("bob")
    first = post(alice, QUIET, "Original words.")
    reply = post(bob, QUIET, "A reply that must survive.", parent=first)
    assert bob.form(f"/comments/{first}/edit", {"body": "Bob was here"}).status_code == 403
    assert bob.form(f"/comments/{first}/delete").status_code == 403
    assert site.client("mona").form(f"/comments/{first}/delete").status_code == 403  # moderators hide instead
    edited = alice.form(f"/comments/{first}/edit", {"body": "Better words."})
    assert edited.status_code == 303 and edited.headers["location"] == f"/papers/{QUIET}#comment-{first}"
    doc = bob.doc(f"/papers/{QUIET}")
    assert text_of(doc, first) == "Better words."
    assert comment_li(doc, first).xpath(".//span[@class='comment-edited']")
    too_long = alice.form(f"/comments/{first}/edit", {"body": "z" * 10_001})
    assert too_long.status_code == 400 and "10,000" in too_long.text
    assert f'href="/papers/{QUIET}#comment-{first}"' in too_long.text
    assert alice.form(f"/comments/{first}/delete").status_code == 303
    doc = bob.doc(f"/papers/{QUIET}")
    assert text_of(doc, first) == "[deleted]"
    assert "Alice" not in comment_li(doc, first).xpath("string(./article)")
    assert text_of(doc, reply) == "A reply that must survive."
    assert bob.get(f"/api/papers/{QUIET}").json()["numComments"] == 1
    assert alice.form(f"/comments/{first}/edit", {"body": "Back again"}).status_code == 400
    assert alice.form("/comments/999999/delete").status_code == 404
    assert alice.form("/comments/99999999999999/delete").status_code == 400


def test_reply_depth_is_bounded(site: Site) -> None:
    alice = site.client("alice")
    parent = post(alice, OLD_STYLE, "Level 0")
    ids = [parent]
    for level in range(1, MAX_DEPTH + 3):
        ids.append(post(alice, OLD_STYLE, f"Level {level}", parent=ids[-1]))
    thread = alice.get(f"/api/papers/{OLD_STYLE}/comments").json()

    def depth(nodes: list[dict]) -> int:
        return 1 + max((depth(n["replies"]) for n in nodes if n["replies"]), default=0)

    assert depth(thread["comments"]) == MAX_DEPTH
    assert thread["localComments"] == MAX_DEPTH + 3
    wrong_paper = alice.form(f"/papers/{QUIET}/comments", {"body": "x", "parent_id": str(parent)})
    assert wrong_paper.status_code == 400 and "not on this paper" in wrong_paper.text


def test_comments_api_shape(site: Site) -> None:
    alice, bob = site.client("alice"), site.client("bob")
    first = post(alice, POPULAR, "See [the code](https://github.com/example/env).")
    post(bob, POPULAR, "Thanks!", parent=first)
    alice.form(f"/comments/{first}/edit", {"body": "See [the code](https://github.com/example/env) now."})
    body = site.client().get(f"/api/papers/{POPULAR}v1/comments").json()
    ThreadOut.model_validate(body)
    assert (body["paperId"], body["numComments"], body["localComments"]) == (POPULAR, 4, 2)
    top = body["comments"][0]
    assert set(top) == {
        "id",
        "parentId",
        "author",
        "createdAt",
        "editedAt",
        "deleted",
        "hidden",
        "body",
        "html",
        "replies",
    }
    assert top["author"] == {"username": "alice", "fullname": "Alice Tester"}
    assert top["body"] == "See [the code](https://github.com/example/env) now."
    assert top["html"] == (
        '<p>See <a href="https://github.com/example/env" rel="ugc nofollow noopener">the code</a> now.</p>\n'
    )
    assert top["createdAt"].endswith("Z") and top["editedAt"].endswith("Z") and top["parentId"] is None
    assert top["replies"][0]["parentId"] == first and top["replies"][0]["editedAt"] is None
    assert site.client().get("/api/papers/2608.99999/comments").status_code == 404
    assert site.client().get("/api/papers/nope/comments").status_code == 404


def test_comment_through_the_api_with_a_token(site: Site) -> None:
    script = site.client()
    script.cookies.clear()
    token = {"Authorization": f"Bearer {site.token('bob')}"}
    made = script.post(f"/api/papers/{QUIET}/comments", json={"body": "From a *script*."}, headers=token)
    assert made.status_code == 201, made.text
    CommentOut.model_validate(made.json())
    assert made.json()["html"] == "<p>From a <em>script</em>.</p>\n"
    reply = script.post(
        f"/api/papers/{QUIET}/comments",
        json={"body": "Self-reply", "parentId": made.json()["id"]},
        headers=token,
    )
    assert reply.status_code == 201 and reply.json()["parentId"] == made.json()["id"]
    too_long = script.post(f"/api/papers/{QUIET}/comments", json={"body": "a" * 10_001}, headers=token)
    assert too_long.status_code == 400 and "10,000" in too_long.json()["error"]
    assert script.post(f"/api/papers/{QUIET}/comments", json={"body": "x"}).status_code == 401


def test_openapi_documents_the_community_endpoints(site: Site) -> None:
    schema = site.client().get("/api/openapi.json").json()
    paths = schema["paths"]
    assert {"post", "delete"} <= set(paths["/api/papers/{paper_id}/vote"])
    assert {"get", "post"} <= set(paths["/api/papers/{paper_id}/comments"])
    components = schema["components"]["schemas"]
    assert {"hfUpvotes", "localUpvotes"} <= set(components["PaperOut"]["properties"])
    assert {"body", "html", "replies", "author"} <= set(components["CommentOut"]["properties"])
    assert "ThreadOut" in str(paths["/api/papers/{paper_id}/comments"]["get"]["responses"]["200"])
