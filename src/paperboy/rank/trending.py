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


def _age(hours: float, until: str | None) -> str:
    """How long ago it was featured; ``until`` names a past "now" (the end of a period) instead of "ago"."""
    if hours < 1:
        span = "within the hour" if until is None else "less than an hour"
    elif hours < 48:
        span = f"{int(hours)} h"
    else:
        span = f"{int(hours // 24)} days"
    if until is None:
        return "featured " + (span if hours < 1 else f"{span} ago")
    return f"featured {span} before {until}"


def trending_score(
    signals: Signals, now: datetime, weights: TrendingWeights = TrendingWeights(), until: str | None = None
) -> TrendingScore:
    """Score one paper at ``now``; ``until`` labels ``now`` in the why line when it is not the present."""
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
    why = " · ".join(([lead] if lead else []) + parts + [_age(hours, until)])
    return TrendingScore(value=value, why=why)
