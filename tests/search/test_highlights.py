"""Snippet highlights: the fast matcher marks exactly the words the index's own analysis would match."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperboy.search.keyword import KeywordIndex
from paperboy.search.text import collapse, snippet
from tests.conftest import HF_DAILY

# Irregular stems ("dying" -> "die", "skies" -> "sky", "happy" -> "happi"), folded accents, scripts beyond
# Latin, underscores and marks that split words.
TRICKY = (
    "Dying and lying skies: studies of happy Happiness. Naïve café résumés über Straße ÉCOLE, 東京 models, "
    "foo_bar x² GPT-4o's “quotes” – 3.5% C++ relational sensibility fluency digitizers"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> KeywordIndex:
    return KeywordIndex(tmp_path_factory.mktemp("keyword"))


@pytest.fixture(scope="module")
def abstracts() -> list[str]:
    texts = []
    for path in sorted(HF_DAILY.glob("????-??-??.json"))[::20]:
        texts += [collapse(e["paper"]["summary"]) for e in json.loads(Path(path).read_text())]
    return [*texts, TRICKY]


def _by_analysis(index: KeywordIndex, text: str, terms: set[str]) -> list[tuple[int, int]]:
    return [(start, end) for term, start, end in index.spans(text) if term in terms]


def test_matcher_marks_what_the_analysis_marks_in_real_abstracts(
    index: KeywordIndex, abstracts: list[str]
) -> None:
    rng = random.Random(11)
    marked = 0
    for text in abstracts:
        own = [term for term, _, _ in index.spans(text)]
        other = [term for term, _, _ in index.spans(rng.choice(abstracts))]
        terms = set(rng.sample(own, min(3, len(own)))) | set(rng.sample(other, min(2, len(other))))
        expected = _by_analysis(index, text, terms)
        assert index.matcher(terms)(text) == expected, (terms, text[:200])
        marked += len(expected)
    assert len(abstracts) > 100 and marked > len(abstracts)


def test_irregular_stems_folded_letters_and_other_scripts_are_marked(index: KeywordIndex) -> None:
    terms = {term for term, _, _ in index.spans(TRICKY)}
    spans = index.matcher(terms)(TRICKY)
    assert spans == _by_analysis(index, TRICKY, terms)
    words = {TRICKY[start:end] for start, end in spans}
    assert {"Dying", "lying", "skies", "studies", "happy", "Naïve", "café", "Straße", "東京"} <= words
    shown = str(snippet(TRICKY, index.matcher(set(index.terms("die happiness naive")))))
    assert all(f"<mark>{word}</mark>" in shown for word in ("Dying", "Naïve", "Happiness", "happy"))


@settings(max_examples=1000, deadline=None)
@given(text=st.text(min_size=1, max_size=120), words=st.lists(st.text(min_size=1, max_size=12), max_size=3))
def test_matcher_agrees_with_the_analysis_on_any_text(
    index: KeywordIndex, text: str, words: list[str]
) -> None:
    terms = {term for word in [*words, text[:12]] for term in index.terms(word)}
    assert index.matcher(terms)(text) == _by_analysis(index, text, terms)
