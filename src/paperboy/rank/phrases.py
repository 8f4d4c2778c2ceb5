"""Key phrases of a paper, for saying what two papers share ("video diffusion", "mixture of experts").

A phrase is a run of two to five analysed words that follow each other in the title or abstract, allowing
one stop word inside ("mixture of experts", not "of experts") and never running across punctuation or
stopping inside a hyphenated word. Words with digits ("7times", "9") and words shorter than three letters
never take part, and a phrase may not begin or end with one of the generic words of paper-speak ("results",
"propose", "show", "while") or a bare adjective of degree ("large", "new"), so what is left names a thing.
Phrases compare by their stems, so "language models" in one paper matches "language model" in another; the
form shown is the neighbour's own wording. Pure functions: the caller supplies the tokenizer (the keyword
index's analyser), so stems here are the index's terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# (term, start, end, position) of each token: the keyword index's ``tokens`` turned into tuples.
Tokens = Sequence[tuple[str, int, int, int]]
Tokenize = Callable[[str], Tokens]
MAX_WORDS = 5  # "parameter-efficient fine-tuning" is already four words to the analyser
JOIN = re.compile(r"[\s\-]+(?:[A-Za-z]+[\s\-]+)?")
# fmt: off
GENERIC_WORDS = (
    "paper", "propose", "proposed", "method", "methods", "approach", "results", "result", "show",
    "shows", "demonstrate", "experiments", "extensive", "novel", "work", "task", "tasks",
    "performance", "state", "art", "existing", "new", "based", "using", "use", "significantly",
    "outperforms", "framework", "study", "first", "achieves", "improves", "effective", "efficient",
    "evaluation", "address", "introduce", "present", "large", "small", "high", "low", "better", "best",
    "strong", "simple", "prior", "recent", "current", "leverage", "wide", "various", "different",
    "specific", "general", "key", "main", "important", "significant", "comprehensive", "benchmark",
    "benchmarks", "data", "dataset", "datasets", "while", "via", "across", "within", "without", "towards",
    "toward", "also", "however", "thus", "therefore", "whether", "well", "many", "several", "often", "even",
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


def _joined(text: str, left_end: int, right_start: int) -> bool:
    """Two words belong to one phrase only across spaces, a hyphen or one small word: never across a
    comma, a bracket or a full stop ("tokens, while" and "(PEFT) techniques" are not phrases)."""
    return JOIN.fullmatch(text[left_end:right_start]) is not None


def _whole(text: str, start: int, end: int) -> bool:
    """The run does not begin or end inside a hyphenated word ("Efficient Fine" of "…Fine-Tuning")."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return not (len(before) == 2 and before[1] == "-" and before[0].isalnum()) and not (
        len(after) == 2 and after[0] == "-" and after[1].isalnum()
    )


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
            if step < 1 or step > 2 or gaps + (step - 1) > 1 or not _joined(text, run[-1][2], tokens[j][1]):
                break
            gaps += step - 1
            run.append(tokens[j])
            if run[0][0] in generic or run[-1][0] in generic or not _whole(text, run[0][1], run[-1][2]):
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
