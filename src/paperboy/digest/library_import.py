"""Reading a personal library someone pastes in: BibTeX, a list of arXiv ids, or a Zotero CSL-JSON export.

Only arXiv papers count (our ids are arXiv ids); entries without one are skipped and reported. Pure parsing,
no I/O, and tolerant: a malformed entry is skipped, never a crash. JSON that is no library at all (an object
without an ``items`` list, or nesting deeper than the parser follows) raises ``NotALibrary`` with the reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from paperboy import arxiv_ids

BIB_ENTRY = re.compile(r"@\w+\s*\{", re.I)
BIB_FIELD = re.compile(r"(\w+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\"[^\"]*\"|\d+)", re.S)
MAX_ITEMS = 5000


class NotALibrary(ValueError):
    """The text looks like JSON but holds no CSL-JSON list of entries; the message says why."""


@dataclass
class Imported:
    items: list[tuple[str, str | None]] = field(default_factory=list)  # (arxiv id, title)
    skipped: int = 0
    format: str = "ids"


def _find_id(*texts: str | None) -> str | None:
    for text in texts:
        found = arxiv_ids.find(text)
        if found:
            return found
    return None


def _corr_volume(volume: str) -> str | None:
    found = arxiv_ids.parse(volume.removeprefix("abs/")) if volume.startswith("abs/") else None
    return found.id if found else None


def _clean(value: str) -> str:
    return " ".join(value.strip().strip('{}"').replace("{", "").replace("}", "").split())


def parse_bibtex(text: str) -> Imported:
    result = Imported(format="bibtex")
    starts = [m.start() for m in BIB_ENTRY.finditer(text)]
    for begin, end in zip(starts, [*starts[1:], len(text)], strict=True):
        fields = {k.lower(): _clean(v) for k, v in BIB_FIELD.findall(text[begin:end])}
        arxiv_id = None
        if fields.get("archiveprefix", "").lower() == "arxiv" or "eprint" in fields:
            arxiv_id = _find_id(fields.get("eprint"))
        if not arxiv_id and fields.get("journal", "").lower() == "corr":  # DBLP: volume = {abs/2606.24033}
            arxiv_id = _corr_volume(fields.get("volume", ""))
        arxiv_id = arxiv_id or _find_id(
            fields.get("url"), fields.get("doi"), fields.get("journal"), fields.get("note")
        )
        if arxiv_id:
            result.items.append((arxiv_id, fields.get("title")))
        else:
            result.skipped += 1
    return result


def _scalar(value: object) -> str:
    """A field as text; lists and objects are not ids or titles (and may nest deep enough to break str())."""
    return str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def parse_csl_json(data: object) -> Imported:
    result = Imported(format="csl-json")
    entries = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise NotALibrary('CSL-JSON must be a list of entries, or an object whose "items" is one.')
    for entry in entries:
        if not isinstance(entry, dict):
            result.skipped += 1
            continue
        texts = [_scalar(entry.get(k)) for k in ("URL", "DOI", "number", "archive_location", "id", "note")]
        arxiv_id = _find_id(*texts)
        if arxiv_id:
            result.items.append((arxiv_id, _scalar(entry.get("title")) or None))
        else:
            result.skipped += 1
    return result


def parse_ids(text: str) -> Imported:
    result = Imported(format="ids")
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        arxiv_id = _find_id(line)
        if arxiv_id:
            result.items.append((arxiv_id, None))
        else:
            result.skipped += 1
    return result


def _canonical(arxiv_id: str) -> str | None:
    """The id as arXiv spells it (``HEP-TH/9901001`` -> ``hep-th/9901001``), None when it is no arXiv id."""
    found = arxiv_ids.parse(arxiv_id)
    return found.id if found else None


def parse_library(text: str) -> Imported:
    """Detect the format and parse; duplicates dropped, at most ``MAX_ITEMS`` items."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except RecursionError:
            raise NotALibrary("The JSON is nested too deeply to be a CSL-JSON export.") from None
        except ValueError:  # not JSON, or a number too long for one: read as a list of ids
            data = None
        result = parse_ids(stripped) if data is None else parse_csl_json(data)
    elif BIB_ENTRY.search(stripped):
        result = parse_bibtex(stripped)
        if not result.items:  # a stray "@x{" in a list of ids must not swallow the whole list
            result = parse_ids(stripped)
    else:
        result = parse_ids(stripped)
    seen: dict[str, str | None] = {}
    for arxiv_id, title in result.items:
        canonical = _canonical(arxiv_id)
        if canonical is None:
            result.skipped += 1
        else:
            seen.setdefault(canonical, title)
    result.items = list(seen.items())[:MAX_ITEMS]
    return result
