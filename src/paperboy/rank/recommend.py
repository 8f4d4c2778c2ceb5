"""Personal recommendations as pure functions: a library split into interests, new papers scored against
each interest on semantic and keyword evidence, a relevance floor, diversified, each with the sentence that
explains it.

Two similarity spaces, one interface: stored sentence embeddings when the search issue has computed them
(``DenseSpace``), else TF-IDF over the candidates' words (``KeywordSpace``), so recommendations work on a
fresh install too. BM25 more-like-this over each interest's own text (``KeywordEvidence``) is added to
either. A profile item's weight decays with age (recent library items weigh more); "not interested" items
weigh negative and push papers close to them down.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from paperboy.rank.diversity import mmr
from paperboy.rank.interests import cluster
from paperboy.rank.keyword_evidence import KeywordEvidence

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

    # MiniLM cosine an interest must reach (with the keyword bonus) for a paper to be picked at all.
    floor = 0.4

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

    floor = 0.3  # TF-IDF cosines run lower than sentence-embedding ones

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


KEYWORD_WEIGHT = 0.3  # the best BM25 match of an interest adds this much to its cosine
KEYWORD_ONLY_FLOOR = 0.6  # an interest without a vector needs a BM25 match this close to its best one
DISLIKE_MARGIN = 0.5  # how hard a paper close to something marked "not interested" is pushed down
TRENDING_SHARE = 0.25  # "trending" is named in a reason only when it made up this share of the score


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def _interest_vectors(
    space: DenseSpace | KeywordSpace, profile: Sequence[ProfileItem], items: list[int], scored: np.ndarray
) -> list[np.ndarray | None]:
    """What to cluster liked items by: their embedding, or (keyword space) their similarity to every
    candidate, which puts items about the same subject close together too."""
    if isinstance(space, DenseSpace):
        return [profile[i].vector for i in items]
    return list(scored)


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
    keyword: KeywordEvidence | None = None,
) -> list[Recommendation]:
    """Up to ``k`` candidates (indices where ``allowed``), most relevant first after diversification; fewer
    when not enough candidates clear the relevance floor.

    Liked items are clustered into interests (``rank.interests``). For each interest, topical score =
    mean similarity of its items + ``KEYWORD_WEIGHT`` × BM25 more-like-this over its items' text (scaled to
    the window's best match); a candidate takes its best interest's score and must reach ``space.floor``.
    relevance = (1 − t) × topical + t × trending among those that clear it, so trending breaks ties between
    relevant papers and never lets an off-topic one in. ``sims`` may bring the profile's similarities
    precomputed (``sims_many``), for instance for many readers in one matrix product.
    """
    n = len(allowed)
    rows, scored = sims if sims is not None else space.sims_many(profile)
    liked_rows = [r for r, i in enumerate(rows) if profile[i].weight > 0]
    liked_texts = [i for i, item in enumerate(profile) if item.weight > 0 and i not in rows]
    if not liked_rows and not (keyword and liked_texts):
        return []
    topical = np.full(n, -np.inf, dtype=np.float32)
    source = np.zeros(n, dtype=np.int64)
    liked_items = [rows[r] for r in liked_rows]
    groups = cluster(_interest_vectors(space, profile, liked_items, scored[liked_rows]))
    for group in groups:
        members = [liked_rows[g] for g in group]
        weights = np.array([min(profile[rows[r]].weight, 1.5) for r in members], dtype=np.float32)
        dense = (scored[members] * weights[:, None]).sum(axis=0) / weights.sum()
        text = " ".join(profile[rows[r]].text or profile[rows[r]].title for r in members)
        evidence = keyword.scores(text, allowed) if keyword else np.zeros(n, dtype=np.float32)
        score = np.where(
            dense + KEYWORD_WEIGHT * evidence >= space.floor, dense + KEYWORD_WEIGHT * evidence, -np.inf
        )
        closest = np.asarray(members)[scored[members].argmax(axis=0)]
        better = score > topical
        topical = np.where(better, score, topical)
        source = np.where(better, np.asarray(rows)[closest], source)
    for i in liked_texts if keyword else []:  # imported titles we do not hold: keyword evidence alone
        evidence = keyword.scores(profile[i].text or profile[i].title, allowed)  # type: ignore[union-attr]
        score = np.where(evidence >= KEYWORD_ONLY_FLOOR, space.floor + KEYWORD_WEIGHT * evidence, -np.inf)
        better = score > topical
        topical = np.where(better, score, topical)
        source = np.where(better, i, source)
    disliked = [r for r, i in enumerate(rows) if profile[i].weight < 0]
    if disliked:
        push = (scored[disliked] * -np.array([profile[rows[r]].weight for r in disliked])[:, None]).max(
            axis=0
        )
        topical = topical - DISLIKE_MARGIN * np.maximum(push - space.floor, 0)
    relevance = (1 - trending_weight) * topical + trending_weight * trending
    relevance = np.where(allowed & np.isfinite(topical), relevance, -np.inf)
    ranked = np.argsort(-relevance, kind="stable")[:shortlist]
    top = ranked[np.isfinite(relevance[ranked])].tolist()
    if not top:
        return []
    between = pairwise[np.ix_(top, top)] if pairwise is not None else space.pairwise()[np.ix_(top, top)]
    order = mmr([float(relevance[i]) for i in top], between, k)
    picks = []
    for j in order:
        index = top[j]
        item = profile[int(source[index])]
        reason = f"close to “{_short(item.title)}”, which you {VERB.get(item.kind, 'liked')}"
        if trending_weight * trending[index] >= TRENDING_SHARE * relevance[index]:
            reason += "; also trending now"
        picks.append(Recommendation(index, float(relevance[index]), reason))
    return picks
