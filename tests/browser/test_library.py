# ruff: noqa: F811  (the community fixture `site` is imported by name, then requested as an argument)
"""Save / Not interested and the /library page in a real browser (Debian's chromium): a card's Save button
answers in place and undoes on a second press, the state survives a reload, the two marks exclude each other,
the no-JavaScript forms work, and /library lists, files and removes what was saved."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.community.conftest import DAY, POPULAR, QUIET, Site, session_for, site  # noqa: F401
from tests.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is required in CI for the browser tests (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


@pytest.fixture
def server(site: Site) -> Iterator[LiveServer]:
    with LiveServer(site.app) as live:
        yield live


def _page(browser: Browser, site: Site, server: LiveServer, javascript: bool = True) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    cookie, _csrf = session_for(site.engine, site.users["alice"])
    context.add_cookies([{"name": "pb_session", "value": cookie, "url": server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems  # type: ignore[attr-defined]
    return page


def test_save_on_a_card_then_undo_and_the_library_page(
    browser: Browser, site: Site, server: LiveServer
) -> None:
    page = _page(browser, site, server)
    page.goto(f"{server.url}/papers/date/{DAY.isoformat()}")
    page.evaluate("window.__sameDocument = true")
    card = page.locator(f"article.card:has([data-library-for='{POPULAR}'])")
    save = card.locator("button[data-kind='saved']")
    assert save.inner_text() == "Save" and save.get_attribute("aria-pressed") == "false"
    save.click()
    card.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    assert save.inner_text() == "Saved ✓"
    assert "Saved to your library" in card.locator(".library-status").inner_text()
    assert page.evaluate("window.__sameDocument") is True  # answered in place
    page.reload()
    assert save.get_attribute("aria-pressed") == "true"
    save.click()  # undo
    card.locator("button[data-kind='saved'][aria-pressed='false']").wait_for()
    assert "Removed" in card.locator(".library-status").inner_text()
    # Saved on the paper page, then "Not interested" there lifts the save.
    page.goto(f"{server.url}/papers/{QUIET}")
    page.locator("button[data-kind='saved']").click()
    page.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    page.locator("button[data-kind='not_interested']").click()
    page.locator("button[data-kind='not_interested'][aria-pressed='true']").wait_for()
    assert page.locator("button[data-kind='saved']").get_attribute("aria-pressed") == "false"
    page.locator("button[data-kind='not_interested']").click()  # undo
    page.locator("button[data-kind='not_interested'][aria-pressed='false']").wait_for()
    page.locator("button[data-kind='saved']").click()
    page.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    # The library page: listed, moved to a folder, removed.
    page.goto(f"{server.url}/library")
    item = page.locator(f"li.library-item[data-arxiv-id='{QUIET}']")
    assert "sparse kernels" in item.inner_text()
    item.locator("input[name='folder']").fill("Kernels")
    item.get_by_role("button", name="Move", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h2.library-folder", has_text="Kernels").count() == 1
    page.locator(f"li.library-item[data-arxiv-id='{QUIET}']").get_by_role("button", name="Remove").click()
    page.wait_for_load_state()
    assert page.locator("li.library-item").count() == 0
    assert page.problems == []  # type: ignore[attr-defined]
    page.context.close()


def test_save_without_javascript(browser: Browser, site: Site, server: LiveServer) -> None:
    page = _page(browser, site, server, javascript=False)
    page.goto(f"{server.url}/papers/date/{DAY.isoformat()}")
    card = page.locator(f"article.card:has([data-library-for='{POPULAR}'])")
    card.locator("button[data-kind='saved']").click()
    page.wait_for_load_state()
    assert page.url == f"{server.url}/papers/date/{DAY.isoformat()}"
    assert card.locator("button[data-kind='saved']").get_attribute("aria-pressed") == "true"
    assert "library" in card.locator(".library-status").inner_text()
    page.goto(f"{server.url}/library")
    assert page.locator(f"li.library-item[data-arxiv-id='{POPULAR}']").count() == 1
    page.context.close()
