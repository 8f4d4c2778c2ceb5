"""The feed with the keyboard only: Tab order from the top, a focus ring you can see on every stop, Enter on
a vote button votes (in place), "/" jumps to search and the arrow keys step through days.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import LATEST, POPULAR, BrowserSite, Watch, mark_document, same_document, script

pytestmark = pytest.mark.browser

FEED = f"/papers/date/{LATEST.isoformat()}"
# What has focus, described for the test, with whether a focus indicator is painted and on screen.
FOCUSED = script("focused.js")


def _tab_until(page, done, limit: int = 60) -> list[dict]:  # type: ignore[no-untyped-def]
    """Press Tab until ``done(stop)`` holds; every stop visited on the way, in order."""
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        assert stop is not None, f"Tab left the page after {stops[-3:]}"
        stops.append(stop)
        if done(stop):
            return stops
    raise AssertionError(f"not reached in {limit} Tab presses: {[(s['region'], s['text']) for s in stops]}")


def test_tab_order_and_visible_focus(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("keys")
    page = open_context("keys").new_page()
    watch = Watch(page)
    page.goto(site.url + FEED)
    stops = _tab_until(page, lambda s: s["card"] == 1 and s["title"])

    assert stops[0]["region"] == "skip" and stops[0]["text"] == "Skip to content"
    regions = [s["region"] for s in stops]
    first = {name: regions.index(name) for name in ("skip", "brand", "nav", "search", "account", "card")}
    assert first["skip"] < first["brand"] < first["nav"] < first["search"] < first["account"] < first["card"]
    nav = page.locator(".site-nav a").all_inner_texts()
    assert nav[:3] == ["Daily", "Weekly", "Monthly"]
    assert [s["text"] for s in stops if s["region"] == "nav"] == nav  # every feed tab, in order
    assert [s["id"] for s in stops if s["region"] == "search"] == ["site-search"]
    for card in (0, 1):  # each card: its vote button, then its title link
        in_card = [s for s in stops if s["card"] == card]
        assert in_card[0]["vote"] and in_card[0]["tag"] == "button", in_card[:2]
        assert in_card[1]["title"] and in_card[1]["tag"] == "a", in_card[:2]
    assert [s["href"] for s in stops if s["title"]][0] == f"/papers/{POPULAR}"  # most upvoted first

    unseen = [(s["region"], s["tag"], s["text"]) for s in stops if not (s["ring"] and s["onScreen"])]
    assert unseen == [], f"focus without a visible ring (or off screen): {unseen}"
    watch.assert_clean()


def test_skip_link_enter_vote_and_shortcuts(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("keys2")
    page = open_context("keys2").new_page()
    watch = Watch(page)
    page.goto(site.url + FEED)

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link: focus moves to the content, past the header
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    stop = _tab_until(page, lambda s: True)[0]
    assert stop["region"] not in ("brand", "nav", "search", "account"), stop

    page.goto(site.url + FEED)
    stops = _tab_until(page, lambda s: s["card"] == 0 and s["vote"])
    assert stops[-1]["card"] == 0
    button = page.locator("article.card").first.locator("form[data-vote] button")
    before = int(button.locator(".votes-num").inner_text())
    assert button.get_attribute("aria-pressed") == "false"
    mark_document(page)
    with page.expect_response(lambda r: r.url.endswith("/vote")):
        page.keyboard.press("Enter")
    page.wait_for_function("(b) => b.getAttribute('aria-pressed') === 'true'", arg=button.element_handle())
    assert int(button.locator(".votes-num").inner_text()) == before + 1
    assert same_document(page)
    assert page.evaluate("document.activeElement.closest('form[data-vote]') !== null")  # focus stays put
    with page.expect_response(lambda r: r.url.endswith("/vote")):
        page.keyboard.press("Space")  # and Space takes it back
    page.wait_for_function("(b) => b.getAttribute('aria-pressed') === 'false'", arg=button.element_handle())
    assert int(button.locator(".votes-num").inner_text()) == before

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("agents/tools")  # once in the box, "/" is just a character
    assert page.locator("#site-search").input_value() == "agents/tools"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/search?q=agents%2Ftools")

    page.goto(site.url + FEED)
    page.keyboard.press("ArrowLeft")  # the previous day
    previous = (LATEST - timedelta(days=1)).isoformat()
    page.wait_for_url(f"{site.url}/papers/date/{previous}")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(site.url + FEED)
    watch.assert_clean()
