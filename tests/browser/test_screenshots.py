"""Photographs of the main pages at desktop (1280×900) and phone (390×844) widths, light and dark, written to
``screenshots/`` at the repository root (git-ignored) on every run, for people to judge.

Each photo session also checks what a machine can: the page answers 200, runs without script errors or CSP
reports, never scrolls sideways, follows the system's colour scheme, and keeps its text readable (WCAG
contrast of headings, body text, links, labels and buttons against what is actually behind them).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import quote

import pytest

from paperboy.auth.secrets_util import digest
from paperboy.community import service as community
from paperboy.store import accounts
from paperboy.store import sessions as session_store
from tests.browser.conftest import (
    AUTHOR,
    DESKTOP,
    LATEST,
    ORG,
    PHONE,
    POPULAR,
    SCREENSHOTS,
    BrowserSite,
    Watch,
    script,
)

pytestmark = pytest.mark.browser

# name → (path, signed in?)
PAGES = {
    "home": ("/", False),
    "feed": (f"/papers/date/{LATEST.isoformat()}", True),
    "paper": (f"/papers/{POPULAR}", True),
    "trending": ("/papers/trending", True),
    "organization": (f"/organizations/{ORG}", True),
    "author": (f"/authors/{quote(AUTHOR)}", True),
    "search": ("/search?q=agents", False),
    "organizations": ("/organizations", False),
    "user": ("/users/reader?tab=comments", False),
    "login": ("/login", False),
    "signup": ("/signup", False),
    "submit": ("/submit", True),
    "settings": ("/settings", True),
}
VIEWPORTS = {"1280": DESKTOP, "390": PHONE}
MIN_CONTRAST = 4.5  # WCAG AA for body text
# Text whose colour must stand out from the colour actually painted behind it (the nearest opaque ancestor).
CONTRAST = script("contrast.js")
# Layout faults a person would call unfinished: header parts drawn over each other, a search box squeezed too
# small to read what is typed, a pill or button whose label breaks onto a second line.
LAYOUT = script("layout.js")
TEXT = [
    "h1",
    "h2",
    "main p",
    "main a",
    "label",
    "button",
    ".site-nav a",
    ".account-nav a",
    ".card-title a",
    ".card-summary",
    ".meta-item",
    ".chip",
    ".comment-text",
    ".comment-author",
    ".form-hint",
    ".count-line",
    ".why",
    ".vote-button",
    ".site-footer p",
]


@pytest.fixture(scope="module")
def staged(site: BrowserSite) -> BrowserSite:
    """A lived-in site: a discussion with replies, a hidden and a deleted comment, a vote, an API token."""
    site.add_user("reader", fullname="Ada Reader")
    site.add_user("critic")
    site.add_user("warden", admin=True)
    with site.engine.connect() as conn:
        reader, critic, warden = (accounts.by_id(conn, site.users[n]) for n in ("reader", "critic", "warden"))
    post = community.post_comment
    _, first = post(
        site.engine,
        reader,
        POPULAR,
        "Does the **environment synthesis** scale past the 40 tasks in Table 2? "
        "The [project page](https://example.org/envharness) only shows `web` and `os` domains.",
        None,
    )
    _, reply = post(site.engine, critic, POPULAR, "Appendix C has 300 more, with the same pipeline.", first)
    post(
        site.engine,
        reader,
        POPULAR,
        "Thanks! A longer reply, to see how a nested comment wraps on a narrow phone screen:\n\n"
        "> with the same pipeline\n\n- fine-tuned 7B\n- zero-shot 70B",
        reply,
    )
    _, rude = post(site.engine, critic, POPULAR, "Spam, spam, spam.", None)
    community.hide_comment(site.engine, warden, rude, True)
    _, gone = post(site.engine, critic, POPULAR, "Wrong thread, sorry.", None)
    community.delete_comment(site.engine, critic, gone)
    post(site.engine, critic, POPULAR, "Code is out: https://github.com/google-research/envharness", None)
    community.vote(site.engine, reader, POPULAR, True)
    with site.engine.begin() as conn:
        for name in ("reading-list script", "zotero sync"):
            session_store.create_api_token(conn, reader.id, name, digest("pbt_" + secrets.token_urlsafe(16)))
    return site


def luminance(css_colour: str) -> float:
    """WCAG relative luminance of a computed ``rgb(r, g, b)``: near 0 for our dark, near 1 for light."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_main_pages_photographed(staged: BrowserSite, open_context, width: str, scheme: str) -> None:  # type: ignore[no-untyped-def]
    viewport = VIEWPORTS[width]
    SCREENSHOTS.mkdir(exist_ok=True)
    signed_in = open_context("reader", viewport=viewport, color_scheme=scheme).new_page()
    anonymous = open_context(None, viewport=viewport, color_scheme=scheme).new_page()
    watches = {signed_in: Watch(signed_in), anonymous: Watch(anonymous)}
    problems: list[str] = []
    for name, (path, as_reader) in PAGES.items():
        page = signed_in if as_reader else anonymous
        response = page.goto(staged.url + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
        if response is None or response.status != 200:
            problems.append(f"{name}: HTTP {response and response.status}")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > viewport["width"]:
            problems.append(f"{name}: scrolls sideways ({scroll}px wide at {viewport['width']}px)")
        paint = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        background, text = luminance(paint[0]), luminance(paint[1])
        dark_paint, light_paint = background < 0.1 < 0.5 < text, text < 0.1 < 0.5 < background
        if not (dark_paint if scheme == "dark" else light_paint):
            problems.append(f"{name}: our {scheme} colours are not applied (background, text: {paint})")
        problems += [f"{name}: contrast {line}" for line in page.evaluate(CONTRAST, [TEXT, MIN_CONTRAST])]
        problems += [f"{name}: {line}" for line in page.evaluate(LAYOUT)]
        problems += [f"{name}: {line}" for line in watches[page].take()]
    assert problems == [], "\n".join(problems)
