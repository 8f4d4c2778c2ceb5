"""The pages in a real browser (Debian's chromium): they load without console errors, the cards are visible
on a phone and on a desktop, light and dark, and screenshots land in ``screenshots/`` for people to look at.

Pages ask no other site for anything (tests/browser/test_origin_only.py); here any such request is refused.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

pytestmark = pytest.mark.browser


def _local_only(base_url: str):  # type: ignore[no-untyped-def]
    def handle(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            route.abort()

    return handle


def _open(browser: Browser, base_url: str, path: str, viewport: str, scheme: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, java_script_enabled=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", _local_only(base_url))
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    return page, errors


def _shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_feed_in_browser(browser: Browser, live_server, viewport: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = _open(browser, live_server.url, "/", viewport, scheme)
    cards = page.locator("article.card")
    assert cards.count() == 17
    assert cards.first.is_visible()
    assert page.locator("h1").first.is_visible()
    _shoot(page, f"feed-{viewport}-{scheme}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], "the page scrolls sideways"
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_paper_in_browser(browser: Browser, live_server, viewport: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = _open(browser, live_server.url, "/papers/2608.19880", viewport, scheme)
    assert page.locator("h1").inner_text().startswith("EnvHarness")
    assert page.get_by_role("link", name="PDF").first.is_visible()
    _shoot(page, f"paper-{viewport}-{scheme}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], "the page scrolls sideways"
    assert errors == []
    page.context.close()


def test_month_and_abstract_without_js(browser: Browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """A month feed pages at page_size cards; without JavaScript its abstracts open with <details> alone onto
    a link to the paper's page (a day page carries the text itself)."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"], java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", _local_only(live_server.url))
    page.goto(live_server.url + "/papers/month/2026-05", wait_until="networkidle")
    assert page.locator("article.card").count() == 50
    first = page.locator("details.abstract").first
    link = first.get_by_role("link", name="Read the abstract on the paper’s page")
    assert not link.is_visible()
    first.locator("summary").click()
    assert link.is_visible() and (link.get_attribute("href") or "").endswith("#abs-h")
    _shoot(page, "month-desktop-light")
    page.goto(live_server.url + "/papers/date/2026-05-12", wait_until="networkidle")
    day = page.locator("details.abstract").first
    day.locator("summary").click()
    assert day.locator("p.abstract-text").is_visible()
    context.close()


def test_keyboard_shortcuts(browser: Browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """``/`` focuses search and ← follows the previous-day link (app.js); Tab reaches the skip link first."""
    page, errors = _open(browser, live_server.url, "/papers/date/2025-01-13", "desktop", "light")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/papers/date/2024-12-10")
    assert errors == []
    page.context.close()
