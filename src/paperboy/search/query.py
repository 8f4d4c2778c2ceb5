"""What a person typed → a structured query. Never fails: any string is a valid query.

User input is never handed to tantivy's query language (where an unbalanced quote, a stray ``:`` or ``^`` is a
syntax error); this parser recognises the little syntax we offer and treats everything else as words:

    words                      ranked by BM25 over title, abstract, authors and organization
    "a phrase"                 must appear as a phrase (an unclosed quote runs to the end)
    prefix*                    words starting with ``prefix``
    -word  -"a phrase"         must not appear
    author:hinton  author:"Geoffrey Hinton"  category:cs.CL  org:google   filters (any number)

Length is bounded (``MAX_CHARS`` characters, ``MAX_TERMS`` words): a 10 KB query costs what a short one does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_CHARS = 1000
MAX_TERMS = 48
FIELDS = {
    "author": "authors",
    "authors": "authors",
    "category": "categories",
    "cat": "categories",
    "org": "orgs",
}

_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>[A-Za-z]+):(?:"(?P<fquoted>[^"]*)"?|(?P<fvalue>[^\s"]+))"""
    r"""|"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))"""
)
_EDGE_PUNCT = "+!?.,;:()[]{}<>^~'`|&=\\/"


@dataclass(slots=True)
class ParsedQuery:
    """The parts of a query; ``text`` is the free text for semantic search (no syntax, no excluded words)."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases or self.prefixes)

    @property
    def has_filters(self) -> bool:
        return bool(self.authors or self.categories or self.orgs)

    @property
    def empty(self) -> bool:
        return not (self.has_text or self.has_filters)


def clean(raw: str, limit: int = MAX_CHARS) -> str:
    """NFKC-normalised, control characters (NUL too) replaced by spaces, whitespace collapsed, bounded."""
    text = unicodedata.normalize("NFKC", raw[: limit * 4])
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())[:limit]


def parse(raw: str | None, prefix_last: bool = False) -> ParsedQuery:
    """Parse ``raw``; with ``prefix_last`` the last bare word also matches as a prefix (as you type)."""
    text = clean(raw or "")
    query = ParsedQuery()
    free: list[str] = []
    for match in _TOKEN.finditer(text):
        negative = bool(match["neg"])
        name = (match["field"] or "").lower()
        if match["field"] is not None and name in FIELDS:
            value = " ".join((match["fquoted"] if match["fquoted"] is not None else match["fvalue"]).split())
            if value and not negative:
                getattr(query, FIELDS[name]).append(value)
            continue
        if match["field"] is not None:  # "word:thing" that is not a filter: just words
            value = match.group(0).lstrip("-")
            _add_word(query, free, value.replace(":", " "), negative)
            continue
        if match["phrase"] is not None:
            phrase = " ".join(match["phrase"].split())
            if phrase:
                (query.excluded if negative else query.phrases).append(phrase)
                if not negative:
                    free.append(phrase)
            continue
        _add_word(query, free, match["word"], negative)
    if (
        prefix_last
        and query.words
        and text
        and not text.endswith((" ", '"'))
        and text.split()[-1] == (query.words[-1])
    ):
        last = query.words[-1]
        if len(last) >= 2 and last not in query.prefixes:
            query.prefixes.append(last)
    _bound(query)
    query.text = " ".join(free)
    return query


def _add_word(query: ParsedQuery, free: list[str], word: str, negative: bool) -> None:
    for piece in word.split():
        prefix = piece.endswith("*")
        piece = piece.strip(_EDGE_PUNCT + "*")
        if not piece:
            continue
        if negative:
            query.excluded.append(piece)
        elif prefix:
            query.prefixes.append(piece)
            free.append(piece)
        else:
            query.words.append(piece)
            free.append(piece)


def _bound(query: ParsedQuery) -> None:
    """At most MAX_TERMS pieces overall, kept in the order typed."""
    budget = MAX_TERMS
    for name in ("words", "phrases", "prefixes", "excluded", "authors", "categories", "orgs"):
        items = getattr(query, name)[:budget]
        setattr(query, name, items)
        budget = max(0, budget - len(items))
