"""Account operations shared by the pages, the API and the CLI: sign-up, login, verification, reset.

Login and sign-up answer the same way for known and unknown accounts (same message, same argon2 work), are
throttled per client network and per account (``auth.login_limits`` explains the scheme), and never lock an
account for good. Every account mail is a job the caller runs after answering (``auth.account_mail``), so the
answer's timing does not tell whether a mail went out.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.engine import Engine

from paperboy.auth import account_mail
from paperboy.auth.account_mail import MailJob
from paperboy.auth.links import read_link_token
from paperboy.auth.login_limits import LoginLimits
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
) -> MailJob:
    """Create an account; the returned job mails its verification link, or tells the owner of an address
    that is already registered. Run the job after answering.

    The caller shows the same "check your inbox" page either way, so sign-up reveals nothing about who has an
    account.
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
            return account_mail.already_registered(engine, settings, email, link_base)
        user_id = accounts.create(conn, username, email, password_hash)
    return account_mail.verification(engine, settings, user_id, email.lower(), link_base)


def resend_verification(engine: Engine, settings: Settings, user: Account, link_base: str) -> MailJob | None:
    """For the signed-in owner: a job mailing a new link, None when already confirmed; 429 past the limit."""
    if user.email_verified_at is not None or not user.email:
        return None
    account_mail.count_or_refuse(engine, settings, user.email)
    return account_mail.verification(engine, settings, user.id, user.email, link_base, counted=True)


USED_VERIFY_LINK = "This link was already used. Sign in, or ask for a new link."


def check_verify_link(engine: Engine, settings: Settings, token: str) -> Account:
    """The account a confirmation link is for, without using the link up (the page that asks "confirm?");
    BadRequest, in words a person understands, when it is expired, forged, used, or its account is gone."""
    user_id, once = read_link_token(settings.secret_key, "verify", token)
    with engine.connect() as conn:
        if not sessions.link_unused(conn, once, user_id, "verify"):
            raise BadRequest(USED_VERIFY_LINK)
        user = accounts.by_id(conn, user_id)
    if user is None or user.disabled:
        raise BadRequest("This account no longer exists.")
    return user


def verify_email(engine: Engine, settings: Settings, token: str) -> Account:
    """Use the link once: the address of the link's own account is confirmed, and that account returned."""
    user_id, once = read_link_token(settings.secret_key, "verify", token)
    with engine.begin() as conn:
        if not sessions.consume_link(conn, once, user_id, "verify"):
            raise BadRequest(USED_VERIFY_LINK)
        accounts.mark_verified(conn, user_id)
        user = accounts.by_id(conn, user_id)
    if user is None:
        raise BadRequest("This account no longer exists.")
    return user


def login(
    engine: Engine,
    settings: Settings,
    login_name: str,
    password: str,
    client_ip: str | None,
    device: str | None = None,
) -> Account:
    """The account on success; BadRequest with one message for every kind of failure. ``device`` is the
    ``pb_device`` cookie a previous sign-in left, if any."""
    limits = LoginLimits(engine, settings, client_ip, device)
    with engine.connect() as conn:
        user = accounts.by_login(conn, login_name)
    limits.admit(user, login_name)
    ok, upgraded = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled:
        raise BadRequest(LOGIN_FAILED)
    if upgraded:
        with engine.begin() as conn:
            accounts.set_password_hash(conn, user.id, upgraded)
    limits.succeeded()
    return user


def request_reset(
    engine: Engine, settings: Settings, email: str, client_ip: str | None, link_base: str
) -> MailJob:
    """A job that mails a reset link if the address has an account; the caller answers the same either way
    and runs the job afterwards, so neither the answer nor its timing depends on the account existing."""
    _throttle(engine, f"reset:{throttle_subject(client_ip)}", settings.signup_limit, settings)
    return account_mail.reset(engine, settings, email.strip(), link_base)


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
