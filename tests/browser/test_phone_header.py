"""On a phone (390×844) the header is one row: logo, the four feed tabs, a search icon and an account menu,
whoever is signed in. The search icon opens the box in place (or, without JavaScript, goes to /search);
/search itself shows one search box at any width, and its Options keep "from … to …" together.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, LATEST, PHONE, BrowserSite, Watch

pytestmark = pytest.mark.browser

FEED = f"/papers/date/{LATEST.isoformat()}"
ONE_ROW = 64  # px: the old phone header was three rows, about 145 px


def _header_rows(page) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(header height, spread of the centres of every visible header control)."""
    return page.evaluate(
        """() => {
          const header = document.querySelector('.site-header').getBoundingClientRect();
          const centres = [...document.querySelectorAll('.header-row :is(a, button, input, summary)')]
            .filter((el) => el.checkVisibility()).map((el) => el.getBoundingClientRect())
            .filter((r) => r.width > 1 && r.height > 1)
            .map((r) => (r.top + r.bottom) / 2);
          return [header.height, Math.max(...centres) - Math.min(...centres)];
        }"""
    )


@pytest.fixture(scope="module")
def people(site: BrowserSite) -> BrowserSite:
    site.add_user("phoebe")
    site.add_user("mod", admin=True)  # one more link (Claims) in the menu
    return site


@pytest.mark.parametrize("user", [None, "phoebe", "mod"])
def test_one_row_whoever_is_signed_in(people: BrowserSite, open_context, user: str | None) -> None:  # type: ignore[no-untyped-def]
    page = open_context(user, viewport=PHONE).new_page()
    watch = Watch(page)
    for path in (FEED, "/papers/trending", "/search", "/login"):
        page.goto(people.url + path)
        height, spread = _header_rows(page)
        assert height <= ONE_ROW and spread <= 4, (path, height, spread)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        short = page.locator(".site-nav .tab-short").all()
        assert [t.inner_text() for t in short if t.is_visible()] == ["Day", "Week", "Month", "Trending"]
        assert [t.get_attribute("aria-hidden") for t in short] == ["true"] * 4  # read as Daily, Weekly …
        names = [page.locator(".site-nav a").nth(n).evaluate("a => a.textContent") for n in range(4)]
        assert [n.startswith(("Daily", "Weekly", "Monthly", "Trending")) for n in names] == [True] * 4
        assert page.locator(".site-nav").evaluate("n => n.scrollWidth <= n.clientWidth"), "no tab is cut off"
    watch.assert_clean()


def test_the_account_menu(people: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context("mod", viewport=PHONE).new_page()
    watch = Watch(page)
    page.goto(people.url + FEED)
    assert not page.locator(".account-nav").is_visible()
    menu = page.locator(".account-menu")
    menu.locator("summary").click()
    links = menu.locator(".account-menu-panel a").all_inner_texts()
    assert links == ["For you", "Library", "Submit", "Claims", "mod"]
    assert menu.get_by_role("button", name="Sign out").is_visible()
    page.keyboard.press("Escape")
    assert not menu.locator(".account-menu-panel").is_visible()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"  # focus back on the menu button
    menu.locator("summary").click()
    page.mouse.click(20, 700)  # a tap elsewhere closes it
    assert not menu.locator(".account-menu-panel").is_visible()
    menu.locator("summary").click()
    menu.get_by_role("link", name="Library").click()
    page.wait_for_url(people.url + "/library")
    watch.assert_clean()

    anonymous = open_context(None, viewport=PHONE).new_page()
    anonymous.goto(people.url + FEED)
    anonymous.locator(".account-menu summary").click()
    panel = anonymous.locator(".account-menu-panel")
    assert panel.get_by_role("link", name="Sign in").is_visible()
    assert panel.get_by_role("link", name="Sign up").is_visible()


def test_the_search_icon_opens_the_box_in_place(people: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=PHONE).new_page()
    watch = Watch(page)
    page.goto(people.url + FEED)
    box = page.locator("#site-search")
    assert not box.is_visible()
    opener = page.get_by_role("link", name="Search papers")
    opener.click()
    assert box.is_visible() and page.evaluate("document.activeElement.id") == "site-search"
    assert opener.get_attribute("aria-expanded") == "true"
    assert page.url == people.url + FEED  # opened here, not by going away
    page.keyboard.press("Escape")
    assert not box.is_visible() and opener.get_attribute("aria-expanded") == "false"
    opener.click()
    page.get_by_role("button", name="Close search").click()
    assert not box.is_visible()
    opener.click()
    box.fill("agents")
    box.press("Enter")
    page.wait_for_url(people.url + "/search?q=agents")
    assert page.locator(".search-hit").count() > 0
    watch.assert_clean()


def test_without_javascript_the_icon_is_a_link_to_search(people: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(people.url + FEED)
    page.get_by_role("link", name="Search papers").click()
    page.wait_for_url(people.url + "/search")
    page.get_by_label("Search for").fill("agents")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(people.url + "/search?q=agents&*")  # the plain form sends its options too
    assert page.locator(".search-hit").count() > 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_page_has_one_search_box(people: BrowserSite, open_context, viewport: dict) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=viewport).new_page()
    watch = Watch(page)
    page.goto(people.url + "/search?q=agents")
    visible = [b for b in page.locator("input[type=search], input[name=q]").all() if b.is_visible()]
    assert len(visible) == 1 and visible[0].get_attribute("id") == "search-q"
    assert page.locator("form[role=search]").count() == 1
    page.keyboard.press("Escape")
    page.locator("main h1").click()
    page.keyboard.press("/")  # the shortcut finds the page's own box
    assert page.evaluate("document.activeElement.id") == "search-q"
    watch.assert_clean()


def test_search_options_keep_from_and_to_together(people: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=PHONE).new_page()
    page.goto(people.url + "/search?q=agents")
    page.locator(".search-options summary").click()
    range_ = page.get_by_role("group", name="Published")
    start, end = range_.get_by_label("from"), range_.get_by_label("to")
    a, b = start.bounding_box(), end.bounding_box()
    assert a is not None and b is not None and abs(a["y"] - b["y"]) < 2, (a, b)  # side by side
    labels = [range_.locator("label", has_text=word).bounding_box() for word in ("from", "to")]
    assert labels[0] is not None and labels[1] is not None
    assert abs(labels[0]["y"] - labels[1]["y"]) < 2 and labels[1]["x"] > labels[0]["x"], labels  # one row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    start.fill("2026-08-18")
    end.fill("2026-08-20")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?q=agents*from=2026-08-18*to=2026-08-20*")
