"""When a subscriber's digest is due, in their own time zone (pure functions, no I/O).

A daily digest goes out on weekdays (arXiv announces nothing at weekends) once the subscriber's local hour has
come; a weekly one once per ISO week, from Monday at that hour. A period is due until its outbox row exists,
so a worker that was down catches up on the same day (daily) or later in the week (weekly).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from paperboy.periods import period_containing


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def current_period(frequency: str, timezone: str, hour: int, now: datetime) -> str | None:
    """The period key due at ``now`` ("2025-09-26" or "2025-W39"), or None when nothing is due yet."""
    local = now.astimezone(zone(timezone))
    if frequency == "weekly":
        week = period_containing("week", local.date())
        if local.date() == week.start and local.hour < hour:
            return None
        return week.key
    if local.weekday() >= 5 or local.hour < hour:
        return None
    return local.date().isoformat()


def is_weekly(period: str) -> bool:
    return "-W" in period
