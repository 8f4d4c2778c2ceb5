"""Personal recommendations as pure functions: a profile of weighted papers, new papers scored by similarity
to it and blended with trending, diversified, each with the sentence that explains it.

Two similarity spaces, one interface: stored sentence embeddings when the search issue has computed them
(``DenseSpace``), else TF-IDF over the candidates' words (``KeywordSpace``), so recommendations work on a
fresh install too. A profile item's weight decays with age (recent library items weigh more); "not
interested" items weigh negative and push similar papers down.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

KIND_WEIGHT = {"saved": 1.5, "upvote": 1.0, "imported": 1.0, "not_interested": -1.0}
VERB = {"saved": "saved", "upvote": "upvoted", "imported": "have in your library"}
HALF_LIFE_DAYS = 120.0
WORD = re.compile(r"[a-z][a-z0-9]{2,}")
STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "are",
        "our",
        "which",
        "their",
        "these",
        "have",
        "has",
        "been",
        "can",
        "using",
        "use",
        "into",
        "than",
        "its",
        "also",
        "not",
        "but",
        "such",
        "more",
        "while",
        "both",
        "over",
        "between",
        "via",
        "only",
        "other",
        "when",
        "how",
        "what",
        "where",
        "each",
        "most",
        "may",
        "show",
        "shows",
        "paper",
        "propose",
        "proposed",
        "approach",
        "method",
        "methods",
        "results",
        "based",
        "new",
        "two",
        "one",
    ]
)


@dataclass(frozen=True, slots=True)
class ProfileItem:
    title: str
    kind: str  # saved | upvote | imported | not_interested
    weight: float
    vector: np.ndarray | None = None  # dense space
    text: str = ""  # keyword space


@dataclass(frozen=True, slots=True)
class Recommendation:
    index: int  # into the candidate list
    score: float
    reason: str


def item_weight(kind: str, added: datetime | None, now: datetime) -> float:
    """The kind's weight, halved every ``HALF_LIFE_DAYS`` of age: recent interests count for more."""
    base = KIND_WEIGHT.get(kind, 1.0)
    if added is None:
        return base * 0.5
    age = max(0.0, (now - added).total_seconds() / 86400)
    return base * 0.5 ** (age / HALF_LIFE_DAYS)


def tokens(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


class DenseSpace:
    """Candidates as L2-normalised embedding rows."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix.astype(np.float32)

    def sims(self, item: ProfileItem) -> np.ndarray | None:
        return None if item.vector is None else self.matrix @ item.vector.astype(np.float32)

    def sims_many(self, items: Sequence[ProfileItem]) -> tuple[list[int], np.ndarray]:
        """(indices of items with a vector, their similarity to every candidate): one matrix product."""
        rows = [i for i, item in enumerate(items) if item.vector is not None]
        if not rows:
            return [], np.zeros((0, len(self.matrix)), dtype=np.float32)
        stacked = np.stack([items[i].vector for i in rows]).astype(np.float32)  # type: ignore[misc]
        return rows, stacked @ self.matrix.T

    def pairwise(self) -> np.ndarray:
        return self.matrix @ self.matrix.T


class KeywordSpace:
    """TF-IDF over the candidates' vocabulary; a profile text only matters through words candidates use."""

    def __init__(self, texts: Sequence[str]) -> None:
        docs = [Counter(tokens(t)) for t in texts]
        df = Counter(w for d in docs for w in d)
        self.vocab = {w: i for i, w in enumerate(sorted(df))}
        n = max(len(docs), 1)
        self.idf = np.array([math.log((1 + n) / (1 + df[w])) + 1 for w in sorted(df)], dtype=np.float32)
        matrix = np.zeros((len(docs), len(self.vocab)), dtype=np.float32)
        for row, doc in enumerate(docs):
            for word, count in doc.items():
                matrix[row, self.vocab[word]] = (1 + math.log(count)) * self.idf[self.vocab[word]]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.matrix = matrix / np.where(norms == 0, 1, norms)

    def sims(self, item: ProfileItem) -> np.ndarray | None:
        counts = Counter(w for w in tokens(item.text) if w in self.vocab)
        if not counts:
            return None
        idx = np.fromiter((self.vocab[w] for w in counts), dtype=np.int64, count=len(counts))
        weights = np.fromiter(
            ((1 + math.log(c)) for c in counts.values()), dtype=np.float32, count=len(counts)
        )
        weights *= self.idf[idx]
        weights /= np.linalg.norm(weights)
        return self.matrix[:, idx] @ weights

    def pairwise(self) -> np.ndarray:
        return self.matrix @ self.matrix.T

    def sims_many(self, items: Sequence[ProfileItem]) -> tuple[list[int], np.ndarray]:
        rows, found = [], []
        for i, item in enumerate(items):
            sims = self.sims(item)
            if sims is not None:
                rows.append(i)
                found.append(sims)
        return rows, np.stack(found) if found else np.zeros((0, len(self.matrix)), dtype=np.float32)


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def recommend(
    space: DenseSpace | KeywordSpace,
    profile: Sequence[ProfileItem],
    trending: np.ndarray,
    allowed: np.ndarray,
    k: int,
    trending_weight: float = 0.3,
    pairwise: np.ndarray | None = None,
    shortlist: int = 50,
    sims: tuple[list[int], np.ndarray] | None = None,
) -> list[Recommendation]:
    """Up to ``k`` candidates (indices where ``allowed``), most relevant first after diversification.

    relevance = (1 − t) × (best weighted similarity to a liked item − disliked similarity) + t × trending,
    where ``trending`` is each candidate's trending score scaled to [0, 1]. ``sims`` may bring the profile's
    similarities precomputed (``sims_many``), for instance for many readers in one matrix product.
    """
    n = len(allowed)
    rows, scored = sims if sims is not None else space.sims_many(profile)
    if not rows:
        return []
    weights = np.array([profile[i].weight for i in rows], dtype=np.float32)
    liked, disliked = weights > 0, weights < 0
    dislike = np.zeros(n, dtype=np.float32)
    if disliked.any():
        dislike = (scored[disliked] * -weights[disliked, None]).max(axis=0)
    if not liked.any():
        return []
    weighted = scored[liked] * np.minimum(weights[liked], 1.5)[:, None]
    winner = weighted.argmax(axis=0)
    best = weighted[winner, np.arange(n)]
    source = np.asarray(rows)[liked][winner]
    relevance = (1 - trending_weight) * (np.maximum(best, 0) - 0.5 * dislike) + trending_weight * trending
    relevance = np.where(allowed, relevance, -np.inf)
    ranked = np.argsort(-relevance)[:shortlist]
    top = ranked[np.isfinite(relevance[ranked])].tolist()
    if not top:
        return []
    between = pairwise[np.ix_(top, top)] if pairwise is not None else space.pairwise()[np.ix_(top, top)]
    from paperboy.rank.diversity import mmr

    order = mmr([float(relevance[i]) for i in top], between, k)
    picks = []
    for j in order:
        index = top[j]
        item = profile[int(source[index])]
        reason = f"close to “{_short(item.title)}”, which you {VERB.get(item.kind, 'liked')}"
        if trending[index] >= 0.75:
            reason += "; also trending"
        picks.append(Recommendation(index, float(relevance[index]), reason))
    return picks
