"""One search: parse, retrieve by keywords and by meaning, fuse, filter, sort, page, and load the papers.

Modes: ``keyword`` (tantivy only), ``semantic`` (nearest vectors only), ``hybrid`` (both, fused; the default).
Semantic candidates pass the same filters, phrases and exclusions as keyword ones, checked by one tantivy
query restricted to the candidates' ids, so every mode honours every filter. Counts: keyword and hybrid
count every match (hybrid adds the papers only the meaning found); semantic returns the nearest
``SEMANTIC_DEPTH`` papers. Sorting by date or upvotes reorders keyword matches exactly (index fast fields)
and, in the other modes, the top relevance candidates.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import tantivy
from markupsafe import Markup

from paperboy.errors import BadRequest
from paperboy.models import PaperView
from paperboy.search import lookup
from paperboy.search.hybrid import DEFAULT, Fusion, fuse
from paperboy.search.keyword import MUST, Filters
from paperboy.search.query import ParsedQuery, parse
from paperboy.search.service import SearchService
from paperboy.search.spelling import correct
from paperboy.search.text import snippet

Mode = Literal["keyword", "semantic", "hybrid"]
Sort = Literal["relevance", "date", "upvotes"]
MODES: tuple[str, ...] = ("hybrid", "keyword", "semantic")
SORTS: tuple[str, ...] = ("relevance", "date", "upvotes")
# "trending" was this sort's first name; it is still accepted, but the feeds' trending score is another thing.
SORT_ALIASES = {"trending": "upvotes"}
MAX_RESULTS = 1000  # deepest result reachable by paging
SEMANTIC_DEPTH = 100  # semantic candidates fused into hybrid results, and the size of a semantic result list
ORDER_FIELDS = {"date": "published", "upvotes": "upvotes"}
# The keyword index stores dates as nanoseconds since 1970 in 64 bits (years 1677 to 2262); filter days are
# clamped into this span, which changes no answer: no paper was published before its start or after its end.
SEARCHABLE_DAYS = (date(1678, 1, 1), date(2261, 12, 31))
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="paperboy-embed-query")


def canonical_sort(sort: str) -> str:
    """The sort's current name (``trending`` -> ``upvotes``); unknown names are returned as they are."""
    return SORT_ALIASES.get(sort, sort)


@dataclass(slots=True)
class Hit:
    view: PaperView
    score: float
    snippet: Markup
    matched: str  # "keyword", "semantic" or "both": which retrieval found it


@dataclass(slots=True)
class SearchPage:
    query: str
    mode: str  # the mode actually used (hybrid degrades to keyword without vectors)
    sort: str
    hits: list[Hit]
    total: int
    offset: int
    limit: int
    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    note: str | None = None
    lookup: bool = False  # the query was arXiv ids and these are those papers
    author: str | None = None  # the query was this author's name: their papers, newest first
    corrected: str | None = None  # the query as searched, when words found in no paper were corrected
    suggestion: str | None = None  # "did you mean": rare words with a far more common neighbour
    all_words: int | None = None  # papers holding every word (None when that count means nothing)
    chosen: list[tuple[int, float]] = field(default_factory=list)  # this page's paper ids and scores


