"""An automated accessibility check on every kind of page: axe-core, at desktop (1280×900) and phone (390×844)
widths, light and dark, finds no serious or critical violation (contrast, names, labels, ARIA, landmarks …).

axe-core comes from the ``axe-playwright-python`` package (its bundled ``axe.min.js``) and is injected into
each page from that local file: the check itself fetches nothing.
Pages are checked as they load and in the states a reader opens: the phone's account menu and search box,
the search options, a comment's reply form.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import axe_playwright_python
import pytest

from paperboy.community import service as community
from paperboy.store import accounts
from tests.browser.conftest import AUTHOR, DESKTOP, LATEST, ORG, PHONE, POPULAR, BrowserSite, Watch

pytestmark = pytest.mark.browser

AXE = (Path(axe_playwright_python.__file__).with_name("axe.min.js")).read_text(encoding="utf-8")
SERIOUS = ("serious", "critical")
# kind → (path, signed in?)
PAGES = {
    "home": ("/", False),
    "day": (f"/papers/date/{LATEST.isoformat()}?sort=trending", True),
    "week": (f"/papers/week/{LATEST:%G-W%V}", False),
    "month": (f"/papers/month/{LATEST:%Y-%m}", True),
    "trending": ("/papers/trending", False),
    "paper": (f"/papers/{POPULAR}", True),
    "paper, anonymous": (f"/papers/{POPULAR}", False),
    "organization": (f"/organizations/{ORG}", False),
    "author": (f"/authors/{quote(AUTHOR)}", False),
    "search": ("/search?q=agents", False),
    "login": ("/login", False),
    "signup": ("/signup", False),
    "settings": ("/settings", True),
    "subscriptions": ("/subscriptions", True),
    "for-you": ("/for-you", True),
    "library": ("/library", True),
    "api docs": ("/api/docs", False),
    "error page": ("/papers/date/2026-13-45", False),
}
VIEWPORTS = {"1280": DESKTOP, "390": PHONE}


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE)
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map((v) => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || ''))}))"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + " | ".join(" ".join(n.split()) for n in v["nodes"])
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.fixture(scope="module")
def lived_in(site: BrowserSite) -> BrowserSite:
    """A reader with a comment thread to reply to and a saved paper."""
    site.add_user("reader", fullname="Ada Reader")
    site.add_user("critic")
    with site.engine.connect() as conn:
        reader, critic = (accounts.by_id(conn, site.users[n]) for n in ("reader", "critic"))
    _, first = community.post_comment(site.engine, reader, POPULAR, "Does it **scale**? https://x.org", None)
    community.post_comment(site.engine, critic, POPULAR, "Appendix C, with `code`.", first)
    return site


def test_axe_core_is_local() -> None:
    assert AXE.startswith("/*! axe v4.") and "axe.run" not in AXE[:200]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_no_serious_violations(lived_in: BrowserSite, open_context, width: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    viewport = VIEWPORTS[width]
    reader = open_context("reader", viewport=viewport, color_scheme=scheme).new_page()
    anonymous = open_context(None, viewport=viewport, color_scheme=scheme).new_page()
    watches = {reader: Watch(reader), anonymous: Watch(anonymous)}
    requested: list[str] = []
    for page in (reader, anonymous):
        page.on("request", lambda request: requested.append(request.url))
    problems: list[str] = []
    for kind, (path, signed_in) in PAGES.items():
        page = reader if signed_in else anonymous
        page.goto(lived_in.url + path)
        if kind == "api docs":
            page.wait_for_selector(".opblock")
        problems += [f"{kind}: {line}" for line in violations(page)]
        if kind == "api docs":
            page.locator(".opblock-summary-control").first.click()  # an operation opened: its form
            page.wait_for_selector(".opblock-body")
            problems += [f"{kind}, an operation open: {line}" for line in violations(page)]
        if kind == "paper" and signed_in:
            page.locator("li.comment summary", has_text="Reply").first.click()
            problems += [f"{kind}, a reply form open: {line}" for line in violations(page)]
        if kind == "search":
            page.locator(".search-options summary").click()
            problems += [f"{kind}, options open: {line}" for line in violations(page)]
        if kind in ("home", "month") and viewport is PHONE:
            page.locator(".account-menu summary").click()
            problems += [f"{kind}, account menu open: {line}" for line in violations(page)]
            page.keyboard.press("Escape")
            page.get_by_role("link", name="Search papers").click()
            problems += [f"{kind}, search box open: {line}" for line in violations(page)]
        problems += [f"{kind}: {line}" for line in watches[page].take()]
    assert problems == [], "\n".join(problems)
    assert not [url for url in requested if "axe" in url.lower()], "axe-core is injected, never fetched"
