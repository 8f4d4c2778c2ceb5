"""Hostile text everywhere a stranger can put it: comments, usernames and full names, paper titles, abstracts,
author and organization names, submitters, API token names and search queries. A real browser renders every
page that shows it; no dialog may ever open, no Content-Security-Policy violation may be reported (the CSP
would block an injected script, but our pages must not even try), and the text must still be shown as text.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from paperboy.models import Author, DailyEntry, Organization, Paper, Submitter
from paperboy.store.papers_write import upsert_entries, upsert_papers
from tests.browser.conftest import LATEST, BrowserSite, Watch, script

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
LINK = "[x](javascript:alert(1))"
PAYLOADS = [SCRIPT, IMG, SVG, LINK]

TITLE_ID, SUMMARY_ID = "2608.99001", "2608.99002"
TITLE = f"Hostile {SCRIPT} title {IMG} with {SVG} and {LINK}"
ORG = Organization(name=SVG, fullname=IMG, avatar_url="javascript:alert(1)")
COMMENTS = [
    *PAYLOADS,
    "<javascript:alert(1)> and ![pic](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)",
    f"`{SCRIPT}` in code, and a [title link](https://example.org '{SVG}')",
    f"{IMG}\n\n> {SVG}\n\n- {SCRIPT}",
]
# Every element's attributes and the scripts on the page: only our own /static/ files may run.
AUDIT = script("audit.js")


def _seed(site: BrowserSite) -> None:
    papers = [
        Paper(
            arxiv_id=TITLE_ID,
            title=TITLE,
            abstract=f"An abstract that quotes {SCRIPT} and {IMG} and {SVG} and {LINK} verbatim.",
            authors=[Author(p) for p in PAYLOADS],
            organization=ORG,
            ai_summary=f"Summary {IMG} {SVG}",
            ai_keywords=[SCRIPT, IMG, SVG],
            github_repo="javascript:alert(1)",
            project_page=f"https://example.org/{SVG}",
            comments=f"Journal comment {SCRIPT}",
            journal_ref=IMG,
            upvotes=50,
        ),
        Paper(arxiv_id=SUMMARY_ID, title=LINK, abstract=SVG, authors=[Author("Plain Name")], upvotes=40),
    ]
    with site.engine.begin() as conn:
        upsert_papers(conn, papers)
        upsert_entries(
            conn,
            [
                DailyEntry(LATEST, TITLE_ID, "huggingface", submitter=Submitter(username=SCRIPT)),
                DailyEntry(
                    LATEST, SUMMARY_ID, "huggingface", submitter=Submitter(username="hf-person", fullname=SVG)
                ),
            ],
        )
    site.add_raw_user(SVG, fullname=IMG)  # shown by full name beside comments, by username in the header
    site.add_raw_user(LINK)  # no full name: the username is shown (SCRIPT is the imported submitter's)


def _visit(page, url: str, watch: Watch) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert page.evaluate(AUDIT) == [], url
    watch.assert_clean()


@pytest.fixture(scope="module")
def hostile(site: BrowserSite) -> BrowserSite:
    _seed(site)
    return site


def test_comments_stay_text(hostile: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site = hostile
    for username in (SVG, LINK):
        page = open_context(username).new_page()
        watch = Watch(page)
        page.goto(f"{site.url}/papers/{TITLE_ID}")
        for body in COMMENTS:
            page.get_by_label("Add a comment").fill(body)
            page.get_by_role("button", name="Post comment").click()
            page.wait_for_url(f"{site.url}/papers/{TITLE_ID}#comment-*")
            watch.assert_clean()
        first = page.locator("li.comment").first.locator(":scope > article")
        first.locator("summary", has_text="Reply").click()
        first.locator("textarea[id^='body-reply-']").fill(IMG + " in a reply")
        first.get_by_role("button", name="Post reply").click()
        page.wait_for_url(f"{site.url}/papers/{TITLE_ID}#comment-*")
        for summary in page.locator("li.comment summary").all():
            summary.click()  # open every reply, edit and delete form: the edit boxes hold the raw payloads
        assert page.evaluate(AUDIT) == []
        watch.assert_clean()
        page.context.close()

    page = open_context().new_page()  # what an anonymous reader sees
    watch = Watch(page)
    _visit(page, f"{site.url}/papers/{TITLE_ID}", watch)
    texts = page.locator(".comment-text").all_inner_texts()
    for payload in (SCRIPT, IMG, SVG, LINK):
        assert any(payload in text for text in texts), payload  # shown as the characters typed
    assert page.locator(".comment-text a[href^='javascript'], .comment-text a[href^='data']").count() == 0
    titled = page.locator(".comment-text a", has_text="title link").first
    assert titled.get_attribute("href") == "https://example.org" and titled.get_attribute("title") == SVG
    authors = page.locator(".comment-author").all_inner_texts()
    assert IMG in authors and LINK in authors
    assert f"@{SVG}" in page.locator(".comment-handle").all_inner_texts()


def test_papers_people_and_organizations_stay_text(hostile: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site = hostile
    page = open_context(SVG).new_page()
    watch = Watch(page)
    assert page.goto(site.url + "/").ok
    _visit(page, f"{site.url}/papers/date/{LATEST.isoformat()}", watch)
    titles = page.locator(".card-title a").all_inner_texts()
    assert TITLE in titles and LINK in titles
    submitters = page.locator(".submitter").all_inner_texts()
    assert f"submitted by {SCRIPT}" in [s.strip() for s in submitters]
    assert f"submitted by {SVG}" in [s.strip() for s in submitters]
    assert page.locator(".account-nav .account-name").inner_text() == SVG
    _visit(page, f"{site.url}/papers/date/{LATEST.isoformat()}?sort=trending", watch)
    _visit(page, f"{site.url}/papers/trending", watch)

    _visit(page, f"{site.url}/papers/{TITLE_ID}", watch)
    assert page.locator("h1").inner_text() == TITLE
    assert page.title().startswith(TITLE)
    assert page.locator("#authors a").all_inner_texts()[: len(PAYLOADS)] == PAYLOADS
    assert page.locator(".actions a", has_text="GitHub").count() == 0  # a javascript: repo is not linked
    for name in PAYLOADS:  # each author's page, reached by its link
        page.goto(f"{site.url}/papers/{TITLE_ID}")
        page.locator("#authors").get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_load_state()
        assert page.url == f"{site.url}/authors/{quote(name, safe='')}"
        assert page.locator("h1").inner_text() == name
        assert page.evaluate(AUDIT) == []
        watch.assert_clean()

    page.goto(f"{site.url}/papers/{TITLE_ID}")
    page.locator(".org-line a").click()
    page.wait_for_load_state()
    assert page.url == f"{site.url}/organizations/{quote(SVG, safe='')}"
    assert page.locator("h1").inner_text() == IMG
    assert page.evaluate(AUDIT) == []
    watch.assert_clean()
    _visit(page, f"{site.url}/papers/{SUMMARY_ID}", watch)
    assert page.locator("h1").inner_text() == LINK


def test_search_and_settings_stay_text(hostile: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site = hostile
    page = open_context(SVG).new_page()
    watch = Watch(page)
    for payload in PAYLOADS:
        _visit(page, f"{site.url}/search?q={quote(payload)}", watch)
        assert page.get_by_label("Search for").input_value() == " ".join(payload.split())
    _visit(page, f"{site.url}/search?q=hostile+verbatim", watch)  # hits with hostile titles and snippets
    assert page.get_by_role("link", name=TITLE).count() == 1
    assert page.locator(".snippet mark").count() >= 1

    box = page.get_by_label("Search for")  # results as you type: search.js swaps in HTML fragments
    for payload in ("quotes " + IMG, "verbatim " + SVG, SCRIPT + " hostile"):
        box.fill("")
        with page.expect_response(lambda r: "partial=1" in r.url):
            box.press_sequentially(payload, delay=5)
        page.wait_for_function("() => !document.getElementById('search-results').hasAttribute('aria-busy')")
        assert page.evaluate(AUDIT) == []
        watch.assert_clean()

    _visit(page, f"{site.url}/settings", watch)
    assert page.locator(".settings-facts dd").first.inner_text() == SVG
    page.get_by_label("Token name").fill(IMG)
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    assert IMG in page.locator("main").inner_text()
    _visit(page, f"{site.url}/settings", watch)
    assert page.locator(".token-name").all_inner_texts() == [IMG]


def test_the_watch_would_notice(hostile: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    """The checks above are not vacuous: markup injected into a page is blocked by the CSP and reported, and
    a script that does run gets its dialog recorded."""
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(f"{hostile.url}/papers/{TITLE_ID}")
    page.evaluate("(html) => document.querySelector('main').insertAdjacentHTML('beforeend', html)", IMG)
    page.wait_for_function("() => document.querySelector('main img[src=\"x\"]') !== null")
    assert page.evaluate(AUDIT) != []
    page.evaluate("setTimeout(() => alert('ran'), 0)")
    page.wait_for_timeout(300)
    assert watch.dialogs == ["alert: ran"]
    assert any("inline event handler" in line for line in watch.csp), watch.csp
