"""CSFCube (Mysore et al., NeurIPS 2021 datasets track): graded similar-paper judgements for 50 query facets.

Each query is a computer-science paper plus a facet (background, method or result); its pool of about 250
candidate papers was gathered by several retrieval methods and graded 0-3 by two annotators, then
adjudicated. The intended use, and ours, is to re-rank each pool by similarity to the query paper and score
the ranking with NDCG, so a ranker is judged only on papers somebody actually graded.

Relevance comes from `test-pid2anns-csfcube-<facet>.json` (`relevance_adju`, aligned with `cands`); texts are
only in `readable_annotations/<pid>-<facet>-adju.txt`, whose abstracts carry one sentence per line prefixed
with a rhetorical label (`method_label: ...`) that we strip, because it is annotation, not paper text.
The data is CC BY-NC 4.0 and is read from the shared folder at run time, never copied into the repository.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.search.corpus import DATA, collapse

CSFCUBE = DATA / "relevance_csfcube"
FACETS = ("background", "method", "result")

_LABEL = re.compile(r"^[a-z]+_label:\s*")
_RULE = re.compile(r"^=+\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One pooled paper with its adjudicated grade: 0 irrelevant, 1 related, 2 similar, 3 identical."""

    pid: str
    title: str
    abstract: str
    relevance: int

    @property
    def text(self) -> str:
        """Title then abstract, the same shape as the hf_daily corpus text."""
        return collapse(f"{self.title} {self.abstract}")


@dataclass(frozen=True, slots=True)
class Query:
    """A query paper, the facet its pool was judged on, and the judged pool."""

    pid: str
    facet: str
    title: str
    abstract: str
    candidates: tuple[Candidate, ...]

    @property
    def key(self) -> str:
        """`<pid>_<facet>`, the name CSFCube's own evaluation scripts and splits use."""
        return f"{self.pid}_{self.facet}"

    @property
    def text(self) -> str:
        """Title then abstract of the query paper: what a similar-papers ranker starts from."""
        return collapse(f"{self.title} {self.abstract}")

    @property
    def relevance(self) -> dict[str, int]:
        """Candidate id -> adjudicated grade, the input `ndcg_at_k` expects."""
        return {c.pid: c.relevance for c in self.candidates}


def _parse_block(block: str) -> tuple[str, str, str] | None:
    """(paper id, title, abstract) of one paper block of a readable annotation file, or None for filler."""
    pid = title = ""
    abstract: list[str] = []
    in_abstract = False
    for line in block.splitlines():
        if line.startswith("paper_id:"):
            pid = line.split(";", 1)[0].removeprefix("paper_id:").strip()
        elif line.startswith("TITLE:"):
            title = line.removeprefix("TITLE:").strip()
        elif line.startswith("ABSTRACT:"):
            in_abstract = True
            abstract.append(_LABEL.sub("", line.removeprefix("ABSTRACT:").strip()))
        elif in_abstract and line.strip():
            abstract.append(_LABEL.sub("", line.strip()))
    if not pid:
        return None
    return pid, title, collapse(" ".join(abstract))


def read_annotation_texts(path: Path) -> tuple[tuple[str, str, str], dict[str, tuple[str, str]]]:
    """The query paper (id, title, abstract) and candidate id -> (title, abstract) of one readable file."""
    papers = [p for p in (_parse_block(b) for b in _RULE.split(path.read_text(encoding="utf-8"))) if p]
    if not papers:
        raise ValueError(f"{path}: no paper blocks")
    query, *candidates = papers
    return query, {pid: (title, abstract) for pid, title, abstract in candidates}


def load_csfcube(folder: Path = CSFCUBE) -> list[Query]:
    """All 50 query facets with their judged pools, in the order of `queries-release.csv`.

    Fails loudly when a judged candidate has no text, so a silently shrunken pool cannot inflate NDCG.
    """
    with (folder / "queries-release.csv").open(encoding="utf-8", newline="") as handle:
        order = [(row["pid"], row["facet"]) for row in csv.DictReader(handle)]
    judgements = {
        facet: json.loads((folder / f"test-pid2anns-csfcube-{facet}.json").read_text(encoding="utf-8"))
        for facet in FACETS
    }
    queries = []
    for pid, facet in order:
        judged = judgements[facet][pid]
        (qpid, qtitle, qabstract), texts = read_annotation_texts(
            folder / "readable_annotations" / f"{pid}-{facet}-adju.txt"
        )
        if qpid != pid:
            raise ValueError(f"{pid}-{facet}: readable file is about paper {qpid}")
        missing = [c for c in judged["cands"] if c not in texts]
        if missing:
            raise ValueError(f"{pid}-{facet}: no text for judged candidates {missing[:5]}")
        candidates = tuple(
            Candidate(cand, *texts[cand], int(grade))
            for cand, grade in zip(judged["cands"], judged["relevance_adju"], strict=True)
        )
        queries.append(Query(pid, facet, qtitle, qabstract, candidates))
    return queries


def ndcg_at_k(ranked_ids: Sequence[str], relevance: Mapping[str, int], k: int = 20) -> float:
    """Graded NDCG@k: gain = grade, discount = log2(rank + 1); the ideal ranking sorts the judged pool.

    Unjudged ids gain nothing. A query whose pool holds no relevant paper scores 0.0 rather than dividing by
    zero (CSFCube has none, but a filtered pool might). This is the textbook formula; CSFCube's own script
    (`rank_metrics.ndcg_at_k`, method 0) leaves rank 2 undiscounted too, which moves BM25's mean by < 0.01.
    """
    dcg = sum(relevance.get(pid, 0) / math.log2(rank + 1) for rank, pid in enumerate(ranked_ids[:k], start=1))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum(grade / math.log2(rank + 1) for rank, grade in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0
