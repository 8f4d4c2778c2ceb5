"""Personal recommendations as pure functions: a library split into interests, new papers scored against
each interest on semantic and keyword evidence, a relevance floor, diversified, each with the sentence that
explains it.

Two similarity spaces, one interface: stored sentence embeddings when the search issue has computed them
(``DenseSpace``), else TF-IDF over the candidates' words (``KeywordSpace``), so recommendations work on a
fresh install too. BM25 more-like-this over the library's and each interest's own text, word pairs
included and terms weighted by how many library papers use them (``KeywordEvidence``), is added to either
and carries most of the score. A profile item's weight decays with age (recent library items weigh
more); "not interested" items weigh negative and push papers close to them down.
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
from paperboy.rank.keyword_evidence import Bag, KeywordEvidence

KIND_WEIGHT = {"saved": 1.5, "upvote": 1.0, "imported": 1.0, "not_interested": -1.0}
VERB = {"saved": "saved", "upvote": "upvoted", "imported": "have in your library"}
HALF_LIFE_DAYS = 120.0
WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOP_WORDS = (
    "the and for with that this from are our which their these have has been can using use into "
    "than its also not but such more while both over between via only other when how what where "
    "each most may show shows paper propose proposed approach method methods results based new "
    "two one"
)
STOP = frozenset(_STOP_WORDS.split())


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

    # Mean MiniLM cosine to an interest below which a paper is off-topic whatever words it shares.
    floor = 0.2

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

    floor = 0.05  # TF-IDF cosines run far lower than sentence-embedding ones

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


TITLE_BOOST = 3  # a library paper's title words count this many times in its more-like-this query
DENSE_WEIGHT = 0.2  # the interest's mean cosine, added to its keyword evidence (which runs 0..2)
KEYWORD_FLOOR = 0.5  # keyword evidence (whole library + interest, each scaled to the best match) to clear
DISLIKE_MARGIN = 0.5  # how hard a paper close to something marked "not interested" is pushed down
TRENDING_SCALE = 0.2  # trending only breaks ties among relevant papers: at most 0.2 × the trending weight
MMR_LAMBDA = 0.7  # relevance against variety in the final order (rank.diversity)
TRENDING_SHARE = 0.25  # "trending" is named in a reason only when it made up this share of the score


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


def _interest_vectors(
    space: DenseSpace | KeywordSpace,
    profile: Sequence[ProfileItem],
    items: list[int],
    scored: np.ndarray,
    row_of: dict[int, int],
) -> list[np.ndarray | None]:
    """What to cluster liked items by: their embedding, or (keyword space) their similarity to every
    candidate, which puts items about the same subject close together too; None for items with neither."""
    if isinstance(space, DenseSpace):
        return [profile[i].vector for i in items]
    return [scored[row_of[i]] if i in row_of else None for i in items]


def _query_text(item: ProfileItem) -> str:
    """A library item's part of a more-like-this query: its title (boosted) and abstract."""
    return f"{(item.title + ' ') * TITLE_BOOST}{item.text}"


