"""Discussion in a real browser: Markdown, replies, editing and deleting your own comment; someone else cannot
touch it; a moderator hides a comment and then the whole paper.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import LATEST, BrowserSite, Watch, sign_in

pytestmark = pytest.mark.browser

PAPER = "2608.18580"  # FACET…, on the latest day
# Another paper of that day for the moderation test, so neither test sees the other's comments.
MODERATED = "2608.20335"  # 4DAnyone…
PAPER_TITLE_START = "FACET"


def _comment(page, text: str):  # type: ignore[no-untyped-def]
    """The innermost comment whose own text contains ``text``."""
    return page.locator("li.comment", has=page.locator(":scope > article .comment-text", has_text=text))


def _comment_id(page) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r"#comment-(\d+)$", page.url)
    assert match, page.url
    return int(match.group(1))


def _card_comments(page) -> int:  # type: ignore[no-untyped-def]
    """The comment count on the paper's feed card (imported plus visible local comments)."""
    card = page.locator("article.card", has=page.locator(f"h2 a[href='/papers/{PAPER}']"))
    label = card.locator(".card-links a.stat").first.get_attribute("aria-label")
    match = re.fullmatch(r"(\d+) comments?", label or "")
    assert match, label
    return int(match.group(1))


def test_write_reply_edit_and_delete(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("writer", fullname="Wanda Writer")
    page = open_context().new_page()
    watch = Watch(page)
    sign_in(page, site, "writer")
    page.goto(f"{site.url}/papers/date/{LATEST.isoformat()}")
    comments_before = _card_comments(page)
    page.goto(f"{site.url}/papers/{PAPER}")
    assert page.locator("#discussion .empty-thread").is_visible()

    page.get_by_label("Add a comment").fill(
        "Is the **speed-up** real? See [the code](https://example.org/facet) and `facet.run()`."
    )
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    first_id = _comment_id(page)
    first = page.locator(f"#comment-{first_id}")
    text = first.locator(":scope > article .comment-text")
    assert text.locator("strong").inner_text() == "speed-up"
    assert text.locator("code").inner_text() == "facet.run()"
    link = text.get_by_role("link", name="the code")
    assert link.get_attribute("href") == "https://example.org/facet"
    assert set(link.get_attribute("rel").split()) >= {"ugc", "nofollow", "noopener"}
    assert first.locator(".comment-author").first.inner_text() == "Wanda Writer"
    assert first.locator(".comment-handle").first.inner_text() == "@writer"

    first.locator(":scope > article summary", has_text="Reply").click()
    page.locator(f"#body-reply-{first_id}").fill("Answering myself: *yes*, table 3.")
    first.locator(":scope > article").get_by_role("button", name="Post reply").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    reply_id = _comment_id(page)
    reply = page.locator(f"#comment-{first_id} li.comment#comment-{reply_id}")  # nested under the first
    assert reply.locator(".comment-text em").inner_text() == "yes"

    first = page.locator(f"#comment-{first_id}")
    first.locator(":scope > article summary", has_text="Edit").click()
    box = page.locator(f"#body-edit-{first_id}")
    assert box.input_value().startswith("Is the **speed-up** real?")  # the Markdown source, not HTML
    box.fill("Is the **speed-up** real? Edited: it is ~~not~~ measured on one GPU.")
    first.locator(":scope > article").get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf"#comment-{first_id}$"))
    first = page.locator(f"#comment-{first_id}")
    assert "Edited: it is" in first.locator(":scope > article .comment-text").inner_text()
    assert first.locator(":scope > article .comment-edited").inner_text() == "edited"

    reply = page.locator(f"#comment-{reply_id}")
    reply.locator("summary", has_text="Delete").click()
    reply.get_by_role("button", name="Delete comment").click()
    page.wait_for_url(re.compile(rf"#comment-{reply_id}$"))
    reply = page.locator(f"#comment-{reply_id}")
    assert reply.locator(".comment-text").inner_text() == "[deleted]"
    assert "Wanda" not in reply.inner_text()  # a deleted comment no longer names its author
    assert page.locator(f"#comment-{first_id} > article .comment-text").inner_text().startswith("Is the")
    page.goto(f"{site.url}/papers/date/{LATEST.isoformat()}")
    assert _card_comments(page) == comments_before + 1  # the deleted reply does not count
    watch.assert_clean()


