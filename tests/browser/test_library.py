"""Save / Not interested and the /library page in a real browser (Debian's chromium): a card's Save button
answers in place and undoes on a second press, the state survives a reload, the two marks exclude each other,
the no-JavaScript forms work, and /library lists, files and removes what was saved."""

from __future__ import annotations

import pytest

from paperboy.models import Paper
from tests.browser.conftest import LATEST, POPULAR, BrowserSite, Watch

pytestmark = pytest.mark.browser

DAY = LATEST  # POPULAR is featured on it
QUIET = "2608.00001"  # added to the day here: a paper nobody has saved yet


@pytest.fixture(scope="module", autouse=True)
def quiet_paper(site: BrowserSite) -> None:
    site.add_papers(
        [Paper(arxiv_id=QUIET, title="A quiet paper about sparse kernels", abstract="Kernels, sparsely.")],
        DAY,
    )


@pytest.fixture
def reader(site: BrowserSite) -> str:
    """An account of this test's own, so each test starts with an empty library on the module's site."""
    name = "lib" + str(len(site.users))
    site.add_user(name)
    return name


def _page(open_context, reader: str, javascript: bool = True):  # type: ignore[no-untyped-def]
    page = open_context(user=reader, java_script_enabled=javascript).new_page()
    page.watch = Watch(page)  # type: ignore[attr-defined]
    return page


def test_save_on_a_card_then_undo_and_the_library_page(open_context, site: BrowserSite, reader: str) -> None:  # type: ignore[no-untyped-def]
    page = _page(open_context, reader)
    page.goto(f"{site.url}/papers/date/{DAY.isoformat()}")
    page.evaluate("window.__sameDocument = true")
    card = page.locator(f"article.card:has([data-library-for='{POPULAR}'])")
    save = card.locator("button[data-kind='saved']")
    assert save.inner_text() == "Save" and save.get_attribute("aria-pressed") == "false"
    save.click()
    card.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    assert save.inner_text() == "Saved ✓"
    assert "Saved to your library" in card.locator(".library-status").inner_text()
    assert page.evaluate("window.__sameDocument") is True  # answered in place
    page.reload()
    assert save.get_attribute("aria-pressed") == "true"
    save.click()  # undo
    card.locator("button[data-kind='saved'][aria-pressed='false']").wait_for()
    assert "Removed" in card.locator(".library-status").inner_text()
    # Saved on the paper page, then "Not interested" there lifts the save.
    page.goto(f"{site.url}/papers/{QUIET}")
    page.locator("button[data-kind='saved']").click()
    page.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    page.locator("button[data-kind='not_interested']").click()
    page.locator("button[data-kind='not_interested'][aria-pressed='true']").wait_for()
    assert page.locator("button[data-kind='saved']").get_attribute("aria-pressed") == "false"
    page.locator("button[data-kind='not_interested']").click()  # undo
    page.locator("button[data-kind='not_interested'][aria-pressed='false']").wait_for()
    page.locator("button[data-kind='saved']").click()
    page.locator("button[data-kind='saved'][aria-pressed='true']").wait_for()
    # The library page: listed, moved to a folder, removed.
    page.goto(f"{site.url}/library")
    item = page.locator(f"li.library-item[data-arxiv-id='{QUIET}']")
    assert "sparse kernels" in item.inner_text()
    item.locator("input[name='folder']").fill("Kernels")
    item.get_by_role("button", name="Move", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h2.library-folder", has_text="Kernels").count() == 1
    page.locator(f"li.library-item[data-arxiv-id='{QUIET}']").get_by_role("button", name="Remove").click()
    page.wait_for_load_state()
    assert page.locator("li.library-item").count() == 0
    page.watch.assert_clean()  # type: ignore[attr-defined]


def test_save_without_javascript(open_context, site: BrowserSite, reader: str) -> None:  # type: ignore[no-untyped-def]
    page = _page(open_context, reader, javascript=False)
    page.goto(f"{site.url}/papers/date/{DAY.isoformat()}")
    card = page.locator(f"article.card:has([data-library-for='{POPULAR}'])")
    card.locator("button[data-kind='saved']").click()
    page.wait_for_load_state()
    assert page.url == f"{site.url}/papers/date/{DAY.isoformat()}"
    assert card.locator("button[data-kind='saved']").get_attribute("aria-pressed") == "true"
    assert "library" in card.locator(".library-status").inner_text()
    page.goto(f"{site.url}/library")
    assert page.locator(f"li.library-item[data-arxiv-id='{POPULAR}']").count() == 1
