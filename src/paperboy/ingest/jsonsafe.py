"""Decoding untrusted JSON (Hugging Face days, snapshot lines) into values the store can keep.

``json.loads`` fails in more ways than ``JSONDecodeError``: deep nesting raises ``RecursionError`` and a
number longer than 4,300 digits a plain ``ValueError``; all of them become the documented ``IngestError``
here. It also accepts ``\\u0000`` and lone surrogates such as ``\\ud800``, which no database text column
takes (PostgreSQL refuses NUL, UTF-8 has no encoding for a lone surrogate), so such strings are repaired
once, at decoding: NUL is dropped and a lone surrogate becomes U+FFFD, the replacement character.
"""

from __future__ import annotations

import json
import re

from paperboy.errors import IngestError

__all__ = ["INT32_MAX", "int_or_none", "loads", "text_or_none"]

INT32_MAX = 2**31 - 1
# A NUL or surrogate escape, or raw UTF-8-encoded surrogate bytes (json.loads decodes with surrogatepass).
_NEEDS_REPAIR = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\xed[\xa0-\xbf]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _repair_text(text: str) -> str:
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _repair(value: object) -> object:
    """Every string of a decoded document made storable; iterative, as the document may nest deeply."""
    if isinstance(value, str):
        return _repair_text(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            pairs = list(node.items())
            node.clear()
            for key, item in pairs:
                node[_repair_text(key)] = _repair_text(item) if isinstance(item, str) else item
                if isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = _repair_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
    return value


def loads(data: bytes, label: str) -> object:
    """Decode ``data``; raise ``IngestError(label, "malformed JSON: ...")`` for anything unreadable."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise IngestError(label, f"malformed JSON: {reason}") from None
    return _repair(value) if _NEEDS_REPAIR.search(data) else value


def text_or_none(value: object) -> str | None:
    """The string as the source wrote it (ends trimmed: the API mirrors Hugging Face's values), or ``None``
    when the value is missing, blank or not a string at all."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def int_or_none(value: object) -> int | None:
    """A count that fits the store's integer columns (0 .. 2**31-1), else ``None`` (a boolean is no count)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT32_MAX:
        return value
    return None
