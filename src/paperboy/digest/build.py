"""Choosing a digest's papers: trending for everyone, followed topics and recommendations for readers.

A ``Pool`` indexes one window's new papers once (trending order, categories, organizations, authors, words),
so each of 100,000 subscribers costs a few dictionary look-ups rather than a pass over every paper. Every pick
carries the sentence that explains it; a paper a subscription was already given is never picked again.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from paperboy.org_names import key
from paperboy.periods import period_containing
from paperboy.rank.trending import Signals, TrendingWeights, trending_score
from paperboy.store.digests import Candidate

WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Pick:
    paper_id: int
    reason: str
    score: float
    source: str = "trending"  # trending | follow | recommend

    def as_dict(self) -> dict:
        return {
            "paper_id": self.paper_id,
            "reason": self.reason,
            "score": round(self.score, 6),
            "source": self.source,
        }


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def window(period: str) -> tuple[date, date]:
    """Days whose papers may go into a period's digest; generous, since sent papers are excluded anyway."""
    if "-W" in period:
        year, week = period.split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
        return start - timedelta(days=7), period_containing("week", start).end
    day = date.fromisoformat(period)
    return day - timedelta(days=4), day


class Pool:
    def __init__(
        self,
        candidates: Iterable[Candidate],
        now: datetime,
        weights: TrendingWeights,
        org_aliases: Mapping[str, str] | None = None,
    ) -> None:
        """``org_aliases`` maps every organization alias key to its canonical handle's key
        (``store.organizations.alias_keys``): following "Google DeepMind" finds papers under ``deepmind``."""
        self.org_aliases = org_aliases or {}
        self.by_id: dict[int, Candidate] = {}
        scored: list[tuple[float, int, str]] = []
        self.categories: dict[str, list[int]] = defaultdict(list)
        self.orgs: dict[str, list[int]] = defaultdict(list)
        self.authors: dict[str, list[int]] = defaultdict(list)
        self.index: dict[str, set[int]] = defaultdict(set)
        for cand in candidates:
            paper, pid = cand.view.paper, cand.view.paper_id
            self.by_id[pid] = cand
            signals = Signals(
                cand.view.upvotes, cand.view.num_comments, paper.github_stars or 0, cand.featured_at
            )
            score = trending_score(signals, now, weights)
            scored.append((score.value, pid, score.why))
            for cat in paper.categories or ([paper.primary_category] if paper.primary_category else []):
                self.categories[cat.lower()].append(pid)
            if paper.organization:
                org, source = paper.organization, paper.organization.source
                names = {
                    org.name,
                    org.fullname,
                    source.name if source else None,
                    source.fullname if source else None,
                }
                for k in {key(name) for name in names if name}:
                    self.orgs[k].append(pid)
            for author in paper.authors:
                if author.name and not author.hidden:
                    self.authors[author.name.lower()].append(pid)
            for word in set(words(f"{paper.title} {paper.abstract}")):
                self.index[word].add(pid)
        scored.sort(key=lambda t: (-t[0], t[1]))
        self.trending = scored
        self.rank = {pid: i for i, (_, pid, _) in enumerate(scored)}
        self.score = {pid: value for value, pid, _ in scored}
        self.why = {pid: why for _, pid, why in scored}
        top = max((s for s, _, _ in scored), default=1.0) or 1.0
        self.norm = {pid: value / top for value, pid, _ in scored}

    def __len__(self) -> int:
        return len(self.by_id)

    def trending_reason(self, pid: int) -> str:
        cat = self.by_id[pid].view.paper.primary_category
        where = f" in {cat}" if cat else ""
        return f"#{self.rank[pid] + 1} trending{where}: {self.why[pid]}"

    def trending_picks(self, exclude: set[int], n: int) -> list[Pick]:
        picks: list[Pick] = []
        for _value, pid, _ in self.trending:
            if len(picks) >= n:
                break
            if pid not in exclude:
                picks.append(Pick(pid, self.trending_reason(pid), self.norm[pid]))
        return picks

    def followed(self, follows: dict, exclude: set[int], limit: int = 50) -> list[Pick]:
        """Papers matching what a reader follows, best trending first, each with the first rule it matched."""
        reasons: dict[int, str] = {}

        def add(pids: Iterable[int], reason: str) -> None:
            for pid in pids:
                if pid not in exclude and pid not in reasons:
                    reasons[pid] = reason

        for query in follows.get("searches") or []:
            terms = words(query)
            if terms:
                sets = [self.index.get(t, set()) for t in terms]
                add(set.intersection(*sets), f"matches your search '{query}'")
        for author in follows.get("authors") or []:
            add(self.authors.get(author.lower(), []), f"by {author}, an author you follow")
        for org in follows.get("organizations") or []:
            k = key(org)
            found = self.orgs.get(self.org_aliases.get(k, k)) or self.orgs.get(k, [])
            add(found, f"from {org}, an organization you follow")
        for cat in follows.get("categories") or []:
            add(self.categories.get(cat.lower(), []), f"new in {cat}, a category you follow")
        ordered = heapq.nsmallest(limit, reasons, key=self.rank.__getitem__)
        return [Pick(pid, reasons[pid], self.norm[pid], "follow") for pid in ordered]


Recommender = Callable[[int, set[int], int], list[Pick]]


def choose(
    pool: Pool,
    follows: dict | None,
    exclude: set[int],
    limit: int,
    recommend: Recommender | None = None,
    user_id: int | None = None,
) -> list[Pick]:
    """A subscriber's picks: followed topics, then personal recommendations, then trending to fill up.

    With recommendations on, followed topics take at most 60 % of the places, so a broad saved search cannot
    crowd out the personal picks; places nobody else fills go back to followed topics.
    """
    if not follows and user_id is None:
        return pool.trending_picks(exclude, limit)
    follows = follows or {}
    recommending = recommend is not None and user_id is not None and follows.get("recommend", True)
    matched = pool.followed(follows, exclude, limit)
    chosen = matched[: -(-limit * 3 // 5)] if recommending else matched
    taken = exclude | {p.paper_id for p in chosen}
    if recommending and len(chosen) < limit:
        extra = recommend(user_id, taken, limit - len(chosen))  # type: ignore[misc,arg-type]
        chosen += extra
        taken |= {p.paper_id for p in extra}
    rest = [p for p in matched if p.paper_id not in taken]
    chosen += rest[: limit - len(chosen)]
    if len(chosen) < limit:
        chosen += pool.trending_picks(taken | {p.paper_id for p in rest}, limit - len(chosen))
    return chosen
