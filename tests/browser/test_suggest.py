"""Suggestions under the header's search box, in chromium: typing an author's first letters offers them, the
arrow keys and Enter open the suggestion, and the page stays free of script errors and CSP violations."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import AUTHOR, BrowserSite, Watch

pytestmark = pytest.mark.browser


def test_typing_offers_authors_and_papers_and_enter_opens_one(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(site.url + "/")
    page.locator("#site-search").press_sequentially(AUTHOR[:8].lower(), delay=30)
    suggestions = page.locator("#site-search-suggestions")
    suggestions.get_by_text(AUTHOR, exact=False).first.wait_for()
    assert page.locator("#site-search").get_attribute("aria-expanded") == "true"
    labels = suggestions.locator(".suggestion-group").all_inner_texts()
    assert "AUTHORS" in [label.upper() for label in labels]
    options = suggestions.locator("[role=option] a")
    target = [i for i, text in enumerate(options.all_inner_texts()) if text.startswith(AUTHOR)][0]
    for _ in range(target + 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(site.url + "/authors/" + quote(AUTHOR, safe=""))
    page.go_back()
    page.locator("#site-search").fill("")
    page.locator("#site-search").press_sequentially("agent", delay=30)
    suggestions.locator(".suggestion-papers").first.wait_for()
    page.keyboard.press("Escape")
    assert suggestions.is_hidden()
    watch.assert_clean()
