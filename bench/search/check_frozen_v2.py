"""Checks frozen_queries_v2.jsonl against the raw Hugging Face daily corpus; exit status 1 on any violation.

Each row has exactly ``query``, ``target`` and ``style``; every target exists; no target or query repeats;
keyword queries are 2-4 words and long ones 25-50; and no query shares a run of four consecutive words with
its target's title or abstract (lower-cased, words are ``[a-z0-9]+``, so hyphens and punctuation split).

    python3 bench/search/check_frozen_v2.py bench/search/frozen_queries_v2.jsonl
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

HF_DAILY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hf_daily"
STYLES = ("paraphrase", "question", "keywords", "long")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def grams(tokens: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def corpus() -> dict[str, dict]:
    papers: dict[str, dict] = {}
    for day in sorted(HF_DAILY.glob("*.json")):
        for entry in json.loads(day.read_text(encoding="utf-8")):
            papers.setdefault(entry["paper"]["id"], entry["paper"])
    return papers


def violations(rows: list[dict], papers: dict[str, dict]) -> list[str]:
    found: list[str] = []
    targets = collections.Counter(r.get("target") for r in rows)
    queries = collections.Counter(r.get("query", "").strip().lower() for r in rows)
    for n, row in enumerate(rows):
        if set(row) != {"query", "target", "style"} or row["style"] not in STYLES:
            found.append(f"row {n}: keys or style")
            continue
        paper = papers.get(row["target"])
        if paper is None:
            found.append(f"row {n}: unknown target {row['target']}")
            continue
        source = grams(words(paper["title"])) | grams(words(paper["summary"]))
        shared = sorted(" ".join(g) for g in grams(words(row["query"])) if g in source)
        if shared:
            found.append(f"row {n}: four words from the paper: {'; '.join(shared)}")
        length = len(row["query"].split())
        if row["style"] == "keywords" and not 2 <= length <= 4:
            found.append(f"row {n}: keyword query of {length} words")
        if row["style"] == "long" and not 25 <= length <= 50:
            found.append(f"row {n}: long query of {length} words")
    found += [f"target {t} used {c} times" for t, c in targets.items() if c > 1]
    found += [f"query {q!r} used {c} times" for q, c in queries.items() if c > 1]
    return found


def main(path: str) -> int:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = corpus()
    found = violations(rows, papers)
    print(f"corpus ids: {len(papers)}, rows: {len(rows)}")
    print("styles:", dict(collections.Counter(r.get("style") for r in rows)))
    for line in found:
        print("VIOLATION", line)
    print("violations:", len(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(
        main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).with_name("frozen_queries_v2.jsonl")))
    )
