"""The browser suite's world: Debian's chromium driven by Playwright against a real server on a real database.

Every browser test lives in this package, and one chromium serves them all (``scope="package"``:
Playwright's sync API allows one instance at a time). Each test module gets its own site (``make_site``): a
fresh SQLite file holding five real Hugging Face days, mail written to ``.eml`` files, a local replay of
arXiv's API, and uvicorn on a free port whose URL is also the site's ``base_url`` so emailed links open in
the browser. Nothing is mocked; pages reach no host but the test server.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from paperboy.http.session import SESSION_COOKIE
from tests.conftest import SHARED_DATA, LiveServer
from tests.sites import PASSWORD, Site, make_site
from tests.upstream import Upstream

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

LATEST = date(2026, 8, 21)  # the newest of the loaded days
DAYS = [LATEST - timedelta(days=n) for n in range(4, -1, -1)]  # 110 real papers, 17 on the latest day
POPULAR = "2608.19880"  # "EnvHarness…", 163 Hugging Face upvotes, from google
ORG = "tencent"  # five papers over the loaded days
AUTHOR = "Yijiang Li"  # four papers over the loaded days

SUBMIT_ID = "1605.08386"
SUBMIT_TITLE = "Heat-bath random walks with Markov bases"
ARXIV_RECORDINGS = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"


def script(name: str) -> str:
    """A page function from ``tests/browser/js/`` (its leading ``//`` comment dropped: Playwright needs the
    text to start with the function to call it)."""
    lines = (Path(__file__).with_name("js") / name).read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("//"))


class _Deferred:
    """An ASGI app filled in later: the server's port must be known before the app's settings are built."""

    app = None

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await self.app(scope, receive, send)


class BrowserSite(Site):
    """A ``Site`` served by uvicorn on a free port (its ``base_url``), with arXiv replayed locally."""

    server: LiveServer
    arxiv: Upstream

    def add_user(self, name: str, **options) -> int:  # type: ignore[no-untyped-def, override]
        """A confirmed account with a real argon2 hash of ``PASSWORD``, as ``paperboy users create`` makes."""
        options.setdefault("password", PASSWORD)
        return super().add_user(name, **options)

    def add_raw_user(self, username: str, fullname: str | None = None) -> int:
        """An account written straight to the store, skipping the sign-up rules (an imported name could)."""
        email = f"raw{len(self.users)}@example.org"
        return super().add_user(username, fullname=fullname, email=email)

    def session_cookie(self, username: str) -> dict[str, str]:
        """A server-side session stored exactly as the login form stores one (for tests not about login)."""
        cookie, _csrf = self.session(username)
        return {"name": SESSION_COOKIE, "value": cookie, "url": self.url}

    def link_in_last_mail(self, path: str) -> str:
        """The absolute link to ``path`` in the newest mail (which must point at this very server)."""
        return self.url + self.last_link(path)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserSite]:
    root = tmp_path_factory.mktemp("browser-site")
    deferred = _Deferred()
    with Upstream() as arxiv, LiveServer(deferred) as server:
        arxiv.add_recorded(next(ARXIV_RECORDINGS.glob(f"id_{SUBMIT_ID}_s0_m100_*.json")))
        built = make_site(
            f"sqlite:///{root / 'paperboy.db'}",
            root,
            hf_days=DAYS,
            base_url=server.url,
            arxiv_api_url=arxiv.url + "/api/query",
            arxiv_min_interval=0,
            http_backoff=0.01,
            submission_max_age_days=100_000,  # the recorded paper is from 2016
            page_size=20,  # trending spans pages (its pager shows) and its photos stay a sensible length
            search_model="none",  # keyword search only: no model to load
            cls=BrowserSite,
        )
        assert isinstance(built, BrowserSite)
        built.server, built.arxiv = server, arxiv
        deferred.app = built.app
        with built:
            yield built
    built.engine.dispose()


@pytest.fixture(scope="package")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI for the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it should not: dialogs (a script ran), CSP violations, script errors, and failed
    loads of the page's own parts (scripts, styles, images, fetches).

    A page's own status is the test's business (a refusal is a 400 page on purpose), so Chromium's console
    line about it is not counted. Requests to other sites are test_origin_only's business.
    """

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("response", self._response)

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type != "error":
            return
        text = message.text
        if "Content Security Policy" in text:
            self.csp.append(text)
        elif not text.startswith("Failed to load resource"):
            self.errors.append(text)

    def _response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.status >= 400 and response.request.resource_type != "document":
            self.errors.append(f"{response.status} {response.request.resource_type} {response.url}")

    def take(self) -> list[str]:
        """Everything seen so far, forgotten once returned (one page after another on the same tab)."""
        seen = self.dialogs + self.csp + self.errors
        self.dialogs, self.csp, self.errors = [], [], []
        return seen

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.csp == [], self.csp
        assert self.errors == [], self.errors


@pytest.fixture
def open_context(browser, site: BrowserSite):  # type: ignore[no-untyped-def]
    """``open_context(user=None, **options)``: a fresh browser profile, signed in as ``user`` if given.

    Requests to any host but the test server are aborted, so nothing leaves the machine.
    """
    made = []

    def make(user: str | None = None, **options):  # type: ignore[no-untyped-def]
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        local = site.url + "/"
        context.route(
            re.compile(r"^(?!" + re.escape(local) + ")"), lambda route: route.abort("blockedbyclient")
        )
        if user is not None:
            context.add_cookies([site.session_cookie(user)])
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def sign_in(page, site: BrowserSite, login: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Through the login form, like a person."""
    page.goto(f"{site.url}/login")
    page.fill("#f-login", login)
    page.fill("#f-password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/")


def mark_document(page) -> None:  # type: ignore[no-untyped-def]
    """A marker that only survives while the same document stays loaded (no navigation, no reload)."""
    page.evaluate("window.__sameDocument = 'still here'")


def same_document(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("window.__sameDocument") == "still here"
