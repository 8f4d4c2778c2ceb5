"""The text a paper is embedded and compared by, and snippets with the matched words highlighted."""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup, escape

_SPACE = re.compile(r"\s+")
SNIPPET_CHARS = 280


def collapse(text: str) -> str:
    """Abstracts are hard-wrapped and titles carry line breaks; embeddings should not see either."""
    return _SPACE.sub(" ", text).strip()


def paper_text(title: str, abstract: str) -> str:
    """Title then abstract: the same text the quality bench embeds, so its cached vectors stay valid."""
    return collapse(f"{title} {abstract}")


Find = Callable[[str], list[tuple[int, int]]]


def snippet(text: str, find: Find, size: int = SNIPPET_CHARS) -> Markup:
    """The window of ``text`` with the most matched terms, escaped, matches wrapped in ``<mark>``.

    ``find`` gives the (start, end) character spans of the query's terms (``KeywordIndex.matcher``), so
    matching uses the index's own analysis (stems, folded accents) while the snippet shows the words as
    written.
    """
    text = collapse(text)
    spans = find(text)
    if len(text) <= size:
        begin, end = 0, len(text)
    else:
        best, begin = -1, 0
        for first, _ in spans or [(0, 0)]:
            start = max(0, first - 40)
            count = sum(1 for s, e in spans if s >= start and e <= start + size)
            if count > best:
                best, begin = count, start
        if begin:
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < begin + 20 else begin
        end = min(len(text), begin + size)
        if end < len(text):
            cut = text.rfind(" ", begin, end)
            end = cut if cut > begin + size // 2 else end
    out = ["…" if begin else ""]
    cursor = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    out.append(str(escape(text[cursor:end])))
    out.append("…" if end < len(text) else "")
    return Markup("".join(out))
