"""No page makes a reader's browser ask another site for anything, in Debian's chromium.

The site holds five real Hugging Face days, whose thumbnails and avatars are absolute URLs on Hugging Face's
CDN (and gravatar.com): a page that still named one would make the browser request it, which this test
records with ``page.on("request")`` (before the test network refuses it). Some pictures have stored copies, as
the fetcher leaves them, so our own ``/media/…`` copies, initials and placeholders are all on the pages. Every
page kind is visited, anonymous and signed in, in the list and the grid view, scrolled to the end so lazy
pictures load; an abstract is opened (list view) and the search box typed into, so their requests count too.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import sqlalchemy as sa

from paperboy.store.feed import feed
from paperboy.store.schema import images
from tests.browser.conftest import AUTHOR, DAYS, LATEST, ORG, POPULAR, BrowserSite, Watch
from tests.media.pictures import picture, store_copies

pytestmark = pytest.mark.browser

# name -> (path, signed in?)
PAGES = {
    "home": ("/", False),
    "day": (f"/papers/date/{DAYS[1].isoformat()}", False),
    "day-trending": (f"/papers/date/{LATEST.isoformat()}?sort=trending", False),
    "week": ("/papers/week/2026-W34", False),
    "month": ("/papers/month/2026-08", False),
    "trending": ("/papers/trending", False),
    "paper": (f"/papers/{POPULAR}", False),
    "organization": (f"/organizations/{ORG}", False),
    "author": (f"/authors/{quote(AUTHOR)}", False),
    "search": ("/search?q=agents", False),
    "login": ("/login", False),
    "signup": ("/signup", False),
    "reset": ("/reset", False),
    "subscribe": ("/subscribe", False),
    "api-docs": ("/api/docs", False),
    "not-found": ("/papers/9999.99999", False),
    "home-signed-in": ("/", True),
    "paper-signed-in": (f"/papers/{POPULAR}", True),
    "subscriptions": ("/subscriptions", True),
    "settings": ("/settings", True),
    "submit": ("/submit", True),
    "for-you": ("/for-you", True),
    "library": ("/library", True),
}
SCROLL_TO_THE_END = """async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 30)));
  }
}"""


@pytest.fixture(scope="module")
def pictured(site: BrowserSite) -> BrowserSite:
    """Copies of the pictures of three papers of the latest day, stored as the fetcher stores them."""
    site.add_user("reader", fullname="Ada Reader")
    with site.engine.connect() as conn:
        views = [item.view for item in feed(conn, LATEST, LATEST, sort="upvotes", limit=3)]
    assert views[0].paper.arxiv_id == POPULAR
    wanted = []
    for n, view in enumerate(views):
        colour = ("#7c3aed", "#0891b2", "#ea580c")[n]
        if view.paper.thumbnail:
            wanted.append((view.paper.thumbnail, "thumbnail", picture(1200, 630, colour=colour)))
        if view.paper.organization and view.paper.organization.avatar_url:
            wanted.append((view.paper.organization.avatar_url, "avatar", picture(160, 160, "JPEG")))
    store_copies(site.engine, wanted)
    site.app.state.media.refresh()
    return site


@pytest.mark.parametrize("layout", ["list", "grid"])
def test_no_request_leaves_the_origin_on_any_page(pictured: BrowserSite, open_context, layout: str) -> None:  # type: ignore[no-untyped-def]
    origin = pictured.url + "/"
    tabs = {}
    for signed_in in (False, True):
        context = open_context("reader" if signed_in else None)
        context.add_cookies([{"name": "pb_view", "value": layout, "url": pictured.url}])
        tabs[signed_in] = context.new_page()
    requested: list[tuple[str, str]] = []
    media: list[tuple[str, int]] = []
    for tab in tabs.values():
        tab.on("request", lambda request: requested.append((request.url, request.resource_type)))
        tab.on(
            "response",
            lambda response: (
                media.append((response.url, response.status)) if "/media/" in response.url else None
            ),
        )
    watches = {signed_in: Watch(tab) for signed_in, tab in tabs.items()}
    problems: list[str] = []
    for name, (path, signed_in) in PAGES.items():
        tab = tabs[signed_in]
        start = len(requested)
        tab.goto(pictured.url + path, wait_until="networkidle")
        tab.evaluate(SCROLL_TO_THE_END)
        if name == "week" and layout == "list":
            tab.locator("details.abstract summary").first.click()
            tab.locator("details.abstract .abstract-text").first.wait_for()
        if name == "search":
            tab.locator("#search-q").fill("diffusion vid")  # /search has its own box only
        tab.wait_for_load_state("networkidle")
        away = [f"{kind} {url}" for url, kind in requested[start:] if not url.startswith(origin)]
        problems += [f"{name}: asked {line}" for line in away]
        problems += [f"{name}: {line}" for line in watches[signed_in].take()]
    assert problems == [], "\n".join(problems)

    # Our copies and initials were shown and answered; lazy thumbnails only in the grid.
    pictures = {url.removeprefix(pictured.url) for url, status in media if status == 200}
    assert any(p.startswith("/media/initials/") and p.endswith(".svg") for p in pictures)
    copies = [p for p in pictures if p.endswith(".webp")]
    assert copies and all(status == 200 for _, status in media)
    with pictured.engine.connect() as conn:
        found = conn.execute(sa.select(images.c.name).where(images.c.kind == "thumbnail"))
        thumbnails = {f"/media/{name}" for (name,) in found}
    shown = thumbnails & set(copies)
    assert shown if layout == "grid" else not shown, "thumbnails load in the grid view only"
