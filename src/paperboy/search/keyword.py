"""The keyword index: tantivy (BM25 with block-max WAND) over title, abstract, authors and organization.

Queries are built as tantivy query objects from a ``ParsedQuery``, never by handing user text to tantivy's
query language, so no input can be a syntax error. Title + abstract form one BM25 field; author and
organization fields add to it (``WEIGHTS``). Stored fields are only ids: titles and abstracts for display
and snippets come from the database, which keeps the index small.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import tantivy

from paperboy.search.query import ParsedQuery
from paperboy.store.embeddings import IndexRow

SCHEMA_VERSION = 2
DOUBTFUL = frozenset({"Mn", "Mc", "Me", "So", "Cn"})  # Unicode categories where "is it a letter?" may differ
NON_ASCII = re.compile(r"[^\x00-\x7f]")
WORDS_KEPT = 200_000  # distinct words whose index terms are remembered (``matcher``)
DOC_FREQS_KEPT = 200_000  # remembered term frequencies per searcher (spelling looks up every query word)
# ``text`` is title + abstract as one BM25 field (one combined field found 88 % of the paraphrase set's papers
# in the top 10, separate title (x2) and abstract fields 75 %); author and organization names count alike. A
# title boost (0.3) was dropped: on the tuning set it moved recall@10 by +0.5 points, MRR by -0.008.
WEIGHTS = {"text": 1.0, "authors": 1.0, "org_text": 1.0}
TEXT_FIELDS = ("text",)
SHOULD, MUST, MUST_NOT = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot


def english() -> tantivy.TextAnalyzer:
    """Words (any script), lower-cased, accents folded, English stop words dropped, Porter-stemmed."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def exact() -> tantivy.TextAnalyzer:
    """Whole value, lower-cased: categories and organization handles match exactly, in any case."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase()).build()


def folded() -> tantivy.TextAnalyzer:
    """Lower-cased and folded but not stemmed: what a typed prefix is compared with."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pid", stored=True, indexed=True, fast=True)
    for name in ("text", "title", "authors", "org_text"):
        builder.add_text_field(name, tokenizer_name="en")
    builder.add_text_field("title_raw", tokenizer_name="folded")
    builder.add_text_field("category", tokenizer_name="exact")
    builder.add_text_field("org", tokenizer_name="exact")
    builder.add_date_field("published", indexed=True, fast=True)
    builder.add_integer_field("upvotes", fast=True)
    return builder.build()


@dataclass(slots=True)
class Filters:
    """Restrictions every mode applies; ``date_from``/``date_to`` bound the first arXiv version, inclusive."""

    date_from: date | None = None
    date_to: date | None = None
    categories: Sequence[str] = ()
    orgs: Sequence[str] = ()
    authors: Sequence[str] = ()

    @property
    def any(self) -> bool:
        return bool(self.date_from or self.date_to or self.categories or self.orgs or self.authors)


def _utc(day: date, end: bool = False) -> datetime:
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _unlike_python(text: str) -> bool:
    """Whether ``text`` holds a character the index's tokenizer may class differently from Python: marks and
    symbols that Unicode counts as alphabetic (Devanagari vowel signs, circled letters), and characters newer
    than Python's Unicode tables. Such a text is analysed whole."""
    return any(unicodedata.category(c) in DOUBTFUL for c in text if not c.isascii())


def _folded_words(text: str) -> dict[int, str]:
    """Words of ``text`` holding a letter or digit beyond ASCII, by start: folding may turn any of their
    letters into another, so the stem's first letters say nothing about them."""
    words: dict[int, str] = {}
    covered = 0  # the end of the last word taken: the matches come in order
    for match in NON_ASCII.finditer(text):
        at = match.start()
        if at < covered or not text[at].isalnum():
            continue
        start, end = at, at + 1
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        words[start], covered = text[start:end], end
    return words


