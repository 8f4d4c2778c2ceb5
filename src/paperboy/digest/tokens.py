"""Signed tokens in digest links: confirm a subscription, unsubscribe, view a digest in the browser.

Each carries only a random value (the subscription's token) under an HMAC keyed by the site secret and a
per-purpose salt, so a link cannot be forged, edited or reused for another purpose. The unsubscribe token uses
HMAC-SHA256 directly (one per digest, so it must be cheap); the timed confirmation token uses itsdangerous.
Unsubscribe links never expire (RFC 8058 asks that they keep working); confirmation links last 3 days.
They are as strong as the site secret, which is never a published value (``auth.site_secret``). The
private feed links of /for-you and the "view in browser" links of digests are random tokens stored hashed
instead (``store.feed_tokens``, ``digest_outbox.view_hash``), so their owners can revoke them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from paperboy.errors import BadRequest

CONFIRM_SECONDS = 3 * 24 * 3600


@lru_cache(maxsize=16)
def _key(secret: str, salt: str) -> bytes:
    return hashlib.sha256(f"paperboy-{salt}:{secret}".encode()).digest()


def _sign(secret: str, salt: str, value: str) -> str:
    """``value.signature``: HMAC-SHA256, cheap enough to mint 100,000 times a minute (two per digest)."""
    mac = hmac.new(_key(secret, salt), value.encode(), hashlib.sha256).digest()[:18]
    return f"{value}.{base64.urlsafe_b64encode(mac).decode()}"


def _unsign(secret: str, salt: str, token: str) -> str | None:
    value, _, _ = token.rpartition(".")
    if not value or not hmac.compare_digest(_sign(secret, salt, value), token):
        return None
    return value


def unsubscribe_token(secret: str, sub_token: str) -> str:
    return _sign(secret, "unsubscribe", sub_token)


def read_unsubscribe_token(secret: str, token: str) -> str:
    value = _unsign(secret, "unsubscribe", token)
    if value is None:
        raise BadRequest("This unsubscribe link is not valid. Check that you copied all of it.")
    return value


def confirm_token(secret: str, sub_token: str) -> str:
    return URLSafeTimedSerializer(secret, salt="paperboy-subscribe").dumps(sub_token)


def read_confirm_token(secret: str, token: str) -> str:
    try:
        value = URLSafeTimedSerializer(secret, salt="paperboy-subscribe").loads(
            token, max_age=CONFIRM_SECONDS
        )
    except SignatureExpired:
        raise BadRequest("This confirmation link has expired. Subscribe again for a new one.") from None
    except BadSignature:
        raise BadRequest("This confirmation link is not valid. Check that you copied all of it.") from None
    if not isinstance(value, str):
        raise BadRequest("This confirmation link is not valid.")
    return value
