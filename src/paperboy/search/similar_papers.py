"""Similar papers for a paper page and ``GET /api/papers/{id}/similar``: stored lists, loaded, with reasons.

Each paper's list (``STORED`` long, with reasons) is computed once and kept in ``paper_neighbours``: by the
index writer's background pass after papers are embedded, or on the first view of a paper that has none
yet. A view afterwards costs two indexed reads. A list is recomputed when the paper's search model changes
(keyword-only before vectors exist, the embedding model after) or when a newly embedded paper lands among
its nearest neighbours (``refresh_pass`` drops the lists it may belong in).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial

import tantivy
from sqlalchemy.exc import IntegrityError

from paperboy.models import PaperView
from paperboy.rank.phrases import Phrase, generic_terms, phrases, shared
from paperboy.rank.similar import Facts, reason
from paperboy.search.neighbours import neighbours
from paperboy.search.service import SearchService
from paperboy.store import embeddings as store
from paperboy.store import neighbours as neighbour_store
from paperboy.store.neighbours import StoredNeighbour

log = logging.getLogger(__name__)
STORED = 50  # the API's largest ``limit``
NEW_PAPER_REACH = 10  # a new paper may enter the lists of this many of its nearest neighbours


@dataclass(slots=True)
class SimilarHit:
    view: PaperView
    score: float
    reason: str
    cosine: float | None


def _tokens(service: SearchService, text: str) -> list[tuple[str, int, int, int]]:
    return [(t.text, t.char_offset_from, t.char_offset_to, t.position) for t in service.keyword.tokens(text)]


def _phrases(service: SearchService, title: str, abstract: str) -> dict[tuple[str, ...], Phrase]:
    """The paper's key phrases, title first (a phrase never runs from the title into the abstract)."""
    tokenize = partial(_tokens, service)
    generic = generic_terms(tokenize)
    found = phrases(abstract, tokenize, generic)
    found.update(phrases(title, tokenize, generic))
    return found


class _PhraseCounts:
    """How many papers use a phrase (a phrase query's count), remembered across lists."""

    def __init__(self, service: SearchService) -> None:
        self.keyword = service.keyword
        self.total = max(1, service.keyword.num_docs())
        self.seen: dict[tuple, int] = {}

    KEPT = 500_000  # phrases: a back-fill over millions of papers starts over rather than grow without end

    def __call__(self, phrase: Phrase) -> int:
        spaced = (phrase.key, tuple(phrase.offsets))  # "kv cache" and "kv … cache" count apart
        if spaced not in self.seen:
            if len(self.seen) >= self.KEPT:
                self.seen.clear()
            query = tantivy.Query.phrase_query(
                self.keyword.schema, "text", list(zip(phrase.offsets, phrase.key, strict=True))
            )
            self.seen[spaced] = self.keyword.search(query, 1)[1]
        return self.seen[spaced]


class Reasons:
    """What reasons need, remembered across the lists of one back-fill: a paper appears in the lists of
    dozens of its neighbours, and extracting its key phrases each time was nearly all of a list's cost."""

    PAPERS_KEPT = 20_000

    def __init__(self, service: SearchService) -> None:
        self.service = service
        self.counts = _PhraseCounts(service)
        self._phrases: OrderedDict[int, dict[tuple[str, ...], Phrase]] = OrderedDict()

    def phrases(self, paper_id: int, title: str, abstract: str) -> dict[tuple[str, ...], Phrase]:
        found = self._phrases.get(paper_id)
        if found is None:
            found = self._phrases[paper_id] = _phrases(self.service, title, abstract)
            if len(self._phrases) > self.PAPERS_KEPT:
                self._phrases.popitem(last=False)
        else:
            self._phrases.move_to_end(paper_id)
        return found


def list_model(service: SearchService) -> str:
    """What a list computed now is based on: the embedding model once vectors are loaded, else keywords."""
    return service.model if service.semantic_ready and service.model else "keyword"


def compute(
    service: SearchService, paper_id: int, k: int = STORED, reasons: Reasons | None = None
) -> list[StoredNeighbour]:
    """Up to ``k`` papers most like ``paper_id``, best first, each with a one-line reason; ``reasons``
    carries phrases from one list to the next in a back-fill."""
    service.refresh()
    with service.engine.connect() as conn:
        rows = store.index_rows(conn, [paper_id])
    if not rows:
        return []
    row = rows[0]
    vector = service.paper_vector(paper_id) if service.vectors is not None else None
    found = neighbours(
        service.keyword, service.vectors, row.title, row.abstract, vector, exclude=paper_id, k=k
    )
    with service.engine.connect() as conn:
        facts_rows = {r.id: r for r in store.index_rows(conn, [pid for pid, *_ in found])}
    mine = Facts(row.authors, row.categories, row.org_name)
    reasons = reasons or Reasons(service)
    my_phrases = reasons.phrases(paper_id, row.title, row.abstract)
    counts = reasons.counts
    result: list[StoredNeighbour] = []
    for pid, score, _kw, cosine in found:
        other = facts_rows.get(pid)
        if other is None:
            continue
        theirs = Facts(other.authors, other.categories, other.org_name)
        both = shared(my_phrases, reasons.phrases(pid, other.title, other.abstract), counts, counts.total)
        result.append(StoredNeighbour(pid, score, cosine, reason(mine, theirs, both, cosine)))
    return result


def stored_or_computed(service: SearchService, paper_id: int) -> list[StoredNeighbour]:
    """The stored list; a paper without one gets it computed and stored now (once)."""
    model = list_model(service)
    with service.engine.connect() as conn:
        found = neighbour_store.load(conn, paper_id, model)
    if found is not None:
        return found
    found = compute(service, paper_id)
    try:
        with service.engine.begin() as conn:
            neighbour_store.save(conn, paper_id, model, found)
    except IntegrityError:
        pass  # another request stored the same list a moment earlier
    return found


def similar_papers(service: SearchService, paper_id: int, k: int = 8) -> list[SimilarHit]:
    """Up to ``k`` papers most like ``paper_id`` (hidden papers left out), each with its reason."""
    found = stored_or_computed(service, paper_id)
    hits: list[SimilarHit] = []
    start, step = 0, k + 4  # a few spare for hidden papers; loading all 50 would cost a page 5 ms
    while len(hits) < k and start < len(found):
        batch = found[start : start + step]
        views = service.paper_views([n.neighbour_id for n in batch])  # kept between data changes
        hits += [
            SimilarHit(views[n.neighbour_id], n.score, n.reason, n.cosine)
            for n in batch
            if n.neighbour_id in views
        ]
        start += step
    return hits[:k]


def refresh_pass(
    service: SearchService, limit: int, stop: threading.Event | None = None, reasons: Reasons | None = None
) -> int:
    """Compute the lists of up to ``limit`` embedded papers that have none for the current model; a paper
    embedded after a neighbour's list was computed drops that list, so it is computed again with it.
    A caller that runs many passes hands the same ``reasons`` to each."""
    model = list_model(service)
    if model == "keyword":
        return 0
    with service.engine.connect() as conn:
        pending = neighbour_store.missing(conn, model, limit)
    reasons = reasons or Reasons(service)
    for paper_id in pending:
        if stop is not None and stop.is_set():
            break
        found = compute(service, paper_id, reasons=reasons)
        with service.engine.begin() as conn:
            neighbour_store.save(conn, paper_id, model, found)
            reach = [n.neighbour_id for n in found[:NEW_PAPER_REACH]]
            neighbour_store.forget_older_than_embedding(conn, reach, paper_id, model)
    if pending:
        log.info("stored similar papers for %d papers", len(pending))
    return len(pending)
