"""Votes and comments in a real browser (Debian's chromium): the count changes without a reload and survives
one, the no-JavaScript forms work, hostile comments never open a dialog, and the discussion is photographed
at desktop and phone widths, light and dark, into ``screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.engine import Engine

from paperboy.community import service
from paperboy.http.session import SESSION_COOKIE
from paperboy.store import accounts
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.community.conftest import DAY, POPULAR, QUIET, community_site
from tests.conftest import LiveServer
from tests.sites import Site

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:  # type: ignore[override]
    """The community tests' small site (three papers, four accounts), fresh for each test."""
    with community_site(engine, tmp_path) as built:
        yield built


@pytest.fixture
def server(site: Site) -> Iterator[LiveServer]:
    with LiveServer(site.app) as live:
        yield live


def _context(browser: Browser, site: Site, server: LiveServer, who: str | None, **options) -> BrowserContext:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORTS["desktop"], **options)
    if who:
        cookie, _csrf = site.session(who)
        context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": server.url}])
    return context


def _watch(page: Page) -> list[str]:
    """Console errors (a CSP violation included) and any dialog: an opened alert means a script ran."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    def dialog(d) -> None:  # type: ignore[no-untyped-def]
        problems.append(f"dialog opened: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return problems


def test_upvote_without_reload_and_after_one(browser: Browser, site: Site, server: LiveServer) -> None:
    context = _context(browser, site, server, "alice")
    page = context.new_page()
    problems = _watch(page)
    page.goto(f"{server.url}/papers/date/{DAY.isoformat()}")
    page.evaluate("window.__sameDocument = true")
    button = page.locator(f"form[action='/papers/{POPULAR}/vote'] button")
    assert (
        button.get_attribute("aria-pressed") == "false" and button.locator(".votes-num").inner_text() == "163"
    )
    button.click()
    page.wait_for_selector(f"form[action='/papers/{POPULAR}/vote'] button[aria-pressed='true']")
    assert button.locator(".votes-num").inner_text() == "164"
    assert page.evaluate("window.__sameDocument") is True  # no navigation happened
    page.reload()
    assert (
        button.get_attribute("aria-pressed") == "true" and button.locator(".votes-num").inner_text() == "164"
    )
    button.click()
    page.wait_for_selector(f"form[action='/papers/{POPULAR}/vote'] button[aria-pressed='false']")
    assert button.locator(".votes-num").inner_text() == "163"
    page.goto(f"{server.url}/papers/{QUIET}")
    pill = page.locator("form[data-vote] button")
    pill.click()
    page.wait_for_selector("form[data-vote] button[aria-pressed='true']")
    assert " ".join(pill.inner_text().split()).endswith(" 1 upvote")  # the word follows the count
    assert problems == []
    context.close()


def test_voting_and_commenting_without_javascript(browser: Browser, site: Site, server: LiveServer) -> None:
    context = _context(browser, site, server, "bob", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/papers/{QUIET}")
    page.locator("form[data-vote] button").click()
    page.wait_for_load_state()
    assert page.url == f"{server.url}/papers/{QUIET}"
    assert page.locator("form[data-vote] button").get_attribute("aria-pressed") == "true"
    page.fill("#body-new", "Posted **without** scripts.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert "#comment-" in page.url
    first = page.locator("li.comment").first
    assert first.locator(".comment-text strong").inner_text() == "without"
    first.locator("summary", has_text="Reply").click()
    first.locator("textarea").first.fill("And a reply.")
    first.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    assert page.locator("li.comment li.comment .comment-text").inner_text() == "And a reply."
    context.close()


def test_anonymous_upvote_leads_to_login_and_back(browser: Browser, site: Site, server: LiveServer) -> None:
    context = _context(browser, site, server, None)
    page = context.new_page()
    page.goto(f"{server.url}/papers/{QUIET}")
    page.locator("a.vote-button").click()
    page.wait_for_url(f"**/login?next=%2Fpapers%2F{QUIET}")
    context.close()


XSS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=\"alert('img')\">",
    "[click me](javascript:alert('link'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert('svg')>",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_discussion_is_inert_and_photographed(
    browser: Browser, site: Site, server: LiveServer, viewport: str, scheme: str
) -> None:
    with site.engine.connect() as conn:
        alice, bob, mona = (accounts.by_id(conn, site.users[n]) for n in ("alice", "bob", "mona"))
    _, first = service.post_comment(
        site.engine,
        alice,
        POPULAR,
        "Does this **scale**? See [the repo](https://github.com/x/y) and `EnvRigger`.",
        None,
    )
    _, reply = service.post_comment(
        site.engine, bob, POPULAR, "Table 3 says yes.\n\n> quoting a claim", first
    )
    service.post_comment(
        site.engine, alice, POPULAR, "Thanks, a longer reply to see how nesting wraps on a phone.", reply
    )
    for payload in XSS:
        service.post_comment(site.engine, bob, POPULAR, f"Try {payload} here", None)
    _, hidden = service.post_comment(site.engine, bob, POPULAR, "Off-topic rant", None)
    service.hide_comment(site.engine, mona, hidden, True)
    service.vote(site.engine, alice, POPULAR, True)
    context = _context(browser, site, server, "alice", color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    problems = _watch(page)
    page.goto(f"{server.url}/papers/{POPULAR}")
    for link in page.locator(".comment-text a").all():
        assert link.get_attribute("href").startswith("https://"), link.get_attribute("href")
    for summary in page.locator("li.comment summary", has_text="Edit").all():
        summary.click()  # open the edit forms too: their textareas hold the raw payloads
    page.locator("#discussion").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"discussion-{viewport}-{scheme}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert page.locator(".vote-pill[aria-pressed='true']").count() == 1
    assert problems == []
    context.close()
