"""What similar-paper reasons cite, before and after key phrases, on a sample of real papers.

    .venv/bin/python bench/similar_reasons.py [--papers 60] [--keyword-only]

Over the bench database of the 9,577 hf_daily papers (bench/search/service_db.py), for each sampled paper and
each of its five most similar papers, the reason is written twice: by the previous rule (the paper's most
distinctive single index terms that the neighbour also has, up to three) and by the current one
(``rank.phrases``: key phrases both use). A cited item is a "stray token" when it is one word with a digit,
one word of at most four letters, or one of the generic words of paper-speak. Prints the shares and examples.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from bench.search.service_db import service  # noqa: E402

from paperboy.rank.phrases import GENERIC_WORDS  # noqa: E402
from paperboy.search.neighbours import distinctive_terms  # noqa: E402
from paperboy.search.similar_papers import compute  # noqa: E402
from paperboy.store import embeddings as store  # noqa: E402
from paperboy.store.schema import papers  # noqa: E402

QUOTED = re.compile(r"“([^”]+)”")


def previous_words(svc, title: str, abstract: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The former rule's index term -> word as written (title first)."""
    found: dict[str, str] = {}
    for text in (title, abstract):
        for term, start, end in svc.keyword.spans(text):
            word = text[start:end]
            found.setdefault(term, word if word.isupper() else word.lower())
    return found


def previous_reason(svc, row, other, cosine: float | None) -> list[str]:  # type: ignore[no-untyped-def]
    """The single terms the former rule quoted: distinctive terms of the paper, rarest first, that the
    neighbour also has; terms in a tenth of all papers were skipped."""
    searcher = svc.keyword.searcher()
    total = max(1, searcher.num_docs)
    terms = distinctive_terms(svc.keyword, row.title, row.abstract)
    freq = {t: searcher.doc_freq("text", t) for t in terms}
    ranked = sorted((t for t in terms if freq[t] <= 0.1 * total), key=lambda t: freq[t])
    words = previous_words(svc, other.title, other.abstract)
    return [words[t] for t in ranked if t in words][:3]


def stray(item: str) -> bool:
    words = item.split()
    if len(words) > 1:
        return False
    word = words[0].lower()
    return bool(re.search(r"\d", word)) or len(word) <= 4 or word in GENERIC_WORDS


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=60)
    parser.add_argument("--keyword-only", action="store_true", help="neighbours without vectors")
    args = parser.parse_args(argv)
    svc = service(semantic=not args.keyword_only)
    with svc.engine.connect() as conn:
        ids = conn.execute(sa.select(papers.c.id).order_by(papers.c.id)).scalars().all()
    sample = random.Random(4).sample(ids, args.papers)
    counts = {"before": [0, 0, 0], "after": [0, 0, 0]}  # reasons, citing a stray token, citing a phrase/words
    examples = []
    for paper_id in sample:
        with svc.engine.connect() as conn:
            row = store.index_rows(conn, [paper_id])[0]
        found = compute(svc, paper_id, k=5)
        with svc.engine.connect() as conn:
            others = {r.id: r for r in store.index_rows(conn, [n.neighbour_id for n in found])}
        for n in found:
            before = previous_reason(svc, row, others[n.neighbour_id], n.cosine)
            after = QUOTED.findall(n.reason)
            for key, items in (("before", before), ("after", after)):
                counts[key][0] += 1
                counts[key][1] += any(stray(i) for i in items)
                counts[key][2] += bool(items)
            if len(examples) < 10 and before and any(stray(i) for i in before):
                examples.append((row.title, others[n.neighbour_id].title, before, n.reason))
    for key, (total, strays, cited) in counts.items():
        print(
            f"{key:6}: {total} reasons, {strays / total:.0%} cite a stray token, "
            f"{cited / total:.0%} cite words"
        )
    for mine, theirs, before, after in examples:
        print(
            f"\n{mine[:70]}\n  → {theirs[:70]}\n  before: Also about {', '.join(before)}\n  after:  {after}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
