"""Queries that name something rather than describe it: arXiv ids and author names.

Someone who pastes ``arXiv:2509.21268v2`` or a link wants that paper, not papers whose abstracts share the
digits; someone who types "Ziwei Liu" wants that person's papers, not abstracts that mention a Liu. Both are
recognised before ranking and answered exactly; anything else falls through to the ordinary search.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from paperboy import arxiv_ids
from paperboy.search.query import ParsedQuery, clean
from paperboy.search.service import SearchService
from paperboy.store import papers as store

MAX_IDS = 50  # a pasted list of ids, one lookup each
NAME_WORDS = (2, 5)  # an author's name is two to five words ("Jean-Baptiste de la Fontaine")
_PREFIX_SPACE = re.compile(r"(?i)\b(arxiv|doi):\s+")


def arxiv_ids_in(raw: str) -> list[str]:
    """The ids when the whole query is one or more arXiv ids (any spelling, separated by spaces or commas)."""
    text = _PREFIX_SPACE.sub(lambda m: m.group(1) + ":", clean(raw))
    if not text:
        return []
    whole = arxiv_ids.parse(text)
    if whole is not None:
        return [whole.id]
    pieces = text.replace(",", " ").split()
    if len(pieces) > MAX_IDS:
        return []
    found = [arxiv_ids.parse(piece) for piece in pieces]
    if not found or any(f is None for f in found):
        return []
    return list(dict.fromkeys(f.id for f in found if f is not None))


def papers_with_ids(service: SearchService, ids: list[str]) -> list[int]:
    """Paper ids of the arXiv ids we hold, in the order given."""
    with service.engine.connect() as conn:
        found = [store.paper_id_of(conn, arxiv_id) for arxiv_id in ids]
    return [pid for pid in found if pid is not None]


def fold_name(name: str) -> str:
    """Accents, case, dots and hyphens ignored: "Zi-Wei  LIU" and "ziwei liu" compare equal."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[.\-‐'’]", " ", text).split()).replace(" ", "")


def author_named(service: SearchService, parsed: ParsedQuery) -> str | None:
    """The author's name as written on their papers when the query is exactly an author's name, else None.

    The keyword index finds papers whose author list holds the words as a phrase; the name counts only when
    one of those papers has an author whose whole name equals the query (so "deep learning" or half of two
    neighbouring names never qualifies). The most common spelling wins.
    """
    if (
        parsed.phrases
        or parsed.excluded
        or parsed.has_filters
        or not set(parsed.prefixes) <= set(parsed.words)
    ):
        return None  # (the page's as-you-type prefix repeats the last word: that is still just a name)
    if not NAME_WORDS[0] <= len(parsed.words) <= NAME_WORDS[1]:
        return None
    text = " ".join(parsed.words)
    query = service.keyword.phrase_query("authors", text)
    if query is None:
        return None
    hits, _total = service.keyword.search(query, 20)
    if not hits:
        return None
    wanted = fold_name(text)
    views = service.paper_views([pid for pid, _ in hits])
    names = Counter(
        author.name
        for view in views.values()
        for author in view.paper.authors
        if not author.hidden and fold_name(author.name) == wanted
    )
    return names.most_common(1)[0][0] if names else None
