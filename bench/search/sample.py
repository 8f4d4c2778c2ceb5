"""Which hf_daily papers the paraphrase set describes: a seeded, stratified sample over the sorted ids.

The rule is fixed so the set can be checked and extended: sort the unique paper ids (arXiv ids sort by
submission month), cut the list into `n` equal strata, and draw one paper per stratum with
`random.Random(seed)`. That spreads the sample evenly over the two years of the corpus and, within a
stratum, picks blindly rather than by fame. Printing the sample gives an annotator each paper's title and
abstract to write a query from.

    .venv/bin/python -m bench.search.sample            # the 240 papers of paraphrases.jsonl, with abstracts
    .venv/bin/python -m bench.search.sample --check    # does paraphrases.jsonl cover exactly this sample?
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench.search` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.search.corpus import Paper, load_hf_daily, load_paraphrases  # noqa: E402

SIZE = 240
SEED = 4  # the search issue's number


def sample_papers(papers: Sequence[Paper], n: int = SIZE, seed: int = SEED) -> list[Paper]:
    """One paper drawn at random from each of n equal strata of the id-sorted corpus."""
    ordered = sorted(papers, key=lambda p: p.id)
    rng = random.Random(seed)
    picked = []
    for i in range(n):
        low, high = i * len(ordered) // n, (i + 1) * len(ordered) // n
        picked.append(ordered[low + rng.randrange(high - low)])
    return picked


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="compare paraphrases.jsonl with the sample")
    args = parser.parse_args(argv)
    sample = sample_papers(load_hf_daily())
    if args.check:
        wanted = {p.id for p in sample}
        have = [q.arxiv_id for q in load_paraphrases()]
        missing, extra = wanted - set(have), set(have) - wanted
        duplicated = len(have) - len(set(have))
        print(
            f"{len(have)} queries; missing {sorted(missing)}; not in sample {sorted(extra)}; dup {duplicated}"
        )
        return 1 if missing or extra or duplicated else 0
    for number, paper in enumerate(sample):
        print(f"[{number}] {paper.id} (first featured {paper.date})\nT: {paper.title}\nA: {paper.abstract}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
