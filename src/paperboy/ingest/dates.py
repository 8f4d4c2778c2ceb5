"""Timestamp parsing shared by the JSON sources."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_iso(value: object) -> datetime | None:
    """ISO-8601 with a trailing Z (``2024-10-25T00:57:09.392Z``) to an aware UTC datetime; junk gives None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (
        ValueError,
        OverflowError,
    ):  # OverflowError: an offset that pushes year 9999 or 1 off the calendar
        return None
