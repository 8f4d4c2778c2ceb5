"""Sign-up, email verification, login, logout and password reset pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperboy.auth import service
from paperboy.auth.login_limits import DEVICE_COOKIE, DEVICE_DAYS, device_token
from paperboy.config import Settings
from paperboy.errors import BadRequest
from paperboy.http.session import csrf_token, current_user, end_session, start_session
from paperboy.web.background import run_after
from paperboy.web.forms import Form, check_form, field, safe_next, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _link_base(request: Request) -> str:
    return _settings(request).base_url.rstrip("/")


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _remember_device(request: Request, response: Response, user_id: int) -> None:
    """The known-device cookie: this browser is exempt from its account's lockout (``auth.login_limits``)."""
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(_settings(request).secret_key, user_id),
        max_age=DEVICE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/login",
    )


def _form(
    request: Request,
    title: str,
    action: str,
    fields: list[dict[str, Any]],
    submit: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    return render(
        request,
        "form.html",
        {
            "title": title,
            "action": action,
            "fields": fields,
            "submit": submit,
            "csrf_token": csrf_token(request),
            "error": None,
            "intro": None,
            "links": None,
            "next": None,
            **extra,
        },
        status=status,
    )


def _message(request: Request, title: str, message: str, **extra: Any) -> Response:
    return render(
        request,
        "message.html",
        {"title": title, "message": message, "secret": None, "link_url": None, "link_label": None, **extra},
    )


def _signup_fields(username: str = "", email: str = "") -> list[dict[str, Any]]:
    return [
        {
            "name": "username",
            "label": "Username",
            "value": username,
            "autocomplete": "username",
            "required": True,
            "hint": "Shown beside your comments and submissions.",
        },
        {
            "name": "email",
            "label": "Email",
            "type": "email",
            "value": email,
            "autocomplete": "email",
            "required": True,
            "hint": "We send a link to confirm it; it is never shown.",
        },
        {
            "name": "password",
            "label": "Password",
            "type": "password",
            "autocomplete": "new-password",
            "required": True,
            "hint": "At least 10 characters.",
        },
    ]


def _login_fields(login: str = "") -> list[dict[str, Any]]:
    return [
        {
            "name": "login",
            "label": "Email or username",
            "value": login,
            "autocomplete": "username",
            "required": True,
        },
        {
            "name": "password",
            "label": "Password",
            "type": "password",
            "autocomplete": "current-password",
            "required": True,
        },
    ]


LOGIN_LINKS = [
    {"url": "/signup", "label": "Create an account"},
    {"url": "/reset", "label": "Forgot password?"},
]


@router.get("/signup")
def signup_form(request: Request) -> Response:
    return _form(
        request,
        "Create your account",
        "/signup",
        _signup_fields(),
        "Sign up",
        links=[{"url": "/login", "label": "Already have an account? Sign in"}],
    )


@router.post("/signup")
def signup(request: Request, form: Form) -> Response:
    check_form(request, form)
    username, email, password = (
        field(form, "username", 100),
        field(form, "email", 400),
        str(form.get("password") or ""),
    )
    try:
        job = service.signup(
            request.app.state.engine,
            _settings(request),
            username,
            email,
            password,
            _client(request),
            _link_base(request),
        )
    except BadRequest as exc:
        return _form(
            request,
            "Create your account",
            "/signup",
            _signup_fields(username, email),
            "Sign up",
            status=400,
            error=str(exc),
        )
    page = _message(
        request,
        "Check your inbox",
        f"We sent a confirmation link to {email}. Open it to finish signing up; it works for 3 days.",
    )
    return run_after(page, job)


@router.get("/verify")
def verify_form(request: Request, token: str = "") -> Response:
    """Asks, rather than confirming on sight: mail scanners and link previews open links, only people press
    buttons; and a page another site opens cannot sign its visitor in to an account it chose."""
    user = service.check_verify_link(request.app.state.engine, _settings(request), token)
    signed_in = current_user(request)
    if signed_in is not None and signed_in.id != user.id:
        message = (
            f"Confirm the address of {user.username}? You stay signed in as {signed_in.username} here; "
            f"sign out first to use {user.username} in this browser."
        )
        button = "Confirm the address"
    elif signed_in is not None:
        message, button = f"Confirm {user.email} as the address of {user.username}?", "Confirm my address"
    else:
        message = f"Confirm {user.email} as the address of {user.username}, and sign in on this browser?"
        button = "Confirm and sign in"
    context = {
        "title": "Confirm your email address",
        "message": message,
        "action": f"/verify?token={token}",
        "button": button,
        "csrf_token": csrf_token(request),
    }
    return render(request, "confirm_action.html", context)


@router.post("/verify")
def verify(request: Request, form: Form, token: str = "") -> Response:
    """Uses the one-time link; a browser where nobody is signed in is then signed in to the link's account
    (a fresh session, as a login makes), and one signed in to another account stays as it was."""
    check_form(request, form)
    user = service.verify_email(request.app.state.engine, _settings(request), token)
    signed_in = current_user(request)
    if signed_in is not None and signed_in.id != user.id:
        return _message(
            request,
            "Email confirmed",
            f"The address of {user.username} is confirmed. You are still signed in as {signed_in.username}.",
            link_url="/",
            link_label="Continue",
        )
    if user.disabled:
        raise BadRequest("This account no longer exists.")
    response = see_other("/verify/done")
    if signed_in is None:
        start_session(request, response, user.id, timedelta(days=_settings(request).session_days))
        _remember_device(request, response, user.id)
    return response


@router.get("/verify/done")
def verified(request: Request) -> Response:
    """Where a confirmation lands: says so to the account now signed in here."""
    user = current_user(request)
    if user is None:
        return see_other("/login")
    if user.email_verified_at is None:
        return see_other("/settings")
    return _message(
        request,
        "Email confirmed",
        f"Thanks, {user.display_name}: your address is confirmed and you are signed in.",
        link_url="/",
        link_label="Today’s papers",
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the conventional name
    return _form(
        request, "Sign in", "/login", _login_fields(), "Sign in", next=safe_next(next), links=LOGIN_LINKS
    )


@router.post("/login")
def login(request: Request, form: Form) -> Response:
    check_form(request, form)
    login_name, password = field(form, "login", 400), str(form.get("password") or "")
    target = safe_next(field(form, "next", 2000))
    try:
        user = service.login(
            request.app.state.engine,
            _settings(request),
            login_name,
            password,
            _client(request),
            request.cookies.get(DEVICE_COOKIE),
        )
    except BadRequest as exc:
        return _form(
            request,
            "Sign in",
            "/login",
            _login_fields(login_name),
            "Sign in",
            status=400,
            error=str(exc),
            next=target,
            links=LOGIN_LINKS,
        )
    response = see_other(target)
    start_session(request, response, user.id, timedelta(days=_settings(request).session_days))
    _remember_device(request, response, user.id)
    return response


@router.post("/logout")
def logout(request: Request, form: Form) -> Response:
    check_form(request, form)
    response = see_other("/")
    end_session(request, response)
    return response


@router.get("/reset")
def reset_form(request: Request) -> Response:
    return _form(
        request,
        "Reset your password",
        "/reset",
        [{"name": "email", "label": "Email", "type": "email", "autocomplete": "email", "required": True}],
        "Send reset link",
        intro="We will mail you a link to choose a new password.",
    )


@router.post("/reset")
def reset_request(request: Request, form: Form) -> Response:
    check_form(request, form)
    email = field(form, "email", 400)
    job = service.request_reset(
        request.app.state.engine, _settings(request), email, _client(request), _link_base(request)
    )
    page = _message(
        request,
        "Check your inbox",
        f"If {email} has an account here, a reset link is on its way. It works for one hour.",
    )
    return run_after(page, job)


def _new_password_form(request: Request, token: str, status: int = 200, error: str | None = None) -> Response:
    return _form(
        request,
        "Choose a new password",
        f"/reset/confirm?token={token}",
        [
            {
                "name": "password",
                "label": "New password",
                "type": "password",
                "autocomplete": "new-password",
                "required": True,
                "hint": "At least 10 characters.",
            }
        ],
        "Set password",
        status=status,
        error=error,
    )


@router.get("/reset/confirm")
def reset_confirm_form(request: Request, token: str = "") -> Response:
    service.check_reset_token(_settings(request), token)
    return _new_password_form(request, token)


@router.post("/reset/confirm")
def reset_confirm(request: Request, form: Form, token: str = "") -> Response:
    check_form(request, form)
    try:
        user = service.reset_password(
            request.app.state.engine, _settings(request), token, str(form.get("password") or "")
        )
    except BadRequest as exc:
        return _new_password_form(request, token, status=400, error=str(exc))
    response = see_other("/")
    start_session(request, response, user.id, timedelta(days=_settings(request).session_days))
    _remember_device(request, response, user.id)
    return response
