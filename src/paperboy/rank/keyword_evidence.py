"""BM25 more-like-this over one window's candidates: the keyword half of a recommendation's evidence.

Sentence embeddings know that "KV cache eviction" and "attention-state pruning" are related but blur
specific terms; BM25 over the library papers' own words is sharp on exactly those terms. On topic-profile
readers a plain BM25 more-like-this is a strong baseline, so recommendations use it as evidence next to the
embeddings rather than competing with it.

Two things make it sharper than a plain more-like-this (bench/RESULTS.md; chosen on half the simulated
readers, checked on the other half):

- Word pairs. Each text is indexed as its words plus each pair of neighbouring words ("kv_cache",
  "speech_synthesis"), so a paper that says "KV cache" outranks one that says "cache" here and "KV" there.
- Consensus. A library is several papers; the words several of them use say what the reader follows, while
  a word one paper repeats says what that one paper is about. A term's query weight is its count over the
  library papers times the number of those papers that use it, so a term found in all five papers weighs
  five times more than the same count from one paper. Nothing in it is fitted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from scipy.sparse import csc_matrix

PAIRS = True  # index and query neighbouring word pairs too
CONSENSUS = True  # weigh a library term by how many library papers use it
BAGS_KEPT = 20_000  # library texts whose bags a window keeps (about 2 KB each)


def terms(texts: Sequence[str]) -> list[list[str]]:
    """Each text's lower-cased words without English stop words, then (``PAIRS``) each pair of neighbouring
    words."""
    if not texts:
        return []
    found = bm25s.tokenize(list(texts), stopwords="en", return_ids=False, show_progress=False)
    if not PAIRS:
        return found
    return [words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)] for words in found]


@dataclass(frozen=True, slots=True)
class Bag:
    """One text's terms that candidates use: their columns in the index and how often the text has each."""

    columns: np.ndarray
    counts: np.ndarray


class KeywordEvidence:
    """A BM25 index over candidate texts, built once per window and queried once per reader interest."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self.vocab: dict[str, int] = {}
        self.matrix = csc_matrix((self.size, 0), dtype=np.float32)
        docs = terms(texts)
        if any(docs):  # bm25s cannot index a window whose papers have no words at all
            retriever = bm25s.BM25()
            retriever.index(docs, show_progress=False)
            self.vocab = retriever.vocab_dict
            index = retriever.scores
            # bm25s keeps each term's precomputed scores column by column: a sparse matrix as it stands.
            self.matrix = csc_matrix(
                (index["data"], index["indices"], index["indptr"]),
                shape=(self.size, len(index["indptr"]) - 1),
            )
        self.rows = self.matrix.tocsr()  # one candidate's scores, for naming the library paper behind a pick
        self._bags: dict[str, Bag] = {}

    def bags(self, texts: Sequence[str]) -> list[Bag]:
        """The texts as bags of the terms candidates use (tokenised together: one call for many texts).

        Each text's bag is kept for the window: readers' libraries share papers, and tokenising the same
        abstracts again for every reader was half the cost of a digest."""
        missing = [text for text in dict.fromkeys(texts) if text not in self._bags]
        made: dict[str, Bag] = {}
        for text, words in zip(missing, terms(missing), strict=True):
            counted = Counter(self.vocab[w] for w in words if w in self.vocab)
            made[text] = Bag(
                np.fromiter(counted.keys(), dtype=np.int64, count=len(counted)),
                np.fromiter(counted.values(), dtype=np.float32, count=len(counted)),
            )
            if len(self._bags) < BAGS_KEPT:
                self._bags[text] = made[text]
        return [made[text] if text in made else self._bags[text] for text in texts]

    def scores(self, text: str, among: np.ndarray | None = None) -> np.ndarray:
        """Each candidate's BM25 score for ``text`` as a query, scaled so the best candidate ``among`` those
        allowed scores 1 (the library's own papers, which match themselves best, do not set the scale)."""
        return self.consensus(self.bags([text]), [1.0], among)

    def consensus(
        self, bags: Sequence[Bag], weights: Sequence[float], among: np.ndarray | None = None
    ) -> np.ndarray:
        """BM25 more-like-this for several library texts at once, scaled as in ``scores``: a term's query
        weight is its (weighted) count over the texts times (``CONSENSUS``) the (weighted) number of texts
        that use it."""
        if not self.size or not bags:
            return np.zeros(self.size, dtype=np.float32)
        columns = np.concatenate([b.columns for b in bags])
        count = np.concatenate([b.counts * w for b, w in zip(bags, weights, strict=True)])
        spread = np.concatenate(
            [np.full(len(b.columns), w, dtype=np.float32) for b, w in zip(bags, weights, strict=True)]
        )
        used, at = np.unique(columns, return_inverse=True)
        if not len(used):
            return np.zeros(self.size, dtype=np.float32)
        weight = np.bincount(at, weights=count, minlength=len(used))
        if CONSENSUS:
            weight *= np.bincount(at, weights=spread, minlength=len(used))
        raw = np.asarray(self.matrix[:, used] @ weight.astype(np.float32), dtype=np.float32)
        top = float(raw[among].max()) if among is not None and among.any() else float(raw.max())
        return raw / top if top > 0 else raw

    def each(self, candidate: int, bags: Sequence[Bag]) -> np.ndarray:
        """One candidate's BM25 score for each text apart (which library paper is it most like in words)."""
        row = self.rows[candidate]
        found = np.zeros(len(bags), dtype=np.float32)
        if not row.nnz:
            return found
        for i, bag in enumerate(bags):
            at = np.searchsorted(row.indices, bag.columns)
            hit = (at < row.nnz) & (row.indices[np.minimum(at, row.nnz - 1)] == bag.columns)
            found[i] = float(row.data[at[hit]] @ bag.counts[hit])
        return found
