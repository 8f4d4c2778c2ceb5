"""Spelling correction from the words in the index: "difusion" → "diffusion", "tarnsformer" → "transformer".

A word found nowhere in the index (titles, abstracts, author names, organizations) is replaced by its most
common neighbour one edit away (a letter dropped, added, changed, or two neighbours swapped). A word that
some paper does use is searched as typed, since it may be just what the reader wants ("bayes" is not a typo
of "bases"); if only one or two papers use it, a neighbour at least ``RATIO`` times as common is offered as a
"did you mean".
Only letters are edited: ``gpt4``, ``3d`` and anything shorter than ``MIN_LENGTH`` letters are left as typed
(too many real neighbours to guess between).

The candidates of a word are analysed in one tokenizer call and looked up in the term dictionary
(``doc_freq``), about 600 look-ups for an 11-letter word: a few milliseconds, only for rare words.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperboy.search.keyword import KeywordIndex

RATIO = 10  # a neighbour must be this many times as common as the word typed
KNOWN = 3  # a word in this many papers is taken as meant, without looking at its neighbours
MIN_LENGTH = 4
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
FIELDS = ("text", "authors", "org_text")


@dataclass(frozen=True, slots=True)
class Correction:
    typed: str
    meant: str
    certain: bool  # the typed word is in no paper: search the correction instead of it


def edits(word: str) -> list[str]:
    """Every string one edit away from ``word``: deletions, adjacent swaps, replacements, insertions."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = [a + b[1:] for a, b in splits if b]
    found += [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    found += [a + c + b[1:] for a, b in splits if b for c in ALPHABET if c != b[0]]
    found += [a + c + b for a, b in splits for c in ALPHABET]
    return list(dict.fromkeys(found))


def _frequency(index: KeywordIndex, term: str) -> int:
    return sum(index.doc_freq(field, term) for field in FIELDS)


def correct_word(index: KeywordIndex, word: str) -> Correction | None:
    """The word meant, when ``word`` looks like a misspelling of a much more common one; else None."""
    lowered = word.lower()
    if len(lowered) < MIN_LENGTH or not lowered.isascii() or not lowered.isalpha():
        return None
    terms = index.terms(lowered)
    if len(terms) != 1:
        return None  # a stop word
    typed = _frequency(index, terms[0])
    if typed >= KNOWN:
        return None  # the common case, and the cheap one: no neighbours are looked up
    candidates = edits(lowered)
    stems: dict[int, str] = {}
    for token in index.tokens(" ".join(candidates)):
        stems[token.position] = token.text
    best, best_count, counts = None, typed * RATIO, {}
    for position, candidate in enumerate(candidates):
        stem = stems.get(position)
        if stem is None or stem == terms[0]:
            continue
        if stem not in counts:
            counts[stem] = _frequency(index, stem)
        if counts[stem] > best_count:
            best, best_count = candidate, counts[stem]
    return Correction(word, best, typed == 0) if best is not None and best_count > 0 else None


def correct(index: KeywordIndex, words: list[str]) -> list[Correction]:
    """Corrections for the words of a query, in order (empty when every word is fine)."""
    return [fix for fix in (correct_word(index, word) for word in words) if fix is not None]
