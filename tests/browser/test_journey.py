"""A newcomer's first visit: sign up, open the emailed link, sign in, then submit a paper by its link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.conftest import PHONE, SUBMIT_ID, SUBMIT_TITLE, BrowserSite, Watch

pytestmark = pytest.mark.browser


def test_sign_up_verify_and_sign_in(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    page = open_context().new_page()
    watch = Watch(page)
    page.goto(site.url + "/")
    page.locator(".account-nav").get_by_role("link", name="Sign up").click()
    page.wait_for_url(f"{site.url}/signup")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign up").click()
    assert page.locator("h1").inner_text() == "Check your inbox"
    assert "grace@example.org" in page.locator("main").inner_text()

    mails = site.mails(at_least=1)
    assert [m["To"] for m in mails] == ["grace@example.org"]
    assert mails[0]["Subject"] == "Confirm your email address"
    link = site.link_in_last_mail("/verify")
    page.goto(link)
    assert page.locator("h1").inner_text() == "Confirm your email address"
    assert "grace@example.org" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm and sign in").click()
    page.wait_for_url(f"{site.url}/verify/done")
    assert page.locator("h1").inner_text() == "Email confirmed"
    assert "you are signed in" in page.locator("main").inner_text()
    assert page.locator(".account-nav .account-name").inner_text() == "grace"  # signed in by the link
    session = next(c for c in page.context.cookies() if c["name"] == "pb_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"

    again = page.context.new_page()  # a verification link works once (a 400 page: not watched)
    assert again.goto(link).status == 400
    assert "already used" in again.locator("main").inner_text()
    again.close()

    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.url}/")
    page.goto(f"{site.url}/login")
    page.get_by_label("Email or username").fill("grace@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".account-nav .account-name").inner_text() == "grace"
    assert page.locator(".account-nav").get_by_role("link", name="Sign in").count() == 0

    page.locator(".account-nav").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.url}/")
    assert page.locator(".account-nav .account-name").count() == 0
    assert page.locator(".account-nav").get_by_role("link", name="Sign in").is_visible()
    watch.assert_clean()


def test_the_link_signs_in_the_browser_that_opens_it(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    """Signed up on a laptop, the mail read on a phone: the phone is signed in, the laptop is not."""
    mailed = len(site.mails())
    laptop = open_context().new_page()
    laptop.goto(f"{site.url}/signup")
    laptop.get_by_label("Username").fill("hedy")
    laptop.get_by_label("Email").fill("hedy@example.org")
    laptop.get_by_label("Password").fill("frequency hopping")
    laptop.get_by_role("button", name="Sign up").click()
    assert laptop.locator("h1").inner_text() == "Check your inbox"
    assert site.mails(at_least=mailed + 1)[-1]["To"] == "hedy@example.org"
    link = site.link_in_last_mail("/verify")

    phone = open_context(viewport=PHONE).new_page()
    watch = Watch(phone)
    phone.goto(link)
    phone.get_by_role("button", name="Confirm and sign in").click()
    phone.wait_for_url(f"{site.url}/verify/done")
    phone.locator(".account-menu summary").click()
    assert phone.locator(".account-menu-panel .account-name").inner_text() == "hedy"
    phone.goto(f"{site.url}/settings")
    assert "hedy@example.org" in phone.locator("main").inner_text()
    assert "confirmed" in phone.locator(".settings-facts").inner_text()
    watch.assert_clean()

    laptop.goto(f"{site.url}/")
    assert laptop.locator(".account-nav .account-name").count() == 0, "only the browser that opened the link"


def test_wrong_password_is_refused_with_a_message(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("hopper")
    page = open_context().new_page()
    page.goto(f"{site.url}/login")
    page.get_by_label("Email or username").fill("hopper")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert "do not match an account" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Email or username").input_value() == "hopper"
    assert page.locator(".account-nav .account-name").count() == 0


def test_submit_a_paper_by_pasting_its_link(site: BrowserSite, open_context) -> None:  # type: ignore[no-untyped-def]
    site.add_user("lovelace")
    page = open_context("lovelace").new_page()
    watch = Watch(page)
    page.goto(site.url + "/")
    page.locator(".account-nav").get_by_role("link", name="Submit").click()
    page.wait_for_url(f"{site.url}/submit")
    page.get_by_label("arXiv id or link").fill(f"https://arxiv.org/abs/{SUBMIT_ID}")
    page.get_by_role("button", name="Submit paper").click()
    page.wait_for_url(f"{site.url}/papers/{SUBMIT_ID}?submitted=1")
    assert page.locator("h1").inner_text() == SUBMIT_TITLE
    today = datetime.now(UTC).date()
    notice = page.locator(".form-notice[role=status]")
    assert notice.inner_text().startswith("Submitted")
    assert notice.get_by_role("link").get_attribute("href") == f"/papers/date/{today.isoformat()}"
    fetched = [r.query.get("id_list") for r in site.arxiv.requests]
    assert fetched == [SUBMIT_ID]  # once, from the local replay of arXiv

    notice.get_by_role("link").click()  # today's feed
    page.wait_for_url(f"{site.url}/papers/date/{today.isoformat()}")
    card = page.locator("article.card", has=page.get_by_role("link", name=SUBMIT_TITLE))
    assert card.count() == 1
    assert card.locator(".submitter").inner_text().strip() == "submitted by lovelace"
    page.goto(site.url + "/")  # the front page is the latest day: today now
    assert page.get_by_role("link", name=SUBMIT_TITLE).count() == 1

    page.goto(f"{site.url}/submit")  # the same paper again is refused with a reason and a link
    page.get_by_label("arXiv id or link").fill(SUBMIT_ID)
    page.get_by_role("button", name="Submit paper").click()
    alert = page.get_by_role("alert").inner_text()
    assert "already on today's feed" in alert and "lovelace" in alert
    assert page.get_by_role("link", name=f"See {SUBMIT_ID}").get_attribute("href") == f"/papers/{SUBMIT_ID}"
    assert len(site.arxiv.requests) == 1
    watch.assert_clean()
