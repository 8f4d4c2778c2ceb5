"""Account mails (confirm your address, reset your password, you already have an account), sent after the
answer has gone out, and limited per recipient.

Why after: whether a mail goes out depends on whether an account exists, and building, recording and handing
a mail to SMTP takes a whole round trip, so sending inside the request would let anyone time the answer to
learn who has an account. The request only decides *that* a job runs; the job looks the account up, records
the link and sends, after the response (Starlette's background task). A job that fails is logged; it never
changes the answer.

Why per recipient: limits per client network do not stop eight networks (or eight typed spellings) from
mailing one victim eight times. Every account mail counts against its recipient's address:
``PAPERBOY_ACCOUNT_MAIL_LIMIT`` per hour, beyond which mails are dropped (silently: the answer must not say
whether anything was sent), except for the "send the link again" button, whose owner is told
(``count_or_refuse``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from paperboy import mailer
from paperboy.auth.links import make_link_token
from paperboy.config import Settings
from paperboy.errors import TooManyRequests
from paperboy.store import accounts, outbox, sessions, throttle

log = logging.getLogger("paperboy.mail")
MailJob = Callable[[], None]
WINDOW = timedelta(hours=1)


def _key(address: str) -> str:
    return f"account-mail:{address.strip().lower()}"


def _over_limit(engine: Engine, settings: Settings, address: str) -> bool:
    """Count one mail to ``address``; True when it has had its share this hour (the mail is dropped)."""
    if throttle.hit(engine, _key(address), settings.account_mail_limit, WINDOW) is None:
        return False
    log.warning("account mail to %s dropped: %d this hour already", address, settings.account_mail_limit)
    return True


def count_or_refuse(engine: Engine, settings: Settings, address: str) -> None:
    """For the signed-in owner asking again: count the mail now, or answer 429 with when to retry."""
    wait = throttle.hit(engine, _key(address), settings.account_mail_limit, WINDOW)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        raise TooManyRequests(
            f"We already sent {settings.account_mail_limit} mails to {address} in the last hour. Check your "
            f"inbox and spam folder, or ask again in about {minutes} minute(s).",
            wait,
        )


def _send(engine: Engine, settings: Settings, to: str, subject: str, text: str) -> None:
    """Send unless the address hard-bounced before; a new hard bounce suppresses it like a digest's does."""
    with engine.connect() as conn:
        if outbox.is_suppressed(conn, to):
            log.info("account mail %r to %s not sent: the address is suppressed", subject, to)
            return
    try:
        mailer.send(settings, mailer.build_message(settings, to, subject, text))
    except mailer.MailError as exc:
        log.warning("account mail %r to %s failed: %s", subject, to, exc)
        if exc.permanent:
            with engine.begin() as conn:
                outbox.suppress(conn, to, str(exc))


def verification(
    engine: Engine, settings: Settings, user_id: int, email: str, link_base: str, counted: bool = False
) -> MailJob:
    """Record a single-use confirmation link and mail it (``counted``: the caller already counted it)."""

    def job() -> None:
        if not counted and _over_limit(engine, settings, email):
            return
        token, once = make_link_token(settings.secret_key, "verify", user_id)
        with engine.begin() as conn:
            sessions.record_link(conn, once, user_id, "verify")
        _send(
            engine,
            settings,
            email,
            "Confirm your email address",
            f"Welcome to {settings.site_name}!\n\nConfirm your address by opening this link within 3 days:\n"
            f"{link_base}/verify?token={token}\n\nIf you did not sign up, ignore this mail.\n",
        )

    return job


def already_registered(engine: Engine, settings: Settings, email: str, link_base: str) -> MailJob:
    """Tell the owner of a registered address that someone tried to sign up with it."""

    def job() -> None:
        with engine.connect() as conn:
            existing = accounts.by_login(conn, email)
        if existing is None or existing.email is None or _over_limit(engine, settings, existing.email):
            return
        _send(
            engine,
            settings,
            existing.email,
            "You already have an account",
            f"Someone (hopefully you) tried to sign up with this address, which already has the account "
            f"'{existing.username}'. To reset its password, visit {link_base}/reset\n",
        )

    return job


def reset(engine: Engine, settings: Settings, email: str, link_base: str) -> MailJob:
    """Mail a reset link if ``email`` has an account; otherwise do nothing, after the answer either way."""

    def job() -> None:
        with engine.connect() as conn:
            user = accounts.by_login(conn, email) if "@" in email else None
        if user is None or user.email is None or user.disabled:
            return
        if _over_limit(engine, settings, user.email):
            return
        token, once = make_link_token(settings.secret_key, "reset", user.id)
        with engine.begin() as conn:
            sessions.expire_links(conn, user.id, "reset")
            sessions.record_link(conn, once, user.id, "reset")
        _send(
            engine,
            settings,
            user.email,
            "Reset your password",
            f"To choose a new password for '{user.username}', open this link within an hour:\n"
            f"{link_base}/reset/confirm?token={token}\n\nIf you did not ask for this, ignore this mail.\n",
        )

    return job