def search(
    service: SearchService,
    q: str,
    mode: str = "hybrid",
    sort: str = "relevance",
    filters: Filters | None = None,
    offset: int = 0,
    limit: int = 20,
    prefix_last: bool = False,
    fusion: Fusion | None = None,
    snippets: bool = True,
    spelling: bool = True,
    load: bool = True,
) -> SearchPage:
    """One page of results; ``snippets=False`` for callers that show no excerpt, which saves a quarter of a
    millisecond a hit. ``load=False`` leaves ``hits`` empty and only names the papers (``chosen``), for a
    caller that keeps their answers itself (the JSON API). ``spelling=False`` searches the words as typed."""
    service.refresh()
    sort = canonical_sort(sort)
    offset = max(0, min(offset, MAX_RESULTS - 1))
    limit = max(1, min(limit, MAX_RESULTS - offset))
    wanted = lookup.papers_with_ids(service, lookup.arxiv_ids_in(q))
    if wanted:
        page = SearchPage(q, mode, sort, [], len(wanted), offset, limit, parse(q), lookup=True)
        chosen = [(pid, 1.0) for pid in wanted[offset : offset + limit]]
        return _finish(service, page, chosen, set(wanted), set(), snippets, load)
    parsed = parse(q, prefix_last=prefix_last)
    page = SearchPage(q, mode, sort, [], 0, offset, limit, parsed)
    if spelling:
        _correct(service, page)
    filters = _merge(filters or Filters(), parsed)
    if not service.ready:
        page.note = "The search index is still being built: results may be incomplete for a minute."
    if not filters.any and mode != "semantic" and (author := lookup.author_named(service, parsed)):
        page.author = author
        page.mode = mode = "keyword"  # the name is matched in the author list; its meaning says nothing
        filters.authors = [author]
        sort = "date" if sort == "relevance" else sort
    query = service.keyword.build_query(parsed, filters)
    if query is None:
        if mode != "keyword" and not parsed.text:
            page.mode = "keyword"
        return page
    # The query's embedding (~10 ms of model time) runs while tantivy searches: both release the GIL.
    pending = _POOL.submit(service.embed_query, parsed.text) if mode != "keyword" and parsed.text else None
    keyword: list[tuple[int, float]] = []
    if mode == "hybrid":
        keyword, kw_total = service.keyword.search(query, min(MAX_RESULTS, offset + limit + SEMANTIC_DEPTH))
    vector = pending.result() if pending is not None else None
    if vector is None and mode != "keyword":
        page.note = "Searching by meaning is not available yet; these are keyword matches."
        page.mode = "keyword"
    if page.mode != "semantic" and not page.author:
        page.all_words = _count_all_words(service, parsed, filters)
    if page.mode == "keyword":
        hits, page.total = service.keyword.search(query, limit, offset, order_by=ORDER_FIELDS.get(sort))
        return _finish(service, page, hits, {pid for pid, _ in hits}, set(), snippets, load)
    depth = SEMANTIC_DEPTH if page.mode == "hybrid" else max(SEMANTIC_DEPTH, offset + limit)
    semantic = _semantic(service, vector, parsed, filters, depth)
    if page.mode == "semantic":
        ranked, page.total = semantic, len(semantic)
        kw_ids: set[int] = set()
    else:
        kw_ids = {pid for pid, _ in keyword}
        only_semantic = [pid for pid, _ in semantic if pid not in kw_ids]
        page.total = kw_total + len(only_semantic) - _count_matching(service, query, only_semantic)
        ranked = fuse(keyword, semantic, fusion or DEFAULT)
    sem_ids = {pid for pid, _ in semantic}
    if sort != "relevance":
        ranked = _reorder(service, ranked, sort)
    chosen = ranked[offset : offset + limit]
    return _finish(service, page, chosen, kw_ids, sem_ids, snippets, load)


def make_filters(
    date_from: date | None, date_to: date | None, category: str | None, org: str | None
) -> Filters:
    """Filters from request parameters (the page and the API share this)."""
    if date_from and date_to and date_from > date_to:
        raise BadRequest("date_from is after date_to")
    date_from, date_to = _searchable(date_from), _searchable(date_to)
    category, org = (category or "").replace("\x00", "").strip(), (org or "").replace("\x00", "").strip()
    return Filters(
        date_from=date_from,
        date_to=date_to,
        categories=[category] if category else [],
        orgs=[org] if org else [],
    )


def _searchable(day: date | None) -> date | None:
    first, last = SEARCHABLE_DAYS
    return None if day is None else min(max(day, first), last)


def _correct(service: SearchService, page: SearchPage) -> None:
    """Replace misspelt words (``spelling.correct``) in the parsed query; the page says what was searched."""
    parsed = page.parsed
    found = correct(service.keyword, parsed.words)
    every = {c.typed: c.meant for c in found}
    if not every:
        return
    fixes = {c.typed: c.meant for c in found if c.certain}
    if len(fixes) < len(every):
        page.suggestion = " ".join(every.get(word, word) for word in page.query.split())
    if fixes:
        parsed.words = [fixes.get(word, word) for word in parsed.words]
        parsed.text = " ".join(fixes.get(word, word) for word in parsed.text.split())
        page.corrected = " ".join(fixes.get(word, word) for word in page.query.split())


