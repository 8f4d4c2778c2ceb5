"""Submitting a paper: canonical id → rules → arXiv metadata → one transaction that features it today.

Used by the submit page and by ``POST /api/papers/submit``, so both apply the same rules with the same words.
The order is chosen so that the cheap refusals (bad input, duplicate, daily cap) never cost arXiv a request,
and so that nothing is stored unless everything succeeded: the paper row and its daily entry are written in
one transaction, after the rules were checked again inside it (two people may submit at the same moment).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.errors import IngestError
from paperboy.ingest.arxiv_atom import parse_atom_feed
from paperboy.ingest.arxiv_fetch import API_PAGE_SIZE
from paperboy.ingest.clients import make_client
from paperboy.ingest.http import PoliteClient
from paperboy.models import Paper
from paperboy.store import submissions
from paperboy.store.accounts import Account
from paperboy.store.papers import get_paper
from paperboy.store.papers_write import upsert_papers
from paperboy.submit import rules
from paperboy.submit.parse import canonical_id

log = logging.getLogger(__name__)

# A person is waiting on the page: fail after a couple of retries instead of the ingest's patient six.
SUBMIT_RETRIES = 2
_client_lock = threading.Lock()


def make_submit_client(settings: Settings) -> PoliteClient:
    client = make_client(settings)
    client.retries = min(client.retries, SUBMIT_RETRIES)
    return client


def app_client(holder: Any, settings: Settings) -> PoliteClient:
    """One client per app (kept on ``holder``, the app state), so arXiv's interval holds across users."""
    with _client_lock:
        client = getattr(holder, "submit_client", None)
        if client is None:
            client = make_submit_client(settings)
            holder.submit_client = client
        return client


def fetch_paper(client: PoliteClient, api_url: str, arxiv_id: str) -> Paper:
    """One paper's metadata from the arXiv API; only ``api_url`` is contacted, with the id as a parameter."""
    # The query ``ingest.arxiv_fetch.fetch_ids`` sends, so caches and recorded responses serve both.
    params = {
        "search_query": "",
        "id_list": arxiv_id,
        "sortBy": "relevance",
        "sortOrder": "descending",
        "start": 0,
        "max_results": API_PAGE_SIZE,
    }
    try:
        response = client.get(api_url, params=params, accept_status=(200, 400))
    except IngestError as exc:
        log.warning("arXiv unavailable for submission of %s: %s", arxiv_id, exc)
        raise rules.ArxivUnavailable() from exc
    try:
        page = parse_atom_feed(response.content, str(response.url))
    except IngestError as exc:
        if response.status_code == 400:  # arXiv's own "incorrect id format" error entry
            raise rules.NoSuchPaper(arxiv_id) from exc
        log.warning("unreadable arXiv answer for %s: %s", arxiv_id, exc)
        raise rules.ArxivUnavailable() from exc
    for paper in page.papers:
        if paper.arxiv_id == arxiv_id:
            return paper
    if page.rejected:
        log.warning("unreadable arXiv entry for %s: %s", arxiv_id, "; ".join(page.rejected))
        raise rules.ArxivUnavailable()
    raise rules.NoSuchPaper(arxiv_id)


def _has_arxiv_metadata(paper: Paper) -> bool:
    """A record from arXiv itself (versioned, dated); a Hugging Face-only record is fetched again."""
    return paper.version is not None and paper.submitted_at is not None and bool(paper.title)


def submit_paper(
    engine: Engine,
    settings: Settings,
    user: Account,
    text: str,
    today: date | None = None,
    client: PoliteClient | None = None,
) -> str:
    """Feature the paper ``text`` names on today's (UTC) feed, credited to ``user``; return its arXiv id.

    Raises ``BadRequest`` for input that is not an id or link, and the ``submit.rules`` refusals otherwise.
    """
    arxiv_id = canonical_id(text)
    now = datetime.now(UTC)
    today = today or now.date()
    if today != now.date():
        now = datetime.combine(today, now.timetz())
    cap, max_age = settings.submission_daily_cap, settings.submission_max_age_days

    with engine.connect() as conn:
        rules.check_not_featured(arxiv_id, submissions.features(conn, arxiv_id), today)
        rules.check_daily_cap(submissions.submissions_on(conn, user.id, today), cap, today, now)
        stored = get_paper(conn, arxiv_id)
    if stored is not None and stored.hidden:
        raise rules.PaperHidden(arxiv_id)

    fetched = None
    if stored is not None and _has_arxiv_metadata(stored.paper):
        paper = stored.paper
    else:
        if client is None:
            with make_submit_client(settings) as own:
                fetched = fetch_paper(own, settings.arxiv_api_url, arxiv_id)
        else:
            fetched = fetch_paper(client, settings.arxiv_api_url, arxiv_id)
        paper = fetched
    rules.check_age(paper, today, max_age)

    with engine.begin() as conn:
        submissions.lock_user(conn, user.id)  # a write first: see lock_user for why
        rules.check_not_featured(arxiv_id, submissions.features(conn, arxiv_id), today)
        rules.check_daily_cap(submissions.submissions_on(conn, user.id, today), cap, today, now)
        if fetched is not None:
            upsert_papers(conn, [fetched])
        if not submissions.add_submission(conn, today, arxiv_id, user.id, now):
            # Someone else featured it between our check and our insert: report them, store nothing.
            rules.check_not_featured(arxiv_id, submissions.features(conn, arxiv_id), today)
            raise rules.AlreadyFeatured(arxiv_id, submissions.Feature(today, "submission", None), today)
    log.info("%s submitted %s for %s", user.username, arxiv_id, today)
    return arxiv_id
