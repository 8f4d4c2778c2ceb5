"""Similar papers for a paper page and ``GET /api/papers/{id}/similar``: neighbours, loaded, with reasons."""

from __future__ import annotations

from dataclasses import dataclass

from paperboy.rank.similar import Facts, reason
from paperboy.search.neighbours import distinctive_terms, neighbours
from paperboy.search.service import SearchService
from paperboy.store import embeddings as store
from paperboy.store.feed import PaperView


@dataclass(slots=True)
class SimilarHit:
    view: PaperView
    score: float
    reason: str
    cosine: float | None


def _words(service: SearchService, title: str, abstract: str) -> dict[str, str]:
    """index term -> the word as first written (title first), for quoting in reasons."""
    found: dict[str, str] = {}
    for text in (title, abstract):
        for term, start, end in service.keyword.spans(text):
            found.setdefault(
                term, text[start:end].lower() if not text[start:end].isupper() else text[start:end]
            )
    return found


def _rare_first(service: SearchService, terms: list[str], common: float = 0.1) -> list[str]:
    """Terms worth quoting in a reason: rarest first, none that a tenth of all papers share ("model")."""
    searcher = service.keyword.index.searcher()
    total = max(1, searcher.num_docs)
    freq = {term: searcher.doc_freq("text", term) for term in terms}
    kept = [t for t in terms if freq[t] <= common * total or total < 50]
    return sorted(kept, key=lambda t: freq[t])


def similar_papers(service: SearchService, paper_id: int, k: int = 8) -> list[SimilarHit]:
    """Up to ``k`` papers most like ``paper_id`` (hidden papers left out), each with a one-line reason."""
    service.refresh()
    with service.engine.connect() as conn:
        rows = store.index_rows(conn, [paper_id])
    if not rows:
        return []
    row = rows[0]
    vector = service.paper_vector(paper_id) if service.vectors is not None else None
    found = neighbours(
        service.keyword, service.vectors, row.title, row.abstract, vector, exclude=paper_id, k=k + 4
    )
    with service.engine.connect() as conn:
        views = store.views_by_ids(conn, [pid for pid, *_ in found])
        facts_rows = {r.id: r for r in store.index_rows(conn, list(views))}
    distinctive = _rare_first(service, distinctive_terms(service.keyword, row.title, row.abstract))
    mine = Facts(row.authors, row.categories, row.org_name)
    hits: list[SimilarHit] = []
    for pid, score, _kw, cosine in found:
        view, other = views.get(pid), facts_rows.get(pid)
        if view is None or other is None:
            continue
        theirs = Facts(
            other.authors, other.categories, other.org_name, _words(service, other.title, other.abstract)
        )
        hits.append(SimilarHit(view, score, reason(mine, theirs, distinctive, cosine), cosine))
        if len(hits) == k:
            break
    return hits
