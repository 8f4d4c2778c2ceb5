"""Queueing digests: for every subscription whose period is due, choose its papers and add its outbox row.

Each row is added together with the papers it holds and the subscription's ``last_period`` in one
transaction, and the (subscription, period) unique constraint makes a second attempt (a crash and restart, two
workers) a no-op: one digest per subscriber per period, whatever happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest.build import Pick, Pool, Recommender, choose, window
from paperboy.digest.schedule import current_period
from paperboy.rank.trending import TrendingWeights
from paperboy.store import digests, organizations, outbox, subscriptions
from paperboy.store.recommendations import record_many
from paperboy.store.subscriptions import Subscription

CHUNK = 500
RecommenderFactory = Callable[[Pool, str], Recommender]


@dataclass(slots=True)
class Planned:
    sub: Subscription
    period: str
    picks: list[Pick]


@dataclass(slots=True)
class QueueReport:
    queued: int = 0
    empty: int = 0
    skipped: int = 0  # a row for the period existed already
    periods: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return f"{self.queued} digests queued, {self.empty} with nothing new, {self.skipped} already queued"


def weights(settings: Settings) -> TrendingWeights:
    return TrendingWeights(
        settings.trending_comment_weight, settings.trending_star_weight, settings.trending_gravity
    )


def due(engine: Engine, now: datetime, period: str | None = None) -> list[tuple[Subscription, str]]:
    """(subscription, period) pairs that need a digest now; ``period`` forces one (tests, back-fills)."""
    with engine.connect() as conn:
        subs = subscriptions.active(conn)
    found = []
    for sub in subs:
        key = period or current_period(sub.frequency, sub.timezone, sub.hour, now)
        if key is not None and key != sub.last_period:
            found.append((sub, key))
    return found


def plan(
    engine: Engine,
    settings: Settings,
    now: datetime,
    pairs: list[tuple[Subscription, str]],
    recommender: RecommenderFactory | None = None,
) -> Iterator[list[Planned]]:
    """The digests of ``pairs``, a chunk at a time; pools are built once per window and shared."""
    pools: dict[tuple, Pool] = {}
    recommenders: dict[tuple, Recommender] = {}
    with engine.connect() as conn:
        aliases = organizations.alias_keys(conn)  # followed organizations by any of their names
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        with engine.connect() as conn:
            sent = outbox.already_sent(conn, [sub.id for sub, _ in chunk])
            for _, period in chunk:
                span = window(period)
                if span not in pools:
                    pools[span] = Pool(digests.candidates(conn, *span), now, weights(settings), aliases)
        if recommender is not None:
            for sub, period in chunk:
                span = window(period)
                if sub.user_id is not None and span not in recommenders:
                    recommenders[span] = recommender(pools[span], period)
        for span, rec in recommenders.items():
            rec_users = [
                sub.user_id for sub, period in chunk if sub.user_id is not None and window(period) == span
            ]
            getattr(rec, "prefetch", lambda ids: None)(rec_users)
        planned = []
        for sub, period in chunk:
            span = window(period)
            rec = None
            if sub.user_id is not None and recommender is not None:
                if span not in recommenders:
                    recommenders[span] = recommender(pools[span], period)
                rec = recommenders[span]
            picks = choose(
                pools[span], sub.follows, sent[sub.id], settings.digest_max_papers, rec, sub.user_id
            )
            planned.append(Planned(sub, period, picks))
        yield planned


def queue(
    engine: Engine,
    settings: Settings,
    now: datetime,
    period: str | None = None,
    recommender: RecommenderFactory | None = None,
) -> QueueReport:
    """Add the outbox rows of every due subscription; safe to run again at any time."""
    report = QueueReport()
    for planned in plan(engine, settings, now, due(engine, now, period), recommender):
        entries = [(i.sub.id, i.period, i.sub.email, [p.as_dict() for p in i.picks]) for i in planned]
        with engine.begin() as conn:
            added = outbox.add_digests(conn, entries, now)
            recommended = [
                (i.sub.user_id, i.period, [p for p in i.picks if p.source == "recommend"])
                for i in planned
                if i.sub.id in added and i.sub.user_id is not None
            ]
            record_many(conn, recommended)
        for item in planned:
            if item.sub.id not in added:
                report.skipped += 1
                continue
            report.periods.add(item.period)
            if item.picks:
                report.queued += 1
            else:
                report.empty += 1
    return report
