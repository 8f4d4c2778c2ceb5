"""Timestamp parsing shared by the parsers, and the range of dates a record may carry.

No preprint is dated before 1900, and SQLite cannot even read back a year below 1000 (it stores ``999-01-01``
unpadded and fails on the way out), so a date before ``EARLIEST`` is junk from a broken upstream: every parser
treats it like any other unreadable date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


def plausible(value: datetime | date) -> bool:
    """Whether a parsed date may be stored (naive datetimes are taken as UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)) >= EARLIEST
    return value >= EARLIEST.date()


def parse_iso(value: object) -> datetime | None:
    """ISO-8601 with a trailing Z (``2024-10-25T00:57:09.392Z``) to an aware UTC datetime; junk gives None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: an offset that pushes year 9999 off the calendar
        return None
    return parsed if plausible(parsed) else None
