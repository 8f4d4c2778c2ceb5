"""Account operations shared by the pages, the API and the CLI: sign-up, login, verification, reset.

Login and sign-up answer the same way for known and unknown accounts (same message, same argon2 work), are
throttled per client network and per account, and never lock an account for good: windows expire.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.engine import Engine

from paperboy import mailer
from paperboy.auth.links import make_link_token, read_link_token
from paperboy.auth.network import throttle_subject
from paperboy.auth.passwords import hash_password, password_problem, verify_password
from paperboy.config import Settings
from paperboy.errors import BadRequest, TooManyRequests
from paperboy.store import accounts, sessions, throttle
from paperboy.store.accounts import Account

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,38}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
LOGIN_FAILED = "That email or username and password do not match an account."


def _window(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.throttle_minutes)


def _throttle(engine: Engine, key: str, limit: int, settings: Settings) -> None:
    wait = throttle.hit(engine, key, limit, _window(settings))
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise TooManyRequests(f"Too many attempts. Try again in about {minutes} minute(s).", wait)


def validate_signup(username: str, email: str, password: str) -> dict[str, str]:
    """Field → problem; empty when everything is acceptable."""
    problems: dict[str, str] = {}
    if not USERNAME.match(username):
        problems["username"] = "2–39 letters, digits, '.', '_' or '-', starting with a letter or digit."
    if not EMAIL.match(email) or len(email) > 320:
        problems["email"] = "Enter an email address like you@example.org."
    problem = password_problem(password)
    if problem:
        problems["password"] = problem
    return problems


def signup(
    engine: Engine,
    settings: Settings,
    username: str,
    email: str,
    password: str,
    client_ip: str | None,
    link_base: str,
) -> int | None:
    """Create an account and mail its verification link; None when the email is already registered.

    The caller shows the same "check your inbox" page either way, so sign-up reveals nothing about who has an
    account; the owner of an existing address gets a mail telling them so instead.
    """
    if not settings.open_signup:
        raise BadRequest("Sign-up is closed on this site; ask an administrator for an account.")
    _throttle(engine, f"signup:{throttle_subject(client_ip)}", settings.signup_limit, settings)
    problems = validate_signup(username, email, password)
    if problems:
        raise BadRequest(" ".join(problems.values()))
    password_hash = hash_password(password)  # before any lookup: known and unknown addresses cost the same
    with engine.begin() as conn:
        if accounts.username_taken(conn, username):
            raise BadRequest("That username is taken; choose another.")
        if accounts.email_taken(conn, email):
            existing = accounts.by_login(conn, email)
        else:
            existing = None
            user_id = accounts.create(conn, username, email, password_hash)
    if existing is not None:
        _mail(
            settings,
            email,
            "You already have an account",
            f"Someone (hopefully you) tried to sign up with this address, which already has the account "
            f"'{existing.username}'. To reset its password, visit {link_base}/reset\n",
        )
        return None
    send_verification(engine, settings, user_id, email, link_base)
    return user_id


def send_verification(engine: Engine, settings: Settings, user_id: int, email: str, link_base: str) -> None:
    token, once = make_link_token(settings.secret_key, "verify", user_id)
    with engine.begin() as conn:
        sessions.record_link(conn, once, user_id, "verify")
    _mail(
        settings,
        email,
        "Confirm your email address",
        f"Welcome to {settings.site_name}!\n\nConfirm your address by opening this link within 3 days:\n"
        f"{link_base}/verify?token={token}\n\nIf you did not sign up, ignore this mail.\n",
    )


def verify_email(engine: Engine, settings: Settings, token: str) -> Account:
    user_id, once = read_link_token(settings.secret_key, "verify", token)
    with engine.begin() as conn:
        if not sessions.consume_link(conn, once, user_id, "verify"):
            raise BadRequest("This link was already used. Sign in, or ask for a new link.")
        accounts.mark_verified(conn, user_id)
        user = accounts.by_id(conn, user_id)
    if user is None:
        raise BadRequest("This account no longer exists.")
    return user


def login(
    engine: Engine, settings: Settings, login_name: str, password: str, client_ip: str | None
) -> Account:
    """The account on success; BadRequest with one message for every kind of failure."""
    _throttle(engine, f"login-ip:{throttle_subject(client_ip)}", settings.login_limit, settings)
    _throttle(engine, f"login-account:{login_name.strip().lower()}", settings.login_limit, settings)
    with engine.connect() as conn:
        user = accounts.by_login(conn, login_name)
    ok, upgraded = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        raise BadRequest(LOGIN_FAILED)
    if upgraded:
        with engine.begin() as conn:
            accounts.set_password_hash(conn, user.id, upgraded)
    throttle.reset(engine, f"login-account:{login_name.strip().lower()}")
    return user


def request_reset(
    engine: Engine, settings: Settings, email: str, client_ip: str | None, link_base: str
) -> None:
    """Mail a reset link if the address has an account; the caller always answers the same."""
    _throttle(engine, f"reset:{throttle_subject(client_ip)}", settings.signup_limit, settings)
    with engine.connect() as conn:
        user = accounts.by_login(conn, email) if "@" in email else None
    if user is None or user.email is None:
        return
    token, once = make_link_token(settings.secret_key, "reset", user.id)
    with engine.begin() as conn:
        sessions.expire_links(conn, user.id, "reset")
        sessions.record_link(conn, once, user.id, "reset")
    _mail(
        settings,
        user.email,
        "Reset your password",
        f"To choose a new password for '{user.username}', open this link within an hour:\n"
        f"{link_base}/reset/confirm?token={token}\n\nIf you did not ask for this, ignore this mail.\n",
    )


def check_reset_token(settings: Settings, token: str) -> None:
    read_link_token(settings.secret_key, "reset", token)


def reset_password(engine: Engine, settings: Settings, token: str, password: str) -> Account:
    user_id, once = read_link_token(settings.secret_key, "reset", token)
    problem = password_problem(password)
    if problem:
        raise BadRequest(problem)
    with engine.begin() as conn:
        if not sessions.consume_link(conn, once, user_id, "reset"):
            raise BadRequest("This link was already used or replaced by a newer one. Ask for a new link.")
        accounts.set_password_hash(conn, user_id, hash_password(password))
        accounts.mark_verified(conn, user_id)  # the link proved the address
        sessions.delete_user_sessions(conn, user_id)
        user = accounts.by_id(conn, user_id)
    assert user is not None
    return user


def create_user(engine: Engine, username: str, email: str, password: str, admin: bool) -> int:
    """For ``paperboy users create``: verified at once, optionally an administrator."""
    problems = validate_signup(username, email, password)
    if problems:
        raise BadRequest(" ".join(problems.values()))
    with engine.begin() as conn:
        if accounts.username_taken(conn, username) or accounts.email_taken(conn, email):
            raise BadRequest("That username or email already has an account.")
        return accounts.create(conn, username, email, hash_password(password), is_admin=admin, verified=True)


def _mail(settings: Settings, to: str, subject: str, text: str) -> None:
    mailer.send(settings, mailer.build_message(settings, to, subject, text))
