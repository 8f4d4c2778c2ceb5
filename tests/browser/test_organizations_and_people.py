"""The /organizations index and user pages in chromium, as a reader uses them: find an organization by a name
Hugging Face files it under, open it, follow "submitted by" from a card; on a phone and a desktop."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, LATEST, PHONE, POPULAR, BrowserSite, Watch

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_find_an_organization_by_another_name_and_open_it(site: BrowserSite, open_context, viewport) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=viewport).new_page()
    watch = Watch(page)
    page.goto(site.url + "/organizations")
    cards = page.locator("li.org-card")
    assert cards.count() > 10
    first = cards.first.locator(".org-card-count strong").inner_text()
    assert first == "7"  # Tencent: 5 papers as tencent and 2 as Tencent-Hunyuan, the most of any
    page.get_by_label("Find an organization").fill("hunyuan")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(site.url + "/organizations?q=hunyuan")
    assert cards.count() == 1
    assert page.locator("p.count-line").inner_text().startswith("1 organization matching")
    cards.first.click()  # anywhere on the card
    page.wait_for_url(site.url + "/organizations/tencent")
    assert page.locator("h1").inner_text() == "Tencent"
    assert page.locator("article.card").count() == 7
    assert "Tencent-Hunyuan" in page.locator("p.also-known").inner_text()
    page.goto(site.url + "/organizations/DeepMind")  # any spelling lands on the one page
    assert page.url == site.url + "/organizations/GoogleDeepMind"
    assert page.locator("h1").inner_text() == "Google DeepMind"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    watch.assert_clean()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_submitted_by_on_a_card_opens_the_submitters_page(site: BrowserSite, open_context, viewport) -> None:  # type: ignore[no-untyped-def]
    page = open_context(viewport=viewport).new_page()
    watch = Watch(page)
    page.goto(f"{site.url}/papers/date/{LATEST.isoformat()}")
    card = page.locator("article.card").filter(has=page.locator(f"a[href='/papers/{POPULAR}']"))
    link = card.locator(".submitter a")
    if viewport is PHONE:  # a phone's list leaves the submitter out; the paper's page names them
        assert not link.is_visible()
        page.goto(f"{site.url}/papers/{POPULAR}")
        page.locator("dd.submitted-by a").click()
    else:
        assert link.inner_text() == "taesiri"
        link.click()
    page.wait_for_url(site.url + "/users/taesiri")
    assert page.locator("h1").inner_text() == "taesiri"
    assert "Hugging Face user" in page.locator("header.user-head").inner_text()
    listed = page.locator("article.card .card-title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert f"/papers/{POPULAR}" in listed and "/papers/2608.19891" in listed
    assert page.locator("article.card .submitter").count() == 0  # whose page it is goes without saying
    page.goto(f"{site.url}/papers/{POPULAR}")
    page.locator("dd.submitted-by a").click()
    page.wait_for_url(site.url + "/users/taesiri")
    page.goto(site.url + "/users/TAESIRI")
    assert page.url == site.url + "/users/taesiri"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    watch.assert_clean()
