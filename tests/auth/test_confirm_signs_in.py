"""Confirming an address signs the browser that opened the link in, and only as the link's own account.

The emailed link opens a page with a button (mail scanners open links; only people press buttons); the button
is a form post like every other (CSRF token), the link works once, and a browser already signed in to
another account stays signed in to that one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from paperboy.auth.links import make_link_token
from paperboy.http.session import SESSION_COOKIE
from paperboy.store import accounts
from tests.auth.conftest import confirm, csrf, sign_up
from tests.sites import Site


def _verified(site: Site, login: str) -> bool:
    with site.engine.connect() as conn:
        account = accounts.by_login(conn, login)
    assert account is not None
    return account.email_verified_at is not None


def test_the_link_asks_then_the_button_confirms_and_signs_in(site: Site) -> None:
    sign_up(site, site.client())
    link = site.last_link("/verify")
    browser = site.client()  # another browser than the one that signed up: the one reading the mail
    page = browser.get(link)
    assert page.status_code == 200 and "Confirm and sign in" in page.text and "ada@example.org" in page.text
    assert SESSION_COOKIE not in browser.cookies and not _verified(site, "ada"), "opening it changes nothing"

    answer = confirm(browser, link)
    assert answer.status_code == 303 and answer.headers["location"] == "/verify/done"
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert _verified(site, "ada")
    done = browser.get("/verify/done")
    assert "your address is confirmed and you are signed in" in done.text
    settings = browser.get("/settings", follow_redirects=False)
    assert settings.status_code == 200 and "ada@example.org" in settings.text  # ada's session, nobody else's
    assert 'class="account-name">ada<' in settings.text


def test_the_button_needs_the_pages_csrf_token(site: Site) -> None:
    sign_up(site, site.client())
    link = site.last_link("/verify")
    browser = site.client()
    browser.get(link)
    for data in ({}, {"csrf_token": "forged"}):
        refused = browser.post(link, data=data, follow_redirects=False)
        assert refused.status_code == 403
    assert SESSION_COOKIE not in browser.cookies and not _verified(site, "ada")
    assert confirm(browser, link).status_code == 303, "the link still works after the refused posts"


def test_a_link_works_once(site: Site) -> None:
    sign_up(site, site.client())
    link = site.last_link("/verify")
    assert confirm(site.client(), link).status_code == 303
    late = site.client()
    shown = late.get(link)
    assert shown.status_code == 400 and "already used" in shown.text
    replay = late.post(link, data={"csrf_token": csrf(late)}, follow_redirects=False)
    assert replay.status_code == 400 and SESSION_COOKIE not in late.cookies


def test_a_forged_or_foreign_token_signs_nobody_in(site: Site) -> None:
    sign_up(site, site.client())
    ada = _id(site, "ada")
    wrong_key, _ = make_link_token("not the site secret", "verify", ada)
    reset_kind, _ = make_link_token(site.settings.secret_key, "reset", ada)
    unrecorded, _ = make_link_token(site.settings.secret_key, "verify", ada)  # signed, never issued
    browser = site.client()
    for token in (wrong_key, reset_kind, unrecorded, "", "x" * 300):
        assert browser.get(f"/verify?token={token}").status_code == 400, token
        posted = browser.post(
            f"/verify?token={token}", data={"csrf_token": csrf(browser)}, follow_redirects=False
        )
        assert posted.status_code == 400, token
    assert SESSION_COOKIE not in browser.cookies and not _verified(site, "ada")


def test_a_browser_signed_in_to_another_account_stays_so(site: Site) -> None:
    sign_up(site, site.client())
    link = site.last_link("/verify")
    site.add_user("grace")
    browser = site.client("grace")
    grace_cookie = browser.cookies.get(SESSION_COOKIE)
    page = browser.get(link)
    assert "You stay signed in as grace" in page.text
    answer = confirm(browser, link)
    assert answer.status_code == 200 and "You are still signed in as grace" in answer.text
    assert "set-cookie" not in answer.headers or SESSION_COOKIE not in answer.headers["set-cookie"]
    assert browser.cookies.get(SESSION_COOKIE) == grace_cookie and _verified(site, "ada")
    assert 'class="account-name">grace<' in browser.get("/settings").text


def test_the_done_page_says_nothing_to_strangers(site: Site) -> None:
    stranger = site.client()
    answer = stranger.get("/verify/done", follow_redirects=False)
    assert answer.status_code == 303 and urlsplit(answer.headers["location"]).path == "/login"


def _id(site: Site, login: str) -> int:
    with site.engine.connect() as conn:
        account = accounts.by_login(conn, login)
    assert account is not None
    return account.id
