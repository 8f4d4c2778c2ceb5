"""The trending score: community signals, decayed by age, with a one-line "why" for every paper.

    score = (upvotes + comment_weight × comments + star_weight × log2(1 + GitHub stars) + 1)
            / (hours since featured + 2) ^ gravity

``upvotes`` counts imported Hugging Face upvotes plus local votes. The decay is Hacker News's: a paper must
keep collecting votes to stay on top. Weights and gravity are settings (``PAPERBOY_TRENDING_*``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TrendingWeights:
    comment_weight: float = 2.0
    star_weight: float = 1.0
    gravity: float = 1.2


@dataclass(frozen=True, slots=True)
class Signals:
    upvotes: int
    comments: int
    github_stars: int
    featured_at: datetime


@dataclass(frozen=True, slots=True)
class TrendingScore:
    value: float
    why: str


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _age(hours: float, featured_at: datetime, past: bool) -> str:
    """When it was featured, as a reader says it: "featured 3 hours ago", "featured 2 days ago"; for a period
    ranked as it closed (``past``) its date, "featured on Aug 20", since "ago" would count from that close."""
    if past:
        return f"featured on {featured_at:%b %-d}"
    if hours < 1:
        return "featured less than an hour ago"
    if hours < 24:
        return f"featured {_plural(int(hours), 'hour')} ago"
    return f"featured {_plural(int(hours // 24), 'day')} ago"


def trending_score(
    signals: Signals, now: datetime, weights: TrendingWeights = TrendingWeights(), past: bool = False
) -> TrendingScore:
    """Score one paper at ``now``; ``past`` says ``now`` is the close of a past period, not the present."""
    hours = max(0.0, (now - signals.featured_at).total_seconds() / 3600)
    stars = math.log2(1 + max(signals.github_stars, 0))
    points = signals.upvotes + weights.comment_weight * signals.comments + weights.star_weight * stars + 1
    value = points / (hours + 2) ** weights.gravity
    parts = [_plural(signals.upvotes, "upvote")]
    if signals.comments:
        parts.append(_plural(signals.comments, "comment"))
    if signals.github_stars:
        parts.append(_plural(signals.github_stars, "GitHub star"))
    rate = signals.upvotes / max(hours, 1.0)
    lead = f"{rate:.1f} upvotes/hour" if hours < 48 and signals.upvotes else ""
    why = " · ".join(([lead] if lead else []) + parts + [_age(hours, signals.featured_at, past)])
    return TrendingScore(value=value, why=why)