class KeywordIndex:
    """One tantivy index directory; any number of readers, at most one writer (see ``sync.IndexLock``)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        for name, analyzer in (("en", english()), ("exact", exact()), ("folded", folded())):
            self.index.register_tokenizer(name, analyzer)
        self._analyzer = english()
        self._folder = folded()
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        # word as written -> its (term, start, end) tokens: the analyser works token by token, so a word's
        # terms never depend on its neighbours (``matcher``)
        self._word_terms: dict[str, tuple[tuple[str, int, int], ...]] = {}
        self._searcher = self.index.searcher()
        self._doc_freqs: tuple[tantivy.Searcher, dict[tuple[str, str], int]] = (self._searcher, {})

    # -- writing (writer process only) -------------------------------------------------------------------

    def _document(self, row: IndexRow) -> tantivy.Document:
        doc = tantivy.Document(
            pid=row.id, title=row.title, text=f"{row.title}\n{row.abstract}", upvotes=row.upvotes
        )
        doc.add_text("title_raw", row.title)
        for name in row.authors:
            doc.add_text("authors", name)
        for cat in row.categories:
            doc.add_text("category", cat)
        for value in dict.fromkeys(v for v in (row.org_name, row.org_fullname, *row.org_also) if v):
            doc.add_text("org", value)
            doc.add_text("org_text", value)
        if row.submitted_at is not None:
            doc.add_date("published", row.submitted_at)
        return doc

    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        return self._writer

    def upsert(self, rows: Iterable[IndexRow], removed: Iterable[int] = ()) -> int:
        """Replace these papers' documents and commit; returns docs added.

        Papers a moderator hid stay indexed: results are filtered when loaded from the database, so hiding and
        restoring both take effect at once, without waiting for the index.
        """
        with self._lock:
            writer = self.writer()
            added = 0
            for pid in removed:
                writer.delete_documents_by_term("pid", pid)
            for row in rows:
                writer.delete_documents_by_term("pid", row.id)
                writer.add_document(self._document(row))
                added += 1
            writer.commit()
            self.reload()
            return added

    def clear(self) -> None:
        with self._lock:
            self.writer().delete_all_documents()
            self.writer().commit()
            self.reload()

    def close_writer(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    # -- reading -----------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Pick up committed changes. The searcher is made here, once per reload, not once per query:
        making one costs ~2.5 ms at 10 k papers, more than many queries take. Every commit rewrites the
        index's ``meta.json``; while it is unchanged the searcher (and what it remembers) is kept."""
        stamp = self._commit_stamp()
        if stamp is not None and stamp == self._stamp:
            return
        self.index.reload()
        self._searcher = self.index.searcher()
        self._stamp = stamp

    def _commit_stamp(self) -> tuple[int, int, int] | None:
        try:
            meta = (self.path / "meta.json").stat()
        except OSError:
            return None
        return (meta.st_ino, meta.st_mtime_ns, meta.st_size)

    def searcher(self) -> tantivy.Searcher:
        return self._searcher

    def num_docs(self) -> int:
        return self._searcher.num_docs

    def terms(self, text: str) -> list[str]:
        """The index terms of ``text`` in order, duplicates kept (what BM25 would match)."""
        return [tok.text for tok in self._analyzer.pre_tokenize(text).tokens]

    def tokens(self, text: str) -> list[tantivy.Token]:
        """The analysed tokens of ``text`` with their positions (stop words leave gaps, not shifts)."""
        return list(self._analyzer.pre_tokenize(text).tokens)

    def matcher(self, terms: Collection[str]) -> Callable[[str], list[tuple[int, int]]]:
        """Where in a text any of the index ``terms`` occurs: (start, end) character spans, for snippets.

        The same answer as analysing the whole text (``spans``) and keeping the spans of ``terms``, at a
        fraction of the cost: only words that could stem to a term are analysed, once each. A stem differs
        from its word only at the end (the stemmer rewrites suffixes, "studies" -> "studi", "dying" -> "die"),
        so such a word begins with the stem less its last three letters (at least its first letter); a word
        with letters beyond ASCII is always analysed, since folding may change any of them.
        """
        wanted = {t for t in terms if t}
        if not wanted:
            return lambda text: []
        heads = sorted({re.escape(t[: max(1, len(t) - 3)]) for t in wanted}, key=len, reverse=True)
        candidates = re.compile(rf"(?<![^\W_])(?:{'|'.join(heads)})[^\W_]*", re.IGNORECASE)
        known = self._word_terms

        def find(text: str) -> list[tuple[int, int]]:
            if not text.isascii() and _unlike_python(text):
                return [(start, end) for term, start, end in self.spans(text) if term in wanted]
            words = {match.start(): match.group() for match in candidates.finditer(text)}
            if not text.isascii():
                words.update(_folded_words(text))
            found: list[tuple[int, int]] = []
            for at, word in sorted(words.items()):
                tokens = known.get(word)
                if tokens is None:
                    tokens = tuple(
                        (t.text, t.char_offset_from, t.char_offset_to)
                        for t in self._analyzer.pre_tokenize(word).tokens
                    )
                    if len(known) < WORDS_KEPT:
                        known[word] = tokens
                found.extend((at + start, at + end) for term, start, end in tokens if term in wanted)
            return found

        return find

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """(index term, start, end) character spans of ``text``: for highlighting the words as written."""
        return [
            (t.text, t.char_offset_from, t.char_offset_to) for t in self._analyzer.pre_tokenize(text).tokens
        ]

    def phrase_query(self, field: str, text: str) -> tantivy.Query | None:
        tokens = self._analyzer.pre_tokenize(text).tokens
        if not tokens:
            return None
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, field, tokens[0].text)
        first = tokens[0].position
        return tantivy.Query.phrase_query(self.schema, field, [(t.position - first, t.text) for t in tokens])

    def doc_freq(self, field: str, term: str) -> int:
        """Documents holding this index term in ``field`` (for spelling: how common a word is here).

        Remembered per searcher: every word of every query is looked up in three fields, and the same words
        come back query after query; a reload starts afresh."""
        searcher = self._searcher
        kept_for, freqs = self._doc_freqs
        if kept_for is not searcher or len(freqs) > DOC_FREQS_KEPT:
            freqs = {}
            self._doc_freqs = (searcher, freqs)
        found = freqs.get((field, term))
        if found is None:
            found = freqs[(field, term)] = searcher.doc_freq(field, term)
        return found

    def _any_field(self, field_queries: list[tantivy.Query | None]) -> tantivy.Query | None:
        present = [(SHOULD, q) for q in field_queries if q is not None]
        return tantivy.Query.boolean_query(present) if present else None

    def _word(self, term: str) -> tantivy.Query:
        clauses = [
            (SHOULD, tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, name, term), weight))
            for name, weight in WEIGHTS.items()
        ]
        return tantivy.Query.boolean_query(clauses)

    def _prefix(self, word: str) -> tantivy.Query | None:
        tokens = [t.text for t in self._folder.pre_tokenize(word).tokens]
        if not tokens:
            return None
        queries = [tantivy.Query.phrase_prefix_query(self.schema, "title_raw", tokens)]
        if len(tokens) == 1:
            stem = self.terms(tokens[0])
            queries.append(tantivy.Query.phrase_prefix_query(self.schema, "text", stem or tokens))
        return self._any_field(queries)

    def _filters(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for author in filters.authors:
            phrase = self.phrase_query("authors", author)
            clauses.append((MUST, phrase or tantivy.Query.empty_query()))
        for name, values in (("category", filters.categories), ("org", filters.orgs)):
            for value in values:
                clauses.append((MUST, tantivy.Query.term_query(self.schema, name, value.strip().lower())))
        if filters.date_from or filters.date_to:
            clauses.append(
                (
                    MUST,
                    tantivy.Query.range_query(
                        self.schema,
                        "published",
                        tantivy.FieldType.Date,
                        _utc(filters.date_from) if filters.date_from else None,
                        _utc(filters.date_to, end=True) if filters.date_to else None,
                    ),
                )
            )
        return clauses

    def build_query(self, parsed: ParsedQuery, filters: Filters) -> tantivy.Query | None:
        """The tantivy query, or None when nothing searchable remains (only stop words, say)."""
        scored: list[tuple[tantivy.Occur, tantivy.Query]] = []
        seen: set[str] = set()
        for word in parsed.words:
            for term in self.terms(word):
                if term not in seen:
                    seen.add(term)
                    scored.append((SHOULD, self._word(term)))
        for prefix in parsed.prefixes:
            query = self._prefix(prefix)
            if query is not None:
                scored.append((SHOULD, query))
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if scored:
            clauses.append((MUST, tantivy.Query.boolean_query(scored)))
        for phrase in parsed.phrases:
            query = self._any_field([self.phrase_query(name, phrase) for name in TEXT_FIELDS])
            if query is not None:
                clauses.append((MUST, query))
        if not clauses and (parsed.has_text or not filters.any):
            return None
        for excluded in parsed.excluded:
            query = self._any_field([self.phrase_query(name, excluded) for name in TEXT_FIELDS])
            if query is not None:
                clauses.append((MUST_NOT, query))
        clauses.extend(self._filters(filters))
        if all(occur == MUST_NOT for occur, _ in clauses):
            clauses.append((MUST, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def search(
        self, query: tantivy.Query, limit: int, offset: int = 0, order_by: str | None = None
    ) -> tuple[list[tuple[int, float]], int]:
        """((paper id, score) best first, total matches); ``order_by`` is ``published`` or ``upvotes``."""
        searcher = self._searcher
        if order_by:
            result = searcher.search(query, limit, count=True, order_by_field=order_by, offset=offset)
        else:
            result = searcher.search(query, limit, count=True, offset=offset)
        hits = result.hits
        if not hits:
            return [], result.count or 0
        pids = searcher.fast_field_values("pid", [address for _score, address in hits])
        return [(int(pid), float(score)) for (score, _a), pid in zip(hits, pids, strict=True)], result.count
