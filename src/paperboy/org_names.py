"""Organization names: the key that tells two spellings of one organization apart from two organizations,
and the name a page shows.

Hugging Face handles and full names are typed by people: ``GoogleDeepMind`` and ``google-deepmind``,
"Zhejiang University" under ``zju`` and ``ZhejiangUniversity``, "university of science and technology  of
china" in lower case. ``key`` folds case, accents, punctuation, spaces and a leading "The", so those
spellings meet; ``display`` tidies a name for reading without second-guessing one that has capitals.
Pure functions, no imports of ours: the store, the pages and the migrations use the same rules.
"""

from __future__ import annotations

import re
import unicodedata

# Words that stay lower case inside a title-cased name ("University of Science and Technology of China").
SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "de", "der", "di", "du", "for", "in", "la", "of", "on", "the", "und"}
)
_NOT_KEY = re.compile(r"[\W_]+", re.UNICODE)
_LEADING_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*[.,]?")
MAX_KEY = 200


def key(text: str | None) -> str:
    """The matching key of a name: letters and digits only, lower case, accents and a leading "The" dropped.

    ``GoogleDeepMind``, ``google-deepmind`` and "Google DeepMind" share ``googledeepmind``; "The University
    of Hong Kong" and "University of Hong Kong" share one key. Empty when nothing is left (a name of
    punctuation only matches nothing).
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", _LEADING_THE.sub("", text))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_KEY.sub("", plain.casefold())[:MAX_KEY]


def _title_word(word: str, first: bool) -> str:
    """One word capitalised; small words inside a name, and anything but plain words (``src=x``, ``<b>``,
    ``v2``), are left as written."""
    if (not first and word in SMALL_WORDS) or not _PLAIN_WORD.fullmatch(word):
        return word
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def title_case(text: str) -> str:
    """``"shanghai university"`` as "Shanghai University"; small words after the first stay lower case."""
    words = text.split()
    return " ".join(_title_word(word, i == 0) for i, word in enumerate(words))


def tidy(text: str | None) -> str:
    """Spaces collapsed, stray edge punctuation (``"Mistral AI_"``) dropped."""
    return " ".join((text or "").split()).strip(" _-·|")


def display(handle: str, fullname: str | None = None, chosen: str | None = None) -> str:
    """The name a page shows: a moderator's choice, else the full name, else the handle.

    A name written all in lower case ("shanghai ailab", "meituan") is title-cased; one with any capital
    ("NVIDIA", "iNLP Lab", "KAIST AI") is left as its owner wrote it. A handle shown for want of a full name
    is title-cased the same way, with its dashes and underscores as spaces.
    """
    for text in (chosen, fullname):
        shown = tidy(text)
        if shown:
            return title_case(shown) if shown == shown.lower() else shown
    spaced = tidy(handle.replace("_", " ").replace("-", " ")) or handle
    return title_case(spaced) if spaced == spaced.lower() else spaced
