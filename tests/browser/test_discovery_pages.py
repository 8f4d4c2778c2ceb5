"""Trending, organization, author and claim-queue pages in Debian's chromium: no console errors, no sideways
scrolling on a phone, light and dark; screenshots land in ``screenshots/`` (git-ignored) for people to judge.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Route

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
PAGES = {
    "trending": "/papers/trending",
    "organization": "/organizations/google",
    "author": "/authors/Ziwei%20Liu",
    "day-trending": "/papers/date/2026-08-21?sort=trending",
}

pytestmark = pytest.mark.browser


def _local_only(base_url: str):  # type: ignore[no-untyped-def]
    """The test network is closed: remote avatars get nothing, our own files load."""

    def handle(route: Route) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            route.abort()

    return handle


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("name", list(PAGES))
def test_discovery_pages_in_browser(
    browser: Browser, live_server, name: str, viewport: str, scheme: str
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "net::" not in msg.text else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", _local_only(live_server.url))
    response = page.goto(live_server.url + PAGES[name], wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.locator("article.card").first.is_visible()
    if name in ("trending", "day-trending"):
        assert page.locator("p.why").first.is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport}-{scheme}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    assert errors == []
    context.close()
