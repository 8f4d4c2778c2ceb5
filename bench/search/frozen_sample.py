"""The blind rule that chose the target papers of the frozen search test set (see FROZEN.md).

The rule never looks at upvotes, titles or any ranker, so it cannot favour papers a ranker finds easily:

1. Take the unique papers of the hf_daily corpus and drop the ones the tuning set (`paraphrases.jsonl`)
   already targets, so the frozen set shares no paper with the set that rankers may be tuned on. Only the
   `arxiv_id` field of that file is read.
2. Order the rest by the day Hugging Face first featured them, then by id. This differs from the tuning set,
   which cuts the id order.
3. Cut that list into 60 equal strata and draw 4 papers from each with `random.Random(2026)`.
4. Give the 4 papers of a stratum the 4 query styles in an order drawn from the same generator, so every style
   has 60 queries spread evenly over the whole date range.

`python -m bench.search.frozen_sample` prints the sample with titles and abstracts; `--check` confirms that
`frozen_queries.jsonl` covers exactly that sample, with the drawn style on each line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from bench.search.corpus import PARAPHRASES, Paper, load_hf_daily

FROZEN = Path(__file__).resolve().parent / "frozen_queries.jsonl"
SEED = 2026
STRATA = 60
PER_STRATUM = 4
STYLES = ("keywords", "description", "question", "half-remembered")


def tuning_ids(path: Path = PARAPHRASES) -> set[str]:
    """Ids the tuning set targets; read so the frozen set stays disjoint from it."""
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {str(json.loads(line)["arxiv_id"]) for line in lines if line.strip()}


def draw(papers: list[Paper], excluded: set[str]) -> list[tuple[Paper, str]]:
    """The (paper, style) pairs of the frozen set, in corpus order of first feature day."""
    pool = sorted((p for p in papers if p.id not in excluded), key=lambda p: (p.date, p.id))
    rng = random.Random(SEED)
    sample: list[tuple[Paper, str]] = []
    for k in range(STRATA):
        stratum = pool[k * len(pool) // STRATA : (k + 1) * len(pool) // STRATA]
        chosen = sorted(rng.sample(range(len(stratum)), PER_STRATUM))
        styles = rng.sample(STYLES, len(STYLES))
        sample.extend((stratum[i], style) for i, style in zip(chosen, styles, strict=True))
    return sample


def check(sample: list[tuple[Paper, str]], path: Path = FROZEN) -> list[str]:
    """Every problem with the query file: missing, extra or duplicate ids, wrong styles, empty queries."""
    expected = {paper.id: style for paper, style in sample}
    problems: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        pid, style, query = row.get("arxiv_id"), row.get("style"), str(row.get("query", "")).strip()
        if pid not in expected:
            problems.append(f"line {number}: {pid} is not in the sample")
        elif pid in seen:
            problems.append(f"line {number}: {pid} appears twice")
        elif style != expected[pid]:
            problems.append(f"line {number}: {pid} has style {style!r}, the rule drew {expected[pid]!r}")
        if not query:
            problems.append(f"line {number}: empty query")
        seen.add(pid)
    problems.extend(f"missing: {pid}" for pid in sorted(set(expected) - seen))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="verify frozen_queries.jsonl against the rule")
    args = parser.parse_args(argv)
    sample = draw(load_hf_daily(), tuning_ids())
    if args.check:
        problems = check(sample)
        for problem in problems:
            print(problem)
        print(f"{len(sample)} papers drawn, {len(problems)} problems")
        return 1 if problems else 0
    for number, (paper, style) in enumerate(sample, start=1):
        print(f"#{number} {paper.id} [{style}] ({paper.date}) {paper.title}\n{paper.abstract}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
