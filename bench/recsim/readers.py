"""Simulated readers for the recommendation bench: one per topic (and mixed two-topic readers), each with an
evaluation window and the on-topic rule that judges picks.

The rules (see topics.py) were written before any recommender's output was looked at:

- window: the most recent 30-day span (stepping back a week at a time from the corpus's last day, ending no
  more than ``LOOKBACK_DAYS`` before it) holding at least ten on-topic papers, so a perfect recommender can
  fill all ten places; topics with no such span are reported as skipped. The look-back keeps every reader
  on the same few months of papers, which bounds what the bench must embed.
- library: the five most recent papers before the window whose title matches the topic.
- a mixed reader takes the libraries of two topics (ten papers) and the first topic's window; a pick is
  relevant when it is on either topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bench.recsim.topics import TOPICS, Topic
from bench.search.corpus import Paper

WINDOW_DAYS = 30
MIN_RELEVANT = 10
LIBRARY_SIZE = 5
LOOKBACK_DAYS = 120


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    topics: tuple[Topic, ...]
    start: date
    end: date
    library: tuple[Paper, ...]

    def relevant(self, title: str, abstract: str) -> bool:
        return any(t.on_topic(title, abstract) for t in self.topics)

    def topic_of(self, paper_id: str) -> Topic:
        """The topic a library paper was chosen for."""
        for topic, paper in zip(self._owners(), self.library, strict=True):
            if paper.id == paper_id:
                return topic
        raise KeyError(paper_id)

    def _owners(self) -> list[Topic]:
        per = len(self.library) // len(self.topics)
        return [t for t in self.topics for _ in range(per)]


def _single(topic: Topic, corpus: list[Paper]) -> Reader | None:
    on_topic = [p for p in corpus if topic.on_topic(p.title, p.abstract)]
    last = date.fromisoformat(max(p.date for p in corpus))
    end = last
    while end >= last - timedelta(days=LOOKBACK_DAYS):
        start = end - timedelta(days=WINDOW_DAYS - 1)
        inside = [p for p in on_topic if start.isoformat() <= p.date <= end.isoformat()]
        if len(inside) >= MIN_RELEVANT:
            before = sorted(
                (p for p in corpus if p.date < start.isoformat() and topic.in_title(p.title)),
                key=lambda p: (p.date, p.id),
            )
            if len(before) >= LIBRARY_SIZE:
                return Reader(topic.name, (topic,), start, end, tuple(before[-LIBRARY_SIZE:]))
            return None
        end -= timedelta(days=7)
    return None


def build_readers(corpus: list[Paper], mixed: int = 10) -> tuple[list[Reader], list[str]]:
    """(readers, names of skipped topics): every usable topic alone, then ``mixed`` two-topic readers that
    pair neighbouring usable topics."""
    singles, skipped = [], []
    for topic in TOPICS:
        reader = _single(topic, corpus)
        if reader is None:
            skipped.append(topic.name)
        else:
            singles.append(reader)
    pairs = []
    for a, b in zip(singles[0::2], singles[1::2], strict=False):
        if len(pairs) >= mixed:
            break
        pairs.append(
            Reader(f"{a.name} + {b.name}", a.topics + b.topics, a.start, a.end, a.library + b.library)
        )
    return singles + pairs, skipped
