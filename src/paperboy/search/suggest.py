"""Suggestions as you type in the header's search box: papers, authors and organizations.

Cheap by design (it runs on every pause in typing): papers come from one keyword query with the last word as a
prefix (or straight from an arXiv id), authors from the names on the papers whose author list starts with
what was typed, organizations from the small organizations table. No ranking by meaning, no counting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import tantivy

from paperboy.search.keyword import Filters
from paperboy.search.lookup import arxiv_ids_in, fold_name, papers_with_ids
from paperboy.search.query import clean, parse
from paperboy.search.service import SearchService
from paperboy.store import papers as store
from paperboy.store.authors import organizations_starting

MIN_CHARS = 2
AUTHOR_PAPERS = 40  # papers whose author names are looked at
PREFIX_CHARS = 3  # tantivy expands a prefix to its first 50 terms: shorter prefixes would miss most names


@dataclass(slots=True)
class Suggestions:
    papers: list[tuple[str, str]] = field(default_factory=list)  # (arXiv id, title)
    authors: list[tuple[str, int]] = field(default_factory=list)  # (name, papers among those looked at)
    organizations: list[tuple[str, str | None]] = field(default_factory=list)  # (handle, full name)


def suggest(service: SearchService, raw: str, limit: int = 5) -> Suggestions:
    service.refresh()
    text = clean(raw, 200)
    found = Suggestions()
    if len(text) < MIN_CHARS:
        return found
    wanted = papers_with_ids(service, arxiv_ids_in(text))
    parsed = parse(text, prefix_last=True)
    query = None if wanted else service.keyword.build_query(parsed, Filters())
    hits = service.keyword.search(query, limit)[0] if query is not None else []
    with service.engine.connect() as conn:
        views = store.views_by_id(conn, wanted or [pid for pid, _ in hits], include_hidden=False)
        order = wanted or [pid for pid, _ in hits]
        found.papers = [(views[p].paper.arxiv_id, views[p].paper.title) for p in order if p in views]
        if not wanted:
            found.organizations = organizations_starting(conn, text, limit)
    if not wanted:
        found.authors = _authors(service, text, limit)
    return found


def _authors(service: SearchService, text: str, limit: int) -> list[tuple[str, int]]:
    """Names on papers whose author list has the typed words, last one as a prefix, that start likewise."""
    tokens = service.keyword.terms(text)
    if tokens and len(tokens[-1]) < PREFIX_CHARS:
        tokens = tokens[:-1]  # "ziwei l": a one-letter prefix has too many expansions; the name check does it
    if not tokens:
        return []
    query = tantivy.Query.phrase_prefix_query(service.keyword.schema, "authors", tokens)
    hits = service.keyword.search(query, AUTHOR_PAPERS)[0]
    with service.engine.connect() as conn:
        views = store.views_by_id(conn, [pid for pid, _ in hits], include_hidden=False)
    typed = fold_name(text)
    names = Counter(
        author.name
        for view in views.values()
        for author in view.paper.authors
        if not author.hidden and _starts_like(author.name, typed)
    )
    return names.most_common(limit)


def _starts_like(name: str, typed: str) -> bool:
    """Whether the name starts with what was typed, read first name first or last name first."""
    folded = fold_name(name)
    parts = name.split()
    reversed_name = fold_name(" ".join([*parts[-1:], *parts[:-1]])) if len(parts) > 1 else folded
    return folded.startswith(typed) or reversed_name.startswith(typed)
