"""List and grid views in Debian's chromium: the reader's choice holds across pages and reloads (with and
without JavaScript), the compact list shows at least six papers on a 1280×900 screen and three on a 390×844
phone, and a long page's abstract is fetched from our own server only when it is opened.

Photographs of home in both views, desktop and phone, light and dark, land in ``screenshots/``, with the same
machine checks as test_screenshots (contrast, layout, no script errors or CSP reports).
"""

from __future__ import annotations

import re

import pytest

from paperboy.store.papers import get_paper
from tests.browser.conftest import (
    DESKTOP,
    LATEST,
    PHONE,
    POPULAR,
    SCREENSHOTS,
    BrowserSite,
    Watch,
    mark_document,
    same_document,
)
from tests.browser.test_screenshots import CONTRAST, LAYOUT, MIN_CONTRAST, TEXT
from tests.media.pictures import picture, store_copies

pytestmark = pytest.mark.browser

WEEK = "/papers/week/2026-W34"


@pytest.fixture(scope="module")
def pictured(site: BrowserSite) -> BrowserSite:
    """The most upvoted paper's thumbnail and organization avatar stored, as the fetcher stores them; every
    other picture of the real data (on Hugging Face's CDN) has no copy, so its initials or tile show."""

    with site.engine.connect() as conn:
        view = get_paper(conn, POPULAR)
    assert view is not None and view.paper.thumbnail and view.paper.organization
    store_copies(
        site.engine,
        [
            (view.paper.thumbnail, "thumbnail", picture(1200, 648, colour="#7c3aed")),
            (view.paper.organization.avatar_url, "avatar", picture(200, 200, "JPEG", colour="#16a34a")),
        ],
    )
    site.app.state.media.refresh()
    return site


def cards_class(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("ol.cards").get_attribute("class") or ""


def test_the_chosen_view_holds_across_pages_and_reloads(pictured: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(pictured.url + "/")
    assert cards_class(page) == "cards view-list"
    assert page.locator(".card-thumb").first.is_hidden()
    mark_document(page)
    page.get_by_role("link", name="Grid").click()
    assert cards_class(page) == "cards view-grid" and same_document(page), "switched in place, no reload"
    assert page.get_by_role("link", name="Grid").get_attribute("aria-current") == "true"
    thumb = page.locator(f"article:has(a[href='/papers/{POPULAR}']) .card-thumb img")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 640", arg=thumb.element_handle())
    for path in (WEEK, "/papers/trending", "/organizations/google"):
        page.goto(pictured.url + path)
        assert cards_class(page) == "cards view-grid", path
    page.reload()
    assert cards_class(page) == "cards view-grid"
    page.get_by_role("link", name="List").click()
    assert cards_class(page) == "cards view-list"
    page.reload()
    assert cards_class(page) == "cards view-list"
    page.go_back()  # the grid page left behind follows the newer choice
    assert cards_class(page) == "cards view-list"
    watch.assert_clean()


def test_the_view_switch_works_without_javascript(pictured: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context(java_script_enabled=False).new_page()
    page.goto(pictured.url + f"/papers/date/{LATEST.isoformat()}?sort=trending")
    page.get_by_role("link", name="Grid").click()
    page.wait_for_url(re.compile(re.escape(f"/papers/date/{LATEST.isoformat()}?sort=trending") + "$"))
    assert cards_class(page) == "cards view-grid"
    page.goto(pictured.url + "/papers/trending")
    assert cards_class(page) == "cards view-grid"
    page.get_by_role("link", name="List").click()
    page.wait_for_url(pictured.url + "/papers/trending")
    assert cards_class(page) == "cards view-list"


VISIBLE = """() => [...document.querySelectorAll('article.card')].filter((card) => {
  const r = card.getBoundingClientRect();
  const shown = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
  return shown >= 0.6 * r.height;  // fully or mostly on the screen
}).length"""


@pytest.mark.parametrize(("viewport", "at_least"), [(DESKTOP, 6), (PHONE, 3)])
@pytest.mark.parametrize("path", ["/", WEEK])
def test_the_compact_list_fits_six_papers_on_a_desktop_and_three_on_a_phone(
    pictured: BrowserSite, open_context, viewport: dict, at_least: int, path: str
) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=viewport).new_page()
    page.goto(pictured.url + path)
    assert page.evaluate(VISIBLE) >= at_least
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_an_abstract_is_fetched_only_when_opened(pictured: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(pictured.url + WEEK, wait_until="networkidle")
    card = page.locator(f"article:has(.card-title a[href='/papers/{POPULAR}'])")
    with pictured.engine.connect() as conn:
        view = get_paper(conn, POPULAR)
    assert view is not None
    words = view.paper.abstract[:60]
    assert words not in page.content()
    assert not [url for url in asked if url.endswith("/abstract")]
    card.get_by_text("Abstract", exact=True).click()
    card.locator(".abstract-text").wait_for()
    assert card.locator(".abstract-text").inner_text().startswith(words)
    assert card.locator(".card-summary").is_visible()  # Hugging Face's AI summary comes with it
    assert [url for url in asked if url.endswith("/abstract")] == [
        f"{pictured.url}/papers/{POPULAR}/abstract"
    ]
    card.get_by_text("Abstract", exact=True).click()  # closed
    card.get_by_text("Abstract", exact=True).click()  # and opened again: no second request
    assert len([url for url in asked if url.endswith("/abstract")]) == 1
    watch.assert_clean()


def test_without_javascript_an_abstract_links_to_its_paper(pictured: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context(java_script_enabled=False).new_page()
    page.goto(pictured.url + WEEK)
    card = page.locator("article.card").first
    card.get_by_text("Abstract", exact=True).click()
    card.get_by_role("link", name="Read the abstract on the paper’s page").click()
    page.wait_for_url(re.compile(r"/papers/[\w.]+#abs-h$"))
    assert page.locator("#abs-h").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("layout", ["list", "grid"])
def test_home_photographed_in_both_views(
    pictured: BrowserSite, open_context, layout: str, scheme: str
) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        context = open_context(viewport=viewport, color_scheme=scheme)
        context.add_cookies([{"name": "pb_view", "value": layout, "url": pictured.url}])
        page = context.new_page()
        watch = Watch(page)
        page.goto(pictured.url + "/", wait_until="networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"home-{layout}-{width}-{scheme}.png"))
        if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
            problems.append(f"{width}: scrolls sideways")
        problems += [f"{width}: contrast {line}" for line in page.evaluate(CONTRAST, [TEXT, MIN_CONTRAST])]
        problems += [f"{width}: {line}" for line in page.evaluate(LAYOUT)]
        problems += [f"{width}: {line}" for line in watch.take()]
    assert problems == [], "\n".join(problems)
