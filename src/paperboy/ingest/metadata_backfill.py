"""arXiv metadata for papers that came from Hugging Face: categories, DOI, journal reference, versions.

Hugging Face's daily papers carry no arXiv categories, so a site fed from them has category filters and
follows that can never match. This pass asks the arXiv API for those papers by ``id_list``, a hundred ids a
request through the polite client, and merges the answers like any arXiv ingest (``store.papers_write``:
the versioned arXiv record fills what Hugging Face left empty and keeps the upvotes and organization).

Resumable: papers are taken in id order and each request's batch commits with a checkpoint holding the
last paper id it covered, so a stopped pass resumes after it, and ids arXiv does not know are not asked
again and again. Papers added later get higher ids and are picked up by a later pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.ingest.arxiv_fetch import API_PAGE_SIZE, fetch_ids
from paperboy.ingest.http import PoliteClient
from paperboy.ingest.runner import IngestReport, run
from paperboy.models import Batch, Checkpoint, Failure
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.schema import papers

SOURCE = "arxiv-metadata-backfill"
KEY = "after_paper_id"


def missing(engine: Engine, after: int, limit: int) -> list[tuple[int, str]]:
    """(paper id, arXiv id) of papers no arXiv record has reached (no version), above ``after``."""
    query = (
        sa.select(papers.c.id, papers.c.arxiv_id)
        .where(papers.c.version.is_(None), papers.c.id > after)
        .order_by(papers.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [(pid, arxiv_id) for pid, arxiv_id in conn.execute(query)]


def resume_point(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(load_checkpoints(conn, SOURCE).get(KEY, "0"))


def _batches(
    client: PoliteClient, api_url: str, todo: list[tuple[int, str]], per_request: int
) -> Iterator[Batch | Failure]:
    for start in range(0, len(todo), per_request):
        group = todo[start : start + per_request]
        for item in fetch_ids(client, api_url, [arxiv_id for _pid, arxiv_id in group], SOURCE):
            if isinstance(item, Failure):
                yield item
                return  # try this group again on the next pass, never skip past it
            item.checkpoint = Checkpoint(SOURCE, KEY, str(group[-1][0]))
            yield item


def backfill(
    engine: Engine, client: PoliteClient, api_url: str, limit: int, per_request: int = API_PAGE_SIZE
) -> IngestReport:
    """One pass over at most ``limit`` papers; the report counts the papers arXiv returned."""
    todo = missing(engine, resume_point(engine), limit)
    if not todo:
        return IngestReport(source=SOURCE)
    batches = _batches(client, api_url, todo, min(per_request, API_PAGE_SIZE))
    return run(engine, SOURCE, batches, "arXiv metadata", interactive=False)
