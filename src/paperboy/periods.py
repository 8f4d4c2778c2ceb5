"""Feed periods (a day, an ISO week, a month) parsed from the strings the URLs and the API use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from paperboy.errors import BadRequest

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "date" | "week" | "month"
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return self.start.isoformat()

    @property
    def label(self) -> str:
        if self.kind == "week":
            span = f"{self.start:%b %-d} – {self.end:%b %-d}"
            return f"Week {self.key[-2:]} of {self.start.isocalendar()[0]} ({span})"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        return f"{self.start:%A, %B %-d, %Y}"

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        return period_containing(self.kind, self.end + timedelta(days=1))


def period_containing(kind: str, day: date) -> Period:
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period("week", start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return Period("month", start, following - timedelta(days=1))
    return Period("date", day, day)


def parse_day(text: str) -> Period:
    try:
        return period_containing("date", date.fromisoformat(text))
    except (ValueError, OverflowError):
        raise BadRequest(f"date must be YYYY-MM-DD, got {text!r}") from None


def parse_week(text: str) -> Period:
    match = _WEEK.match(text)
    if not match:
        raise BadRequest(f"week must be YYYY-Www (for example 2025-W09), got {text!r}")
    try:
        return period_containing("week", date.fromisocalendar(int(match[1]), int(match[2]), 1))
    except (ValueError, OverflowError):
        raise BadRequest(f"no such ISO week: {text!r}") from None


def parse_month(text: str) -> Period:
    match = _MONTH.match(text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise BadRequest(f"month must be YYYY-MM (for example 2025-02), got {text!r}")
    try:
        return period_containing("month", date(int(match[1]), int(match[2]), 1))
    except (ValueError, OverflowError):
        raise BadRequest(f"no such month: {text!r}") from None
