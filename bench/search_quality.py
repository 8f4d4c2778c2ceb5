"""paperboy's own search engines measured by the shared quality harness (bench/search/quality.py).

The harness owns the data, the metrics and the bm25s baseline; this file only wraps paperboy's code in the
harness's `Ranker` shape: the real tantivy `KeywordIndex` (same schema, analyzer and weights as the server),
the real faiss `VectorIndex`, and the real fusion and more-like-this code. Vectors come from the harness's
MiniLM cache (bench/out/), the same packaged model the server uses.

    .venv/bin/python bench/search_quality.py                 # bm25s + keyword, semantic, hybrid, similar
    .venv/bin/python bench/search_quality.py tune            # fit fusion weights on the tuning halves

`tune` fits the search fusion on the even lines of paraphrases.jsonl and reports the odd lines, and fits the
similar-papers fusion on CSFCube's fold1 dev queries and reports its fold1 test queries.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search.corpus import load_hf_daily  # noqa: E402
from bench.search.csfcube import load_csfcube  # noqa: E402
from bench.search.rankers import EmbeddingCache, minilm_ranker  # noqa: E402

from paperboy.search.hybrid import DEFAULT, SIMILAR, Fusion, fuse  # noqa: E402
from paperboy.search.keyword import Filters, KeywordIndex  # noqa: E402
from paperboy.search.neighbours import neighbours  # noqa: E402
from paperboy.search.query import parse  # noqa: E402
from paperboy.search.searcher import SEMANTIC_DEPTH  # noqa: E402
from paperboy.search.text import paper_text  # noqa: E402
from paperboy.search.vectors import VectorIndex  # noqa: E402
from paperboy.store.embeddings import IndexRow  # noqa: E402

_CACHE: list[EmbeddingCache] = []


def cache() -> EmbeddingCache:
    """One MiniLM model and embedding cache for every ranker of the run."""
    if not _CACHE:
        _CACHE.append(minilm_ranker().cache)
    return _CACHE[0]


def _fields() -> dict[str, tuple[str, str]]:
    """text -> (title, abstract) for every document the harness may index (hf_daily and CSFCube pools)."""
    found = {p.text: (p.title, p.abstract) for p in load_hf_daily()}
    for query in load_csfcube():
        for c in query.candidates:
            found[c.text] = (c.title, c.abstract)
    return found


class PaperboyRanker:
    """Builds a KeywordIndex (and a VectorIndex) over the harness's documents; ``kind`` picks the ranking."""

    def __init__(self, kind: str, fusion: Fusion | None = None) -> None:
        self.kind = kind
        self.fusion = fusion or (SIMILAR if kind == "similar" else DEFAULT)
        self.name = f"paperboy-{kind}"
        self._fields = _fields()
        self._tmp = tempfile.TemporaryDirectory(prefix="pb-quality-")
        self._generation = 0

    def index(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self._generation += 1
        self.keyword = KeywordIndex(Path(self._tmp.name) / str(self._generation))
        self.ids = list(ids)
        self.texts = list(texts)
        rows = []
        for number, text in enumerate(texts):
            title, abstract = self._fields.get(text, ("", text))
            rows.append(
                IndexRow(number, str(ids[number]), title, abstract, [], [], None, None, None, 0, False)
            )
        self.keyword.upsert(rows)
        self.vectors = None
        if self.kind != "keyword":
            matrix = cache().get([paper_text(*self._fields.get(t, ("", t))) for t in texts])
            self.vectors = VectorIndex(matrix.shape[1])
            self.vectors.build(np.arange(len(texts)), matrix.astype(np.float32), 0)

    def lists(self, query: str, depth: int) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The keyword and semantic candidate lists the server would fuse for ``query``."""
        parsed = parse(query)
        built = self.keyword.build_query(parsed, Filters())
        kw = self.keyword.search(built, depth)[0] if built is not None else []
        sem: list[tuple[int, float]] = []
        if self.vectors is not None and parsed.text:
            sem = self.vectors.search(cache().get([parsed.text])[0], max(depth, SEMANTIC_DEPTH))
        return kw, sem

    def search(self, queries: Sequence[str], k: int) -> list[list[str]]:
        results = []
        for query in queries:
            if self.kind == "similar":
                title, abstract = self._fields.get(query, ("", query))
                vector = cache().get([paper_text(title, abstract)])[0]
                ranked = [
                    p for p, *_ in neighbours(self.keyword, self.vectors, title, abstract, vector, None, k)
                ]
            else:
                kw, sem = self.lists(query, max(k, SEMANTIC_DEPTH))
                chosen = {"keyword": kw, "semantic": sem}.get(self.kind)
                ranked = [p for p, _ in (chosen if chosen is not None else fuse(kw, sem, self.fusion))]
            results.append([self.ids[p] for p in ranked[:k]])
        return results


def keyword() -> PaperboyRanker:
    return PaperboyRanker("keyword")


def semantic() -> PaperboyRanker:
    return PaperboyRanker("semantic")


def hybrid() -> PaperboyRanker:
    return PaperboyRanker("hybrid")


def similar() -> PaperboyRanker:
    return PaperboyRanker("similar")


def main(argv: list[str]) -> int:
    if argv[:1] == ["tune"]:
        from bench.search_tune import tune

        return tune(argv[1:])
    from bench.search.quality import main as harness

    rankers = ["keyword", "semantic", "hybrid", "similar"]
    args = ["--baseline", *[x for name in rankers for x in ("--ranker", f"bench.search_quality:{name}")]]
    return harness(args + argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
