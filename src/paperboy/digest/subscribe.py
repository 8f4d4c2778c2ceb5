"""Subscribing and unsubscribing, shared by the pages and the CLI.

Double opt-in: an address is ``pending`` until the signed link mailed to it is followed and confirmed, so
nobody can sign someone else up. Confirmation mails are limited per address per hour (and per network), and
never go to a suppressed (hard-bounced) address. The page answers the same whatever the address's state, and
the work that depends on that state runs after the answer, so neither reveals who subscribes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from paperboy import mailer
from paperboy.auth.network import throttle_subject
from paperboy.auth.service import EMAIL
from paperboy.config import Settings
from paperboy.digest import tokens
from paperboy.digest.send import utcnow
from paperboy.errors import BadRequest, TooManyRequests
from paperboy.store import outbox, subscriptions, throttle
from paperboy.store.subscriptions import Subscription

log = logging.getLogger("paperboy.digest")
FREQUENCIES = ("daily", "weekly")


def request(
    engine: Engine, settings: Settings, email: str, frequency: str, client_ip: str | None
) -> Callable[[], bool]:
    """Check the form and the network's limit now; return the job that records a pending subscription and
    mails its confirmation link, to run after answering (True when a mail went out).

    Whether a mail goes out depends on the address's state (new, pending, active, suppressed), so doing it
    inside the request would let its timing reveal who subscribes; the page answers the same either way.
    """
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise BadRequest("Enter an email address like you@example.org.")
    if frequency not in FREQUENCIES:
        raise BadRequest("Choose a daily or a weekly digest.")
    window = timedelta(minutes=settings.throttle_minutes)
    wait = throttle.hit(
        engine, f"subscribe-ip:{throttle_subject(client_ip)}", settings.signup_limit * 4, window
    )
    if wait is not None:
        raise TooManyRequests("Too many subscriptions from your network; try again later.", wait)
    return lambda: _record_and_mail(engine, settings, email, frequency)


def _record_and_mail(engine: Engine, settings: Settings, email: str, frequency: str) -> bool:
    with engine.begin() as conn:
        if outbox.is_suppressed(conn, email):
            return False
        sub = subscriptions.request(conn, email, frequency)
    if sub.status != "pending":
        return False  # already active (or bounced): nothing to confirm
    if throttle.hit(engine, f"subscribe-mail:{email}", settings.digest_confirm_limit, timedelta(hours=1)):
        return False
    token = tokens.confirm_token(settings.secret_key, sub.token)
    link = f"{settings.base_url.rstrip('/')}/subscribe/confirm?token={token}"
    text = (
        f"Someone (hopefully you) asked to receive the {frequency} digest of trending papers from "
        f"{settings.site_name} at this address.\n\nConfirm within 3 days by opening this link:\n{link}\n\n"
        "If it was not you, ignore this mail: nothing will be sent without confirmation.\n"
    )
    try:
        mailer.send(
            settings, mailer.build_message(settings, email, f"Confirm your {settings.site_name} digest", text)
        )
    except mailer.MailError as exc:
        log.warning("confirmation mail to %s failed: %s", email, exc)
        if exc.permanent:
            with engine.begin() as conn:
                outbox.suppress(conn, email, str(exc))
        return False
    return True


def pending_by_confirm_token(engine: Engine, settings: Settings, token: str) -> Subscription:
    sub_token = tokens.read_confirm_token(settings.secret_key, token)
    with engine.connect() as conn:
        sub = subscriptions.by_token(conn, sub_token)
    if sub is None:
        raise BadRequest("This subscription no longer exists. Subscribe again.")
    return sub


def confirm(engine: Engine, settings: Settings, token: str) -> Subscription:
    sub = pending_by_confirm_token(engine, settings, token)
    with engine.begin() as conn:
        subscriptions.confirm(conn, sub.id, utcnow())
        found = subscriptions.by_id(conn, sub.id)
    assert found is not None
    return found


def by_unsubscribe_token(engine: Engine, settings: Settings, token: str) -> Subscription:
    """The subscription an unsubscribe link names; a tampered or unknown token is refused (400)."""
    sub_token = tokens.read_unsubscribe_token(settings.secret_key, token)
    with engine.connect() as conn:
        sub = subscriptions.by_token(conn, sub_token)
    if sub is None:
        raise BadRequest("This unsubscribe link is not valid any more.")
    return sub


def unsubscribe(engine: Engine, settings: Settings, token: str) -> Subscription:
    sub = by_unsubscribe_token(engine, settings, token)
    with engine.begin() as conn:
        subscriptions.unsubscribe(conn, sub.id, utcnow())
    return sub
