"""Signed, expiring, single-use links for email verification and password reset.

The signature (itsdangerous, keyed by the site secret and the purpose) proves we issued the link and when;
the row in ``one_time_tokens`` makes it single use. A reset link also dies when the password changes.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from paperboy.errors import BadRequest

LIFETIMES = {"verify": 3 * 24 * 3600, "reset": 3600}


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"paperboy-{purpose}")


def make_link_token(secret: str, purpose: str, user_id: int) -> tuple[str, str]:
    """(token for the URL, one-time id to record)."""
    once = secrets.token_urlsafe(16)
    return _serializer(secret, purpose).dumps({"u": user_id, "j": once}), once


def read_link_token(secret: str, purpose: str, token: str) -> tuple[int, str]:
    """(user id, one-time id); raise BadRequest with a sentence a person understands."""
    try:
        data = _serializer(secret, purpose).loads(token, max_age=LIFETIMES[purpose])
    except SignatureExpired:
        raise BadRequest("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise BadRequest("This link is not valid. Check that you copied all of it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("j"), str):
        raise BadRequest("This link is not valid.")
    return data["u"], data["j"]
