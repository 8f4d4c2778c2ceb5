"""Per-user limits on votes and comments, shared by the pages and the JSON API.

Fixed windows in the database (``store.throttle``), so every server process counts together. Past a limit the
answer is 429 with ``Retry-After`` and a sentence saying how long to wait; a refused comment form comes back
with its draft intact. Moderators are limited too: a stolen moderator session must not flood either.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.errors import TooManyRequests
from paperboy.store import throttle
from paperboy.store.accounts import Account


def _wait_words(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} second(s)"
    return f"{round(seconds / 60)} minute(s)"


def _check(engine: Engine, key: str, limit: int, window: timedelta, what: str) -> None:
    wait = throttle.hit(engine, key, limit, window)
    if wait is not None:
        raise TooManyRequests(
            f"You have {what} {limit} times in {_wait_words(window.total_seconds())}, the most we accept. "
            f"Try again in {_wait_words(wait)}.",
            wait,
        )


def vote(engine: Engine, settings: Settings, user: Account) -> None:
    """Count one upvote or its removal: ``PAPERBOY_VOTE_LIMIT`` per ``PAPERBOY_VOTE_WINDOW_SECONDS``."""
    window = timedelta(seconds=settings.vote_window_seconds)
    _check(engine, f"vote:{user.id}", settings.vote_limit, window, "voted")


def comment(engine: Engine, settings: Settings, user: Account) -> None:
    """Count one new comment or edit: ``PAPERBOY_COMMENT_LIMIT`` per ``PAPERBOY_COMMENT_WINDOW_MINUTES``."""
    window = timedelta(minutes=settings.comment_window_minutes)
    _check(engine, f"comment:{user.id}", settings.comment_limit, window, "posted or edited comments")