def test_others_cannot_edit_and_moderators_hide(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("author")
    site.add_user("stranger")
    site.add_user("moddy", admin=True)

    page = open_context("author").new_page()
    page.goto(f"{site.url}/papers/{MODERATED}")
    page.get_by_label("Add a comment").fill("Mine, and only mine to edit.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    comment_id = _comment_id(page)
    page.get_by_label("Add a comment").fill("Off-topic: buy my course.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    spam_id = _comment_id(page)

    stranger = open_context("stranger").new_page()
    watch = Watch(stranger)
    stranger.goto(f"{site.url}/papers/{MODERATED}")
    theirs = stranger.locator(f"#comment-{comment_id}")
    assert theirs.locator("summary", has_text="Reply").count() == 1
    assert theirs.locator("summary", has_text="Edit").count() == 0
    assert theirs.locator("summary", has_text="Delete").count() == 0
    assert theirs.get_by_role("button", name="Hide").count() == 0
    # Forged posts with the stranger's own valid session and CSRF token are refused all the same.
    token = stranger.locator("meta[name='csrf-token']").get_attribute("content")
    for action in ("edit", "delete"):
        answer = stranger.request.post(
            f"{site.url}/comments/{comment_id}/{action}",
            form={"csrf_token": token, "body": "Hijacked!"},
            max_redirects=0,
        )
        assert answer.status == 403, (action, answer.status)
    answer = stranger.request.post(
        f"{site.url}/comments/{comment_id}/hide", form={"csrf_token": token, "hidden": "1"}, max_redirects=0
    )
    assert answer.status == 403
    stranger.reload()
    assert (
        stranger.locator(f"#comment-{comment_id} .comment-text").inner_text()
        == "Mine, and only mine to edit."
    )

    mod = open_context().new_page()
    mod_watch = Watch(mod)
    sign_in(mod, site, "moddy")
    mod.goto(f"{site.url}/papers/{MODERATED}")
    mod.locator(f"#comment-{spam_id}").get_by_role("button", name="Hide").click()
    mod.wait_for_url(re.compile(rf"#comment-{spam_id}$"))
    hidden = mod.locator(f"#comment-{spam_id}")
    assert "hidden by a moderator" in hidden.locator(".comment-flag").inner_text()
    # Moderators can still read what they hid.
    assert hidden.locator(".comment-text").inner_text() == "Off-topic: buy my course."
    assert hidden.get_by_role("button", name="Unhide").is_visible()

    stranger.reload()
    assert stranger.locator(f"#comment-{spam_id} .comment-text").inner_text() == "[hidden by a moderator]"
    assert "buy my course" not in stranger.locator("#discussion").inner_text()

    mod.get_by_role("button", name="Hide paper").click()
    mod.wait_for_url(f"{site.url}/papers/{MODERATED}")
    assert "Hidden by a moderator" in mod.locator(".moderation-banner[role=status]").inner_text()
    assert mod.get_by_role("button", name="Unhide paper").is_visible()

    gone = stranger.goto(f"{site.url}/papers/{MODERATED}")
    assert gone is not None and gone.status == 404
    stranger.goto(f"{site.url}/papers/date/{LATEST.isoformat()}")
    assert stranger.locator(f"article.card a[href='/papers/{MODERATED}']").count() == 0
    assert stranger.locator("article.card").count() > 0

    mod.get_by_role("button", name="Unhide paper").click()  # and back
    mod.wait_for_url(f"{site.url}/papers/{MODERATED}")
    stranger.goto(f"{site.url}/papers/date/{LATEST.isoformat()}")
    assert stranger.locator(f"article.card a[href='/papers/{MODERATED}']").count() >= 1
    watch.assert_clean()
    mod_watch.assert_clean()
