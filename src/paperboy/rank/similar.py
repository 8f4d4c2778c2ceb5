"""Why two papers are similar, in one line a reader can check (pure functions, no I/O).

The ranking itself comes from search (vectors + more-like-this, fused); this module says what the two papers
have in common, strongest evidence first: shared authors, then key phrases both use (``rank.phrases``: runs
of words such as "speculative decoding", never a lone token like "9" or "held"), then the embedding's verdict
when neither explains the match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Facts:
    """What the reason may cite about one paper."""

    authors: Sequence[str] = ()
    categories: Sequence[str] = ()
    org: str | None = None


@dataclass(frozen=True, slots=True)
class Similar:
    paper_id: int
    score: float
    reason: str


def _names(names: Sequence[str], limit: int = 2) -> str:
    shown = list(names[:limit])
    more = len(names) - len(shown)
    text = ", ".join(shown)
    return f"{text} +{more}" if more else text


def _quoted(words: Sequence[str]) -> str:
    quoted = [f"“{w}”" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def reason(paper: Facts, other: Facts, phrases: Sequence[str], cosine: float | None) -> str:
    """One line; ``phrases``: key phrases both papers use, strongest first; ``cosine``: embedding score."""
    parts: list[str] = []
    mine = {a.casefold() for a in paper.authors}
    shared_authors = [a for a in other.authors if a.casefold() in mine]
    if shared_authors:
        parts.append(f"Same author{'s' if len(shared_authors) > 1 else ''}: {_names(shared_authors)}")
    if phrases:
        parts.append(("both about " if parts else "Both about ") + _quoted(phrases))
    if not parts and cosine is not None:
        strength = "very close" if cosine >= 0.75 else "close" if cosine >= 0.6 else "related"
        parts.append(f"Abstract {strength} in meaning (similarity {cosine:.2f})")
    elif cosine is not None and cosine >= 0.75:
        parts.append("very close in meaning")
    if not parts:
        same_cats = [c for c in other.categories if c in set(paper.categories)]
        parts.append(f"Same field: {same_cats[0]}" if same_cats else "Shares topic words")
    return "; ".join(parts)
