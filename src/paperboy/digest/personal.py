"""Personal recommendations for digests, /for-you, the Atom feed and the personal API: the I/O around
``rank.recommend``.

One ``PoolRecommender`` per window holds the candidates' similarity space (stored embeddings, else TF-IDF),
their pairwise similarities and a BM25 index of their text, built once; per reader it loads the profile
(upvotes, library, "not interested"), scores, diversifies, and leaves out anything this reader was
already recommended.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest.build import Pick, Pool
from paperboy.rank.keyword_evidence import KeywordEvidence
from paperboy.rank.recommend import DenseSpace, KeywordSpace, ProfileItem, item_weight, recommend
from paperboy.store import digests
from paperboy.store import recommendations as rec_store
from paperboy.store.recommendations import Signal

MAX_PROFILE = 200  # the newest signals; older interests have decayed to little anyway
MIN_COVERAGE = 0.8  # embeddings must cover this share of candidates to be used


class PoolRecommender:
    """``repeat`` keeps papers already recommended (a preview shows what would be picked, records nothing)."""

    def __init__(
        self, engine: Engine, settings: Settings, pool: Pool, now: datetime, repeat: bool = False
    ) -> None:
        self.engine, self.settings, self.pool, self.now = engine, settings, pool, now
        self.repeat = repeat
        self.ids = list(pool.by_id)
        self.position = {pid: i for i, pid in enumerate(self.ids)}
        self.trending = np.array([pool.norm[pid] for pid in self.ids], dtype=np.float32)
        with engine.connect() as conn:
            model, vectors = digests.vectors(conn, self.ids)
        self.model = model if self.ids and len(vectors) >= MIN_COVERAGE * len(self.ids) else None
        if self.model is not None:
            dim = len(next(iter(vectors.values()))) // 4
            matrix = np.zeros((len(self.ids), dim), dtype=np.float32)
            for pid, blob in vectors.items():
                matrix[self.position[pid]] = np.frombuffer(blob, dtype="<f4")
            self.space: DenseSpace | KeywordSpace = DenseSpace(matrix)
        texts = [f"{c.view.paper.title}. {c.view.paper.abstract}" for c in pool.by_id.values()]
        if self.model is None:
            self.space = KeywordSpace(texts)
        # Titles twice: a title names a paper's subject, the abstract also its methods and data sets.
        titled = [
            f"{c.view.paper.title} {c.view.paper.title} {c.view.paper.abstract}" for c in pool.by_id.values()
        ]
        self.keyword = KeywordEvidence(titled)
        self.pairwise = self.space.pairwise() if self.ids else np.zeros((0, 0))
        self.profiles: dict[int, tuple[list[ProfileItem], set[int]]] = {}
        self.vector_cache: dict[int, np.ndarray | None] = {}
        self.text_cache: dict[int, str] = {}
        self.sims: dict[int, tuple[list[int], np.ndarray]] = {}

    def prefetch(self, user_ids: Sequence[int]) -> None:
        """Load the profiles of many readers in a few queries (and each profile paper's vector once)."""
        wanted = [u for u in dict.fromkeys(user_ids) if u not in self.profiles]
        if not wanted:
            return
        with self.engine.connect() as conn:
            signals = rec_store.signals_for(conn, wanted)
            seen = rec_store.recommended_for(conn, wanted)
            known = {s.paper_id for u in wanted for s in signals[u][:MAX_PROFILE] if s.paper_id is not None}
            missing = [pid for pid in known if pid not in self.text_cache]
            blobs = digests.vectors_of(conn, self.model, missing) if self.model else {}
            self.vector_cache.update({pid: np.frombuffer(blobs[pid], dtype="<f4") for pid in blobs})
            self.text_cache.update({pid: "" for pid in missing})
            self.text_cache.update(digests.texts(conn, missing))
        for user_id in wanted:
            self.profiles[user_id] = self._profile(signals[user_id][:MAX_PROFILE], seen[user_id])
        if isinstance(self.space, DenseSpace):
            self._batch_sims(wanted)

    def _batch_sims(self, user_ids: list[int]) -> None:
        """Every profile vector of these readers against every candidate in one matrix product: one large
        product is many times faster than a small one per reader."""
        owners: list[tuple[int, list[int]]] = []
        stacked: list[np.ndarray] = []
        for user_id in user_ids:
            rows = [i for i, item in enumerate(self.profiles[user_id][0]) if item.vector is not None]
            owners.append((user_id, rows))
            stacked += [self.profiles[user_id][0][i].vector for i in rows]  # type: ignore[misc]
        if not stacked:
            return
        product = np.stack(stacked).astype(np.float32) @ self.space.matrix.T
        start = 0
        for user_id, rows in owners:
            self.sims[user_id] = (rows, product[start : start + len(rows)])
            start += len(rows)

    def _profile(self, signals: list[Signal], seen: set[int]) -> tuple[list[ProfileItem], set[int]]:
        """(profile items, paper ids never to recommend: already recommended or already in the profile)."""
        items = []
        for s in signals:
            vector = self.vector_cache.get(s.paper_id) if s.paper_id is not None else None
            text = self.text_cache.get(s.paper_id, "") if s.paper_id is not None else ""
            weight = item_weight(s.kind, s.at, self.now)
            items.append(ProfileItem(s.title or s.arxiv_id, s.kind, weight, vector, text or (s.title or "")))
        return items, (set() if self.repeat else seen) | {
            s.paper_id for s in signals if s.paper_id is not None
        }

    def __call__(self, user_id: int, exclude: set[int], n: int) -> list[Pick]:
        if n <= 0 or not self.ids:
            return []
        if user_id not in self.profiles:
            self.prefetch([user_id])
        items, never = self.profiles[user_id]
        if not items:
            return []
        blocked = exclude | never
        allowed = np.ones(len(self.ids), dtype=bool)
        allowed[[self.position[pid] for pid in blocked if pid in self.position]] = False
        weight = self.settings.digest_trending_weight
        sims = self.sims.pop(user_id, None)
        picks = recommend(
            self.space,
            items,
            self.trending,
            allowed,
            n,
            weight,
            self.pairwise,
            sims=sims,
            keyword=self.keyword,
        )
        return [Pick(self.ids[p.index], p.reason, p.score, "recommend") for p in picks]


def recommender_factory(engine: Engine, settings: Settings, now: datetime | None = None):  # type: ignore[no-untyped-def]
    """What ``digest.outbox.plan`` calls once per window."""
    from paperboy.digest.send import utcnow

    def make(pool: Pool, period: str) -> PoolRecommender:
        return PoolRecommender(engine, settings, pool, now or utcnow())

    return make