def _count_all_words(service: SearchService, parsed: ParsedQuery, filters: Filters) -> int | None:
    """Papers holding every word of a query of several words: the count a reader can trust, where the
    number of papers holding any one of the words ("3,310 found") means nothing."""
    if len(parsed.words) < 2:
        return None
    strict = ParsedQuery(phrases=[*parsed.words, *parsed.phrases], excluded=parsed.excluded)
    query = service.keyword.build_query(strict, filters)
    return service.keyword.search(query, 1)[1] if query is not None else None


def _merge(filters: Filters, parsed: ParsedQuery) -> Filters:
    return Filters(
        date_from=filters.date_from,
        date_to=filters.date_to,
        categories=[*filters.categories, *parsed.categories],
        orgs=[*filters.orgs, *parsed.orgs],
        authors=[*filters.authors, *parsed.authors],
    )


def _semantic(
    service: SearchService,
    vector,
    parsed: ParsedQuery,
    filters: Filters,
    depth: int,  # type: ignore[no-untyped-def]
) -> list[tuple[int, float]]:
    """Nearest papers that pass every filter, phrase and exclusion; over-fetches when filtering."""
    assert service.vectors is not None
    constrained = filters.any or parsed.phrases or parsed.excluded
    fetch = depth * 10 if constrained else depth
    hits = service.vectors.search(vector, min(fetch, MAX_RESULTS * 10))
    if not constrained or not hits:
        return hits[:depth]
    check = service.keyword.build_query(
        ParsedQuery(phrases=parsed.phrases, excluded=parsed.excluded), filters
    )
    allowed = _matching(service, check, [pid for pid, _ in hits]) if check is not None else set()
    return [(pid, score) for pid, score in hits if pid in allowed][:depth]


def _matching(service: SearchService, query: tantivy.Query, ids: list[int]) -> set[int]:
    """Which of ``ids`` match ``query`` in the keyword index."""
    if not ids:
        return set()
    restricted = tantivy.Query.boolean_query(
        [(MUST, tantivy.Query.term_set_query(service.keyword.schema, "pid", ids)), (MUST, query)]
    )
    hits, _ = service.keyword.search(restricted, len(ids))
    return {pid for pid, _ in hits}


def _count_matching(service: SearchService, query: tantivy.Query, ids: list[int]) -> int:
    return len(_matching(service, query, ids)) if ids else 0


def _reorder(service: SearchService, ranked: list[tuple[int, float]], sort: str) -> list[tuple[int, float]]:
    """Date or upvote order for the relevance candidates, read from the database (the index may lag votes)."""
    views = service.paper_views([pid for pid, _ in ranked])

    def key(item: tuple[int, float]) -> tuple:
        view = views.get(item[0])
        if view is None:
            return (1, 0, item[0])
        if sort == "date":
            when = view.paper.submitted_at
            return (0, -(when.timestamp() if when else 0), item[0])
        return (0, -view.upvotes, item[0])

    return sorted(ranked, key=key)


def _finish(
    service: SearchService,
    page: SearchPage,
    chosen: list[tuple[int, float]],
    kw_ids: set[int],
    sem_ids: set[int],
    snippets: bool = True,
    load: bool = True,
) -> SearchPage:
    page.chosen = chosen
    if not load:
        return page
    views = service.paper_views([pid for pid, _ in chosen])
    terms = {t for w in [*page.parsed.words, *page.parsed.phrases] for t in service.keyword.terms(w)}
    find = service.keyword.matcher(terms)
    for pid, score in chosen:
        view = views.get(pid)
        if view is None:
            continue
        matched = (
            "both" if pid in kw_ids and pid in sem_ids else ("semantic" if pid in sem_ids else "keyword")
        )
        excerpt = snippet(view.paper.abstract or "", find) if snippets else Markup("")
        page.hits.append(Hit(view, score, excerpt, matched))
    return page
