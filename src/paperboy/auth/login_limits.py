"""How sign-in attempts are limited: per account, per client network, and never locking the owner out.

The scheme (OWASP's "device cookies"), each counter a fixed window of ``PAPERBOY_THROTTLE_MINUTES``:

- **Per account**, ``PAPERBOY_LOGIN_LIMIT`` attempts: keyed by the account's id, so its username and its
  email (any case, any spacing) share one counter; a name without an account gets a counter of its own, so
  unknown and known names answer alike. A success clears the account's counter.
- **Per client network** (IPv4 address, IPv6 /64), ``PAPERBOY_LOGIN_LIMIT`` attempts: a success takes its
  attempt back, so many people signing in correctly from one NAT never reach the limit; guessing does.
- **Known devices.** A successful sign-in leaves a signed ``pb_device`` cookie naming the account. An attempt
  carrying a valid one for the account it tries is counted only against that device (same limit), not against
  the account or the network. So an attacker guessing at an account locks out only browsers that never
  signed in to it: the owner keeps signing in from their own browser, and a password reset (which proves the
  address and signs in directly) always works. A stolen device cookie gives no more guesses than the limit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.engine import Engine

from paperboy.auth.network import throttle_subject
from paperboy.config import Settings
from paperboy.errors import TooManyRequests
from paperboy.store import throttle
from paperboy.store.accounts import Account

DEVICE_COOKIE = "pb_device"
DEVICE_DAYS = 365


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="paperboy-login-device")


def device_token(secret: str, user_id: int) -> str:
    """The cookie value a successful sign-in leaves: the account and a random device id, signed."""
    return _serializer(secret).dumps({"u": user_id, "d": secrets.token_urlsafe(12)})


def _device(secret: str, token: str | None) -> tuple[int, str] | None:
    if not token:
        return None
    try:
        data = _serializer(secret).loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("d"), str):
        return None
    return data["u"], data["d"]


class LoginLimits:
    """The counters one sign-in attempt touches: ``admit`` before the password check, ``succeeded`` after."""

    def __init__(self, engine: Engine, settings: Settings, client_ip: str | None, device: str | None) -> None:
        self.engine, self.settings = engine, settings
        self.network_key = f"login-ip:{throttle_subject(client_ip)}"
        self.device = _device(settings.secret_key, device)
        self.keys: list[str] = []

    def _hit(self, key: str) -> None:
        self.keys.append(key)
        window = timedelta(minutes=self.settings.throttle_minutes)
        wait = throttle.hit(self.engine, key, self.settings.login_limit, window)
        if wait is not None:
            minutes = max(1, round(wait / 60))
            raise TooManyRequests(
                f"Too many sign-in attempts. Try again in about {minutes} minute(s), or reset your password.",
                wait,
            )

    def admit(self, user: Account | None, typed: str) -> None:
        """Count this attempt; TooManyRequests (with the seconds to wait) when a limit is reached."""
        if user is not None and self.device is not None and self.device[0] == user.id:
            self._hit(f"login-device:{self.device[1]}")
            return
        self._hit(self.network_key)
        self._hit(f"login-account:{user.id}" if user is not None else f"login-name:{typed.strip().lower()}")

    def succeeded(self) -> None:
        for key in self.keys:
            if key == self.network_key:
                throttle.refund(self.engine, key)
            else:
                throttle.reset(self.engine, key)
