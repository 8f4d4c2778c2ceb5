"""Who is asking: session cookies, personal API tokens, and CSRF tokens for every state-changing request.

Cookie sessions are server-side (the cookie holds a random id; the database holds its hash) and rotate on
login. Anonymous visitors get a random CSRF cookie (double submit) so login and sign-up forms are protected
too. Requests authenticated by an API token (``Authorization: Bearer …``) carry no ambient credentials and
need no CSRF token.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from http.cookies import SimpleCookie

import anyio
from fastapi import Request, Response
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperboy.auth.secrets_util import digest, new_token, same
from paperboy.errors import Forbidden, NeedsLogin
from paperboy.store import accounts
from paperboy.store import sessions as session_store
from paperboy.store.accounts import Account

SESSION_COOKIE = "pb_session"
CSRF_COOKIE = "pb_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TOKEN_PREFIX = "pbt_"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _resolve(request: Request) -> None:
    engine: Engine = request.app.state.engine
    bearer = request.headers.get("authorization", "")
    if bearer.lower().startswith("bearer "):
        token = bearer[7:].strip()
        with engine.connect() as conn:
            found = session_store.api_token_user(conn, digest(token))
            user = accounts.by_id(conn, found[1]) if found else None
        if found is not None:
            with engine.begin() as conn:
                session_store.touch_api_token(conn, found[0])
        if user is not None and not user.disabled:
            request.state.user, request.state.auth = user, "token"
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with engine.connect() as conn:
            found = session_store.session_user(conn, digest(cookie))
            user = accounts.by_id(conn, found[0]) if found else None
        if user is not None and not user.disabled:
            request.state.user, request.state.auth = user, "session"
            request.state.session_csrf = found[1] if found else None


class SessionMiddleware:
    """Who is asking, before any route runs; pure ASGI, and no thread for a reader without credentials.

    A new anonymous visitor gets the CSRF cookie with the first answer that could hold a form: an HTML page
    not marked public (public pages are cached and shared, so they carry no per-visitor token; health checks,
    feeds and JSON hold no forms).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request.state.user = None
        request.state.auth = None
        request.state.session_csrf = None
        if request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE):
            await anyio.to_thread.run_sync(_resolve, request)
        anonymous = request.cookies.get(CSRF_COOKIE)
        fresh = not (anonymous and len(anonymous) >= 32)
        request.state.anon_csrf = secrets.token_urlsafe(32) if fresh else anonymous
        if not fresh:
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie()
        cookie[CSRF_COOKIE] = request.state.anon_csrf
        cookie[CSRF_COOKIE].update({"httponly": True, "samesite": "lax", "path": "/"})
        if scope.get("scheme") == "https":
            cookie[CSRF_COOKIE]["secure"] = True
        set_cookie = (b"set-cookie", cookie.output(header="").strip().encode("latin-1"))

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                found = {k.lower(): v for k, v in headers}
                page = found.get(b"content-type", b"").startswith(b"text/html")
                if page and b"public" not in found.get(b"cache-control", b""):
                    message["headers"] = headers + [set_cookie]
            await send(message)

        await self.app(scope, receive, with_cookie)


def current_user(request: Request) -> Account | None:
    return getattr(request.state, "user", None)


def csrf_token(request: Request) -> str:
    """The token forms must echo: the session's when signed in, else the anonymous cookie's."""
    return getattr(request.state, "session_csrf", None) or getattr(request.state, "anon_csrf", "")


def check_csrf(request: Request, submitted: str | None) -> None:
    if getattr(request.state, "auth", None) == "token":
        return
    submitted = submitted or request.headers.get(CSRF_HEADER, "")
    if not submitted or not same(submitted, csrf_token(request)):
        raise Forbidden("This form has expired or came from another site. Reload the page and try again.")


def start_session(request: Request, response: Response, user_id: int, lifetime: timedelta) -> None:
    """A fresh session id on every login (no fixation); the old one, if any, is dropped."""
    engine: Engine = request.app.state.engine
    token = new_token()
    with engine.begin() as conn:
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            session_store.delete_session(conn, digest(old))
        session_store.create_session(conn, digest(token), user_id, secrets.token_urlsafe(32), lifetime)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with request.app.state.engine.begin() as conn:
            session_store.delete_session(conn, digest(cookie))
    response.delete_cookie(SESSION_COOKIE, path="/")


def require_user(request: Request) -> Account:
    """The signed-in account; pages turn NeedsLogin into a redirect to the login form."""
    user = current_user(request)
    if user is None:
        raise NeedsLogin("Sign in to do that.")
    return user


def require_verified(request: Request) -> Account:
    """Votes, comments and submissions need a confirmed address: a cheap bar against throwaway accounts."""
    user = require_user(request)
    if user.email_verified_at is None:
        raise Forbidden(
            "Confirm your email address first: open the link we mailed you (or ask for a new one "
            "on your settings page)."
        )
    return user


def require_moderator(request: Request) -> Account:
    user = require_user(request)
    if not user.can_moderate:
        raise Forbidden("Only moderators can do that.")
    return user