def _named(
    index: int,
    members: list[int],
    closest: int,
    keyword: KeywordEvidence | None,
    bags: dict[int, Bag],
    scored: np.ndarray,
    row_of: dict[int, int],
) -> int:
    """The library item a pick's reason names: of the interest that chose the pick, the item it is most like
    in words (its BM25 score for that item alone, scaled by the best item's) plus in meaning (cosine).
    Meaning alone named an item of the reader's other topic in two-topic libraries whose interests merged."""
    if keyword is None or len(members) == 1:
        return closest
    words = keyword.each(index, [bags[m] for m in members])
    top = float(words.max())
    cos = np.array([scored[row_of[m], index] if m in row_of else 0.0 for m in members], dtype=np.float32)
    return members[int(np.argmax((words / top if top > 0 else words) + cos))]


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

    Liked items are clustered into interests (``rank.interests``). A candidate's score for an interest is
    BM25 more-like-this evidence for the whole library plus for the interest alone (each a consensus query,
    scaled so the best allowed candidate scores 1), plus ``DENSE_WEIGHT`` × its mean similarity to the
    interest's items; it takes its best interest, and must clear both ``KEYWORD_FLOOR`` and the space's
    similarity floor. On simulated readers BM25 evidence was the sharper signal (bench/RESULTS.md), so
    similarity mostly guards the floor and helps name the library paper behind a pick (``_named``).
    Trending adds at most ``TRENDING_SCALE`` × the trending weight: it orders relevant papers and never lets
    an off-topic one in. ``sims`` may bring the profile's similarities precomputed (``sims_many``), for
    instance for many readers in one matrix product.
    """
    n = len(allowed)
    rows, scored = sims if sims is not None else space.sims_many(profile)
    row_of = {item: r for r, item in enumerate(rows)}
    liked = [i for i, item in enumerate(profile) if item.weight > 0]
    if not liked or not (keyword or any(i in row_of for i in liked)):
        return []
    bags = (
        dict(zip(liked, keyword.bags([_query_text(profile[i]) for i in liked]), strict=True))
        if keyword
        else {}
    )

    def evidence(members: list[int]) -> np.ndarray:
        """Keyword evidence of these items together (``KeywordEvidence.consensus``)."""
        weights = [min(profile[m].weight, 1.5) for m in members]
        return keyword.consensus([bags[m] for m in members], weights, allowed)  # type: ignore[union-attr]

    whole = evidence(liked) if keyword else None
    topical = np.full(n, -np.inf, dtype=np.float32)
    source = np.zeros(n, dtype=np.int64)
    interest = np.zeros(n, dtype=np.int64)
    vectors = _interest_vectors(space, profile, liked, scored, row_of)
    groups = [[liked[g] for g in group] for group in cluster(vectors)]
    for number, members in enumerate(groups):
        with_rows = [m for m in members if m in row_of]
        if not with_rows and keyword is None:
            continue
        if with_rows:
            weights = np.array([min(profile[m].weight, 1.5) for m in with_rows], dtype=np.float32)
            block = scored[[row_of[m] for m in with_rows]]
            dense = (block * weights[:, None]).sum(axis=0) / weights.sum()
            closest = np.asarray(with_rows)[block.argmax(axis=0)]
            near = dense >= space.floor
        else:  # an imported title we do not hold: keyword evidence alone
            dense, closest, near = np.zeros(n, np.float32), np.full(n, members[0]), np.ones(n, bool)
        if keyword is not None:
            both = whole + evidence(members)  # type: ignore[operator]
            score = np.where(near & (both >= KEYWORD_FLOOR), both + DENSE_WEIGHT * dense, -np.inf)
        else:
            score = np.where(near, dense, -np.inf)
        better = score > topical
        topical = np.where(better, score, topical)
        source = np.where(better, closest, source)
        interest = np.where(better, number, interest)
    disliked = [row_of[i] for i, item in enumerate(profile) if item.weight < 0 and i in row_of]
    if disliked:
        strength = -np.array([profile[rows[r]].weight for r in disliked], dtype=np.float32)
        push = (scored[disliked] * strength[:, None]).max(axis=0)
        topical = topical - DISLIKE_MARGIN * np.maximum(push - space.floor, 0)
    boost = TRENDING_SCALE * trending_weight * trending
    relevance = np.where(allowed & np.isfinite(topical), topical + boost, -np.inf)
    ranked = np.argsort(-relevance, kind="stable")[:shortlist]
    top = ranked[np.isfinite(relevance[ranked])].tolist()
    if not top:
        return []
    between = pairwise[np.ix_(top, top)] if pairwise is not None else space.pairwise()[np.ix_(top, top)]
    order = mmr([float(relevance[i]) for i in top], between, k, MMR_LAMBDA)
    picks = []
    for j in order:
        index = top[j]
        item = profile[
            _named(index, groups[int(interest[index])], int(source[index]), keyword, bags, scored, row_of)
        ]
        reason = f"close to “{_short(item.title)}”, which you {VERB.get(item.kind, 'liked')}"
        if boost[index] >= TRENDING_SHARE * relevance[index]:
            reason += "; also trending now"
        picks.append(Recommendation(index, float(relevance[index]), reason))
    return picks
