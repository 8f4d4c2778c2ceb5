"""Feed periods (a day, an ISO week, a month) parsed from the strings the URLs and the API use.

A parsed period ends before the calendar's last day, so the day after it (where the next link and the tabs
look) always exists: ``9999-12-31``, ``9999-W52`` and ``9999-12`` are a clear 400, never an overflow.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from paperboy.errors import BadRequest

# The formats as the OpenAPI schema states them (ASCII digits only; JSON Schema patterns are ECMA regexes).
DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
WEEK_PATTERN = "^([0-9]{4})-W([0-9]{2})$"
MONTH_PATTERN = "^([0-9]{4})-([0-9]{2})$"
_DAY, _WEEK, _MONTH = (re.compile(p.strip("^$")) for p in (DAY_PATTERN, WEEK_PATTERN, MONTH_PATTERN))


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "date" | "week" | "month"
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year:04d}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def label(self) -> str:
        if self.kind == "week":
            span = f"{self.start:%b %-d} – {self.end:%b %-d}"
            return f"Week {self.key[-2:]} of {self.start.isocalendar()[0]} ({span})"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        return f"{self.start:%A, %B %-d, %Y}"


def period_containing(kind: str, day: date) -> Period:
    """The period around any day, even the calendar's last (a stored day is never refused)."""
    if kind == "week":
        start = day - timedelta(days=day.weekday())  # 0001-01-01 is a Monday: never before date.min
        return Period("week", start, start + timedelta(days=min(6, (date.max - start).days)))
    if kind == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period("month", day.replace(day=1), day.replace(day=last))
    return Period("date", day, day)


def _bounded(period: Period, name: str, text: str) -> Period:
    if period.end >= date.max:
        raise BadRequest(f"{name} must end before {date.max}, the calendar's last day, got {text!r}")
    return period


def parse_day(text: str) -> Period:
    try:
        if not _DAY.fullmatch(text):
            raise ValueError(text)  # fromisoformat would also take 20250926 and 2025-W39-1
        day = date.fromisoformat(text)
    except (ValueError, OverflowError):
        raise BadRequest(f"date must be YYYY-MM-DD, got {text!r}") from None
    return _bounded(period_containing("date", day), "date", text)


def parse_week(text: str) -> Period:
    match = _WEEK.fullmatch(text)
    if not match:
        raise BadRequest(f"week must be YYYY-Www (for example 2025-W09), got {text!r}")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except (ValueError, OverflowError):
        raise BadRequest(f"no such ISO week: {text!r}") from None
    return _bounded(period_containing("week", monday), "week", text)


def parse_month(text: str) -> Period:
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadRequest(f"month must be YYYY-MM (for example 2025-02), got {text!r}")
    try:
        first = date(int(match[1]), int(match[2]), 1)
    except (ValueError, OverflowError):
        raise BadRequest(f"no such month: {text!r}") from None
    return _bounded(period_containing("month", first), "month", text)
