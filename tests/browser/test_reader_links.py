"""Where a reader goes from a paper and a day, clicked in a real browser: the comment count opens the
discussion, Hugging Face's thread is a link above ours, keyword chips search, URLs in an abstract (hostile
ones included) are links and nothing more, a Code link comes from the repository the authors named; the date
picker (with and without JavaScript), the Trending tab and trending lines in plain words.
"""

from __future__ import annotations

import re

import pytest

from paperboy.models import Author, DailyEntry, Paper
from paperboy.store.papers_write import upsert_entries, upsert_papers
from paperboy.text.links import REL
from tests.browser.conftest import DAYS, LATEST, PHONE, POPULAR, BrowserSite, Watch, script

pytestmark = pytest.mark.browser

NAMES_CODE = "2608.11612"  # Dion3: no repository set; its abstract says "(https://github.com/microsoft/dion)"
HOSTILE_ID = "2608.99101"
HOSTILE_ABSTRACT = (
    'Code at https://github.com/evil/repo"onmouseover="alert(1) and https://example.org/a"><script>alert(2)'
    "</script> or javascript:alert(3), data at (https://example.org/d_(v2)?a=1&b=2). "
    "<img src=x onerror=alert(4)> https://x.org/<svg onload=alert(5)>"
)
AUDIT = script("audit.js")
WHY = re.compile(r"featured (on [A-Z][a-z]{2} \d{1,2}|\d+ (hour|day)s? ago|less than an hour ago)$")


@pytest.fixture(scope="module")
def seeded(site: BrowserSite) -> BrowserSite:
    paper = Paper(HOSTILE_ID, "A hostile abstract", abstract=HOSTILE_ABSTRACT, authors=[Author("A")])
    with site.engine.begin() as conn:
        upsert_papers(conn, [paper])
        upsert_entries(conn, [DailyEntry(DAYS[0], HOSTILE_ID, "huggingface")])
    return site


def test_the_comment_count_opens_the_discussion(seeded: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(f"{seeded.url}/papers/date/{LATEST.isoformat()}")
    card = page.locator("article.card", has=page.locator(f"a[href='/papers/{POPULAR}']")).first
    card.locator("a.stat[aria-label$='comment'], a.stat[aria-label$='comments']").click()
    page.wait_for_url(f"{seeded.url}/papers/{POPULAR}#discussion")
    heading = page.locator("#discussion h2")
    assert heading.inner_text().strip() == "Discussion" and heading.is_visible()
    box, header = heading.bounding_box(), page.locator(".site-header").bounding_box()
    assert box is not None and header is not None and page.evaluate("scrollY") > 0
    assert header["height"] <= box["y"] < 900 - box["height"], "in view, not under the sticky header"

    hf = page.locator("#discussion .hf-thread a")
    assert " ".join(hf.inner_text().split()) == "1 comment on Hugging Face →"
    assert hf.get_attribute("href") == f"https://huggingface.co/papers/{POPULAR}#community"
    ours = page.locator("#discussion h3.thread-head")
    assert ours.inner_text().startswith("Here on paperboy")
    assert hf.bounding_box()["y"] < ours.bounding_box()["y"]  # theirs is a link above our own thread
    assert page.locator("#discussion .empty-thread").inner_text() == "No comments here yet."
    page.locator(".actions a.stat-pill").click()  # the count beside the title goes there too
    assert page.url.endswith("#discussion")
    watch.assert_clean()


def test_a_keyword_chip_searches_its_words(seeded: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(f"{seeded.url}/papers/{POPULAR}")
    page.locator(".ai-summary a.chip", has_text="EnvRigger").click()
    page.wait_for_url(f"{seeded.url}/search?q=%22EnvRigger%22")
    assert page.get_by_label("Search for").input_value() == '"EnvRigger"'
    assert page.locator(f".search-hit a[href='/papers/{POPULAR}']").count() == 1
    watch.assert_clean()


def test_abstract_urls_and_the_code_link(seeded: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(f"{seeded.url}/papers/{NAMES_CODE}")
    link = page.locator(".abstract-full a")
    assert link.count() == 1 and link.get_attribute("href") == "https://github.com/microsoft/dion"
    assert link.get_attribute("rel") == REL and link.inner_text() == "https://github.com/microsoft/dion"
    code = page.locator(".actions a", has_text="Code")
    assert code.get_attribute("href") == "https://github.com/microsoft/dion"
    assert "microsoft/dion · named in the abstract" in page.locator(".facts").inner_text()

    page.goto(f"{seeded.url}/papers/{HOSTILE_ID}")
    assert page.evaluate(AUDIT) == []
    abstract = page.locator(".abstract-full")
    assert abstract.inner_text() == HOSTILE_ABSTRACT  # every character shown as written
    hrefs = abstract.locator("a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.rel])")
    assert hrefs == [
        ["https://github.com/evil/repo", REL],
        ["https://example.org/a", REL],
        ["https://example.org/d_(v2)?a=1&b=2", REL],
        ["https://x.org/", REL],
    ]
    assert abstract.locator("script, img, svg").count() == 0
    assert page.locator(".actions a", has_text="Code").get_attribute("href") == "https://github.com/evil/repo"
    watch.assert_clean()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_date_picker(seeded: BrowserSite, open_context, javascript: bool) -> None:  # type: ignore[no-untyped-def]
    page = open_context(java_script_enabled=javascript).new_page()
    page.goto(f"{seeded.url}/")
    box = page.get_by_label("Go to day")
    assert box.get_attribute("min") == DAYS[0].isoformat() and box.get_attribute("max") == LATEST.isoformat()
    assert box.input_value() == LATEST.isoformat()
    box.fill(DAYS[2].isoformat())
    page.locator(".date-jump").get_by_role("button", name="Go").click()
    page.wait_for_url(f"{seeded.url}/papers/date/{DAYS[2].isoformat()}")
    assert page.locator("h1").inner_text().endswith(f"{DAYS[2]:%B} {DAYS[2].day}, {DAYS[2].year}")

    page.goto(f"{seeded.url}/papers/week/{LATEST:%G-W%V}")
    page.get_by_label("Go to the week of").fill("2026-08-10")  # before the first day: the first day's week
    page.locator(".date-jump").get_by_role("button", name="Go").click()
    page.wait_for_url(f"{seeded.url}/papers/week/{DAYS[0]:%G-W%V}")


def test_trending_is_a_tab_and_says_when_in_plain_words(seeded: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    for viewport in (None, PHONE):
        page = open_context(**({"viewport": viewport} if viewport else {})).new_page()
        watch = Watch(page)
        page.goto(f"{seeded.url}/papers/date/{LATEST.isoformat()}")
        tab = page.locator(".site-nav a", has_text="Trending")
        assert tab.is_visible()
        tab.click()
        page.wait_for_url(f"{seeded.url}/papers/trending")
        assert page.locator(".site-nav a[aria-current='page']").get_attribute("href") == "/papers/trending"
        whys = page.locator(".why").all_inner_texts()
        assert whys and all(WHY.search(w.strip()) for w in whys), whys[:3]
        assert not [w for w in whys if " h " in w or "before the end" in w]
        page.goto(f"{seeded.url}/papers/date/{LATEST.isoformat()}?sort=trending")
        day_whys = page.locator(".why").all_inner_texts()
        assert day_whys and all(w.strip().endswith(f"featured on Aug {LATEST.day}") for w in day_whys)
        watch.assert_clean()
