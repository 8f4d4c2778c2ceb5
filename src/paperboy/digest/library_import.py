"""Reading a personal library someone pastes in: BibTeX, a list of arXiv ids, or a Zotero CSL-JSON export.

Only arXiv papers count (our ids are arXiv ids); entries without one are skipped and reported. Pure parsing,
no I/O, and tolerant: a malformed entry is skipped, never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from paperboy.models import split_arxiv_id

NEW_ID = r"\d{4}\.\d{4,5}"
OLD_ID = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?<![\w./])({NEW_ID}|{OLD_ID})(?:v\d+)?(?![\w])", re.I)
IN_URL = re.compile(rf"arxiv\.org/(?:abs|pdf)/({NEW_ID}|{OLD_ID})", re.I)
IN_DOI = re.compile(rf"10\.48550/arxiv\.({NEW_ID}|{OLD_ID})", re.I)
BIB_ENTRY = re.compile(r"@\w+\s*\{", re.I)
BIB_FIELD = re.compile(r"(\w+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\"[^\"]*\"|\d+)", re.S)
MAX_ITEMS = 5000


@dataclass
class Imported:
    items: list[tuple[str, str | None]] = field(default_factory=list)  # (arxiv id, title)
    skipped: int = 0
    format: str = "ids"


def _find_id(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        for pattern in (IN_URL, IN_DOI):
            match = pattern.search(text)
            if match:
                return match.group(1)
    for text in texts:
        if text:
            match = ARXIV_ID.search(text.removeprefix("arXiv:").strip())
            if match:
                return match.group(1)
    return None


def _canonical(arxiv_id: str) -> str | None:
    """The id as arXiv spells it (``HEP-TH/9901001`` -> ``hep-th/9901001``), None when it is no arXiv id."""
    archive, slash, number = arxiv_id.rpartition("/")
    if slash:
        name, dot, subject = archive.partition(".")
        arxiv_id = f"{name.lower()}{dot}{subject.upper()}/{number}"
    try:
        return split_arxiv_id(arxiv_id)[0]
    except ValueError:
        return None


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
        arxiv_id = arxiv_id or _find_id(
            fields.get("url"), fields.get("doi"), fields.get("journal"), fields.get("note")
        )
        if arxiv_id:
            result.items.append((arxiv_id, fields.get("title")))
        else:
            result.skipped += 1
    return result


def parse_csl_json(data: object) -> Imported:
    result = Imported(format="csl-json")
    entries = data.get("items") if isinstance(data, dict) else data
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            result.skipped += 1
            continue
        texts = [str(entry.get(k) or "") for k in ("URL", "DOI", "number", "archive_location", "id", "note")]
        arxiv_id = _find_id(*texts)
        if arxiv_id:
            title = entry.get("title")
            result.items.append((arxiv_id, str(title) if title else None))
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


def parse_library(text: str) -> Imported:
    """Detect the format and parse; duplicates dropped, at most ``MAX_ITEMS`` items."""
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            result = parse_csl_json(json.loads(stripped))
        except (ValueError, RecursionError, AttributeError):  # ValueError: also a 5,000-digit number
            result = parse_ids(stripped)
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
