"""The hf_daily papers and the hand-written paraphrase queries that the search quality bench runs on.

The corpus is read straight from the shared data folder (never copied into the repository): every
top-level `hf_daily/YYYY-MM-DD.json` file is a Hugging Face `daily_papers` array; `transformed/` holds broken
days and is skipped on purpose. A paper's searchable text is its title and abstract with whitespace collapsed,
because the abstracts are hard-wrapped and titles carry "\\n  " continuations that would otherwise leak into
tokens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = (ROOT / ".." / "shared" / "data").resolve()
HF_DAILY = DATA / "hf_daily"
PARAPHRASES = Path(__file__).resolve().parent / "paraphrases.jsonl"

_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space so hard-wrapped abstracts read as one line."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Paper:
    """One hf_daily paper as the bench sees it: id, the day it was first featured, title and abstract."""

    id: str
    date: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """Title then abstract: the same text every ranker indexes, so rankers differ only in method."""
        return collapse(f"{self.title} {self.abstract}")


@dataclass(frozen=True, slots=True)
class ParaphraseQuery:
    """A researcher's description of one paper in words other than its title."""

    arxiv_id: str
    query: str


def load_hf_daily(folder: Path = HF_DAILY) -> list[Paper]:
    """Every unique paper of the top-level day files, sorted by id; the first day a paper appears wins.

    Sorting makes the corpus order (and so tie-breaking inside rankers) independent of the file system.
    """
    files = sorted(folder.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no hf_daily day files in {folder}")
    papers: dict[str, Paper] = {}
    for path in files:
        for entry in json.loads(path.read_text(encoding="utf-8")):
            paper = entry["paper"]
            pid = paper["id"]
            if pid not in papers:
                papers[pid] = Paper(pid, path.stem, collapse(paper["title"]), collapse(paper["summary"]))
    return [papers[pid] for pid in sorted(papers)]


def load_paraphrases(path: Path = PARAPHRASES) -> list[ParaphraseQuery]:
    """The paraphrase set, one JSON object per line; blank lines are skipped, a malformed line fails."""
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries.append(ParaphraseQuery(str(row["arxiv_id"]), str(row["query"])))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a {{arxiv_id, query}} object: {exc}") from exc
    return queries
