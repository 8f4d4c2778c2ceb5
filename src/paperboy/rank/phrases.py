"""Key phrases of a paper, for saying what two papers share ("video diffusion", "mixture of experts").

A phrase is a run of two or three analysed words that follow each other in the title or abstract, allowing
one stop word inside ("mixture of experts", not "of experts"). Words with digits ("7times", "9") and words
shorter than three letters never take part, and a phrase may not begin or end with one of the generic words
of paper-speak ("results", "propose", "show") or a bare adjective of degree ("large", "new"), so what is left
names a thing. Phrases compare by their stems, so "language models" in one paper matches "language model"
in another; the form shown is the neighbour's own wording. Pure functions: the caller supplies the
tokenizer (the keyword index's analyser), so stems here are the index's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# (term, start, end, position) of each token: the keyword index's ``tokens`` turned into tuples.
Tokens = Sequence[tuple[str, int, int, int]]
Tokenize = Callable[[str], Tokens]
MAX_WORDS = 3
# fmt: off
GENERIC_WORDS = (
    "paper", "propose", "proposed", "method", "methods", "approach", "results", "result", "show",
    "shows", "demonstrate", "experiments", "extensive", "novel", "work", "task", "tasks",
    "performance", "state", "art", "existing", "new", "based", "using", "use", "significantly",
    "outperforms", "framework", "study", "first", "achieves", "improves", "effective", "efficient",
    "evaluation", "address", "introduce", "present", "large", "small", "high", "low", "better", "best",
    "strong", "simple", "prior", "recent", "current", "leverage", "wide", "various", "different",
    "specific", "general", "key", "main", "important", "significant", "comprehensive", "benchmark",
    "benchmarks", "data", "dataset", "datasets",
)
# fmt: on


def generic_terms(tokenize: Tokenize) -> frozenset[str]:
    """The index terms (stems) of the generic words, by the same analyser the phrases go through."""
    return frozenset(t[0] for t in tokenize(" ".join(GENERIC_WORDS)))


@dataclass(frozen=True, slots=True)
class Phrase:
    key: tuple[str, ...]  # the stems, what two papers compare by
    offsets: tuple[int, ...]  # each stem's place from the first (a stop word inside leaves a gap)
    text: str  # as written, for showing


def _usable(term: str, start: int, end: int, text: str) -> bool:
    word = text[start:end]
    return len(word) >= 3 and word.isalpha()


def phrases(text: str, tokenize: Tokenize, generic: frozenset[str]) -> dict[tuple[str, ...], Phrase]:
    """Every candidate key phrase of ``text``, keyed by stems (first wording kept); ``generic`` from
    ``generic_terms``."""
    tokens = [t for t in tokenize(text) if _usable(t[0], t[1], t[2], text)]
    found: dict[tuple[str, ...], Phrase] = {}
    for i in range(len(tokens)):
        run = [tokens[i]]
        gaps = 0
        for j in range(i + 1, min(len(tokens), i + MAX_WORDS)):
            step = tokens[j][3] - run[-1][3]
            if step < 1 or step > 2 or gaps + (step - 1) > 1:
                break
            gaps += step - 1
            run.append(tokens[j])
            if run[0][0] in generic or run[-1][0] in generic:
                continue
            key = tuple(t[0] for t in run)
            if len(set(key)) < len(key):
                continue
            offsets = tuple(t[3] - run[0][3] for t in run)
            found.setdefault(key, Phrase(key, offsets, " ".join(text[run[0][1] : run[-1][2]].split())))
    return found


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def shared(
    mine: dict[tuple[str, ...], Phrase],
    theirs: dict[tuple[str, ...], Phrase],
    frequency: Callable[[Phrase], int],
    total: int,
    limit: int = 3,
    common: float = 0.05,
) -> list[str]:
    """The phrases both papers use, rarest in the index first, as the neighbour writes them.

    ``frequency`` gives how many papers use a phrase; one that a twentieth of all papers use ("language
    model") says nothing about these two. A phrase inside a longer shared one is not repeated.
    """
    keys = [key for key in theirs if key in mine]
    counted = [(frequency(theirs[key]), key) for key in keys]
    kept = sorted((count, key) for count, key in counted if total < 50 or count <= common * total)
    chosen: list[tuple[str, ...]] = []
    for _count, key in sorted(kept, key=lambda item: (item[0], -len(item[1]))):
        if any(_inside(key, other) or _inside(other, key) for other in chosen):
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [theirs[key].text for key in chosen]
