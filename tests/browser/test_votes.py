"""Upvotes in a real browser: the count changes in place (no navigation), survives a reload, can be taken
back, and the same button still works as a plain form post when JavaScript is off.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LATEST, POPULAR, BrowserSite, Watch, mark_document, same_document

pytestmark = pytest.mark.browser

FEED = f"/papers/date/{LATEST.isoformat()}"
HF_UPVOTES = 163  # POPULAR's imported Hugging Face count, the baseline local votes add to
QUIET = "2608.19863"  # one Hugging Face upvote


def _button(page, arxiv_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f"form[data-vote][action='/papers/{arxiv_id}/vote'] button")


def _count(button) -> int:  # type: ignore[no-untyped-def]
    return int(button.locator(".votes-num").inner_text())


def _api_upvotes(page, site: BrowserSite, arxiv_id: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    info = page.request.get(f"{site.url}/api/papers/{arxiv_id}").json()
    return info["upvotes"], info["hfUpvotes"], info["localUpvotes"]


def _click_and_wait(page, button, pressed: bool) -> None:  # type: ignore[no-untyped-def]
    with page.expect_response(lambda r: r.url.endswith("/vote") and r.request.method == "POST") as answer:
        button.click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/json"
    expect(button).to_have_attribute("aria-pressed", "true" if pressed else "false")  # vote.js caught up


def test_vote_on_a_feed_card_without_reload(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("voter1")
    page = open_context("voter1").new_page()
    watch = Watch(page)
    # Other tests of this module vote too: count from what the paper has now, whatever ran before.
    total, hf, local = _api_upvotes(page, site, POPULAR)
    assert hf == HF_UPVOTES and total == hf + local
    page.goto(site.url + FEED)
    button = _button(page, POPULAR)
    assert button.get_attribute("aria-pressed") == "false" and _count(button) == total
    mark_document(page)
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else None)

    _click_and_wait(page, button, pressed=True)
    assert _count(button) == total + 1
    assert same_document(page) and navigations == []  # no reload, no navigation
    assert _api_upvotes(page, site, POPULAR) == (total + 1, HF_UPVOTES, local + 1)

    page.reload()
    button = _button(page, POPULAR)
    assert button.get_attribute("aria-pressed") == "true" and _count(button) == total + 1

    mark_document(page)
    _click_and_wait(page, button, pressed=False)  # take it back
    assert _count(button) == total and same_document(page)
    page.reload()
    assert _button(page, POPULAR).get_attribute("aria-pressed") == "false"
    assert _count(_button(page, POPULAR)) == total
    assert _api_upvotes(page, site, POPULAR) == (total, HF_UPVOTES, local)
    watch.assert_clean()


def test_vote_on_the_paper_page_and_see_it_on_the_feed(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("voter2")
    page = open_context("voter2").new_page()
    watch = Watch(page)
    total = _api_upvotes(page, site, QUIET)[0]
    page.goto(f"{site.url}/papers/{QUIET}")
    pill = page.locator(".actions form[data-vote] button")
    assert " ".join(pill.inner_text().split()).endswith(f"{total} upvote" + ("s" if total != 1 else ""))
    mark_document(page)
    _click_and_wait(page, pill, pressed=True)
    assert same_document(page)
    assert " ".join(pill.inner_text().split()).endswith(f"{total + 1} upvotes")  # the word follows the count
    assert pill.get_attribute("title").startswith("Remove your upvote")

    page.reload()
    pill = page.locator(".actions form[data-vote] button")
    assert pill.get_attribute("aria-pressed") == "true" and _count(pill) == total + 1
    page.goto(site.url + FEED)  # the card agrees with the paper page
    card = _button(page, QUIET)
    assert card.get_attribute("aria-pressed") == "true" and _count(card) == total + 1

    page.goto(f"{site.url}/papers/{QUIET}")
    pill = page.locator(".actions form[data-vote] button")
    _click_and_wait(page, pill, pressed=False)
    page.reload()
    assert page.locator(".actions form[data-vote] button").get_attribute("aria-pressed") == "false"
    assert _count(page.locator(".actions form[data-vote] button")) == total
    watch.assert_clean()


def test_double_click_counts_once(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("voter3")
    page = open_context("voter3").new_page()
    page.goto(site.url + FEED)
    before = _api_upvotes(page, site, POPULAR)[0]
    button = _button(page, POPULAR)
    button.dblclick()
    page.wait_for_function(
        "(b) => b.closest('form').getAttribute('aria-busy') !== 'true'", arg=button.element_handle()
    )
    page.reload()
    pressed = _button(page, POPULAR).get_attribute("aria-pressed") == "true"
    assert _api_upvotes(page, site, POPULAR)[0] == before + pressed  # never two votes from one person


def test_votes_without_javascript(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("novoter")
    page = open_context("novoter", java_script_enabled=False).new_page()
    page.goto(site.url + FEED)
    base = _count(_button(page, QUIET))
    with page.expect_navigation():
        _button(page, QUIET).click()
    assert page.url == site.url + FEED  # the form post comes back to the page it was sent from
    assert _button(page, QUIET).get_attribute("aria-pressed") == "true"
    assert _count(_button(page, QUIET)) == base + 1

    page.goto(f"{site.url}/papers/{QUIET}")
    pill = page.locator(".actions form[data-vote] button")
    assert pill.get_attribute("aria-pressed") == "true"
    with page.expect_navigation():
        pill.click()  # un-vote from the paper page
    assert page.url == f"{site.url}/papers/{QUIET}"
    pill = page.locator(".actions form[data-vote] button")
    assert pill.get_attribute("aria-pressed") == "false" and _count(pill) == base


def test_signed_out_vote_leads_to_sign_in_and_back(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("latecomer")
    page = open_context().new_page()
    page.goto(site.url + FEED)
    page.locator("article.card").first.locator("a.vote-button").click()
    page.wait_for_url(f"{site.url}/login?next=%2Fpapers%2Fdate%2F{LATEST.isoformat()}")
    page.get_by_label("Email or username").fill("latecomer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.url + FEED)
    assert page.locator("article.card").first.locator("form[data-vote] button").is_visible()
