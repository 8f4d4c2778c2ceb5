"""Fetch loops for arXiv's API, OAI-PMH and listing feeds: paging, resumption and checkpoints.

Parsing lives in the per-format modules; this module only decides what to ask for next and what a page
means for the checkpoint. Every page becomes one batch whose checkpoint says where to resume; a record the
parser could not read is reported as a failure of its own, and the rest of its page still lands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from paperboy.errors import IngestError
from paperboy.ingest.arxiv_atom import parse_atom_feed
from paperboy.ingest.arxiv_rss import parse_listing_feed
from paperboy.ingest.http import PoliteClient
from paperboy.ingest.oai_pmh import OaiError, parse_list_records
from paperboy.models import Batch, Checkpoint, Failure

API_PAGE_SIZE = 100
OAI_DONE = "complete"


def _url(base: str, params: dict) -> str:
    return f"{base}?{urlencode(params)}"


def _rejected(label: str, reasons: list[str]) -> Iterator[Failure]:
    """One failure per record the parser set aside, so the run reports it while the page still lands."""
    return (Failure(label=label, reason=reason) for reason in reasons)


def fetch_ids(
    client: PoliteClient, api_url: str, ids: Iterable[str], source: str, chunk: int = API_PAGE_SIZE
) -> Iterator[Batch | Failure]:
    """Metadata for known ids, ``chunk`` ids per request (arXiv accepts long id lists, we stay modest)."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), chunk):
        group = wanted[start : start + chunk]
        params = {
            "search_query": "",
            "id_list": ",".join(group),
            "sortBy": "relevance",
            "sortOrder": "descending",
            "start": 0,
            "max_results": chunk,
        }
        label = _url(api_url, params)
        try:
            # arXiv answers a malformed id with HTTP 400 and an Atom "Error" entry: let the parser word it.
            response = client.get(api_url, params=params, accept_status=(200, 400))
            page = parse_atom_feed(response.content, label)
        except IngestError as exc:
            yield Failure(label=label, reason=exc.reason)
            continue
        yield from _rejected(label, page.rejected)
        yield Batch(label=label, papers=page.papers)


def fetch_query(
    client: PoliteClient,
    api_url: str,
    query: str,
    source: str,
    max_results: int,
    resume_from: int = 0,
    page_size: int = API_PAGE_SIZE,
    sort_by: str = "submittedDate",
) -> Iterator[Batch | Failure]:
    """Page through a search; an empty page while more results are promised is retried, not an end."""
    start = resume_from
    total: int | None = None
    empty_retries = 0
    while start < max_results and (total is None or start < total):
        params = {
            "search_query": query,
            "id_list": "",
            "start": start,
            "max_results": min(page_size, max_results - start),
            "sortBy": sort_by,
            "sortOrder": "descending",
        }
        label = _url(api_url, params)
        try:
            response = client.get(api_url, params=params, accept_status=(200, 400))
            page = parse_atom_feed(response.content, label)
        except IngestError as exc:
            yield Failure(label=label, reason=exc.reason)
            return
        total = page.total_results
        yield from _rejected(label, page.rejected)
        if not page.papers and not page.rejected and start < total:
            if empty_retries >= client.retries:
                yield Failure(
                    label=label, reason=f"empty page at {start} of {total} after {empty_retries} retries"
                )
                return
            client.sleep(client.backoff_delay(empty_retries))
            empty_retries += 1
            continue
        empty_retries = 0
        start += len(page.papers) + len(page.rejected)
        yield Batch(label=label, papers=page.papers, checkpoint=Checkpoint(source, query, str(start)))


def oai_source(prefix: str, set_spec: str | None, from_date: str | None, until: str | None) -> str:
    return f"arxiv-oai:{prefix}:{set_spec or '*'}:{from_date or '*'}:{until or '*'}"


def fetch_oai(
    client: PoliteClient,
    oai_url: str,
    prefix: str,
    set_spec: str | None,
    from_date: str | None,
    until: str | None,
    resume_token: str | None,
) -> Iterator[Batch | Failure]:
    """ListRecords with resumption tokens; the checkpoint holds the token of the next page."""
    source = oai_source(prefix, set_spec, from_date, until)
    if resume_token == OAI_DONE:
        return
    token = resume_token
    while True:
        if token:
            params = {"verb": "ListRecords", "resumptionToken": token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": prefix}
            params.update(
                {k: v for k, v in {"set": set_spec, "from": from_date, "until": until}.items() if v}
            )
        label = _url(oai_url, params)
        try:
            response = client.get(oai_url, params=params)
            page = parse_list_records(response.content, label)
        except OaiError as exc:
            if exc.code == "badResumptionToken" and token and token == resume_token:
                # A saved token expired between runs: harvest again from the start (upserts are idempotent).
                token = resume_token = None
                continue
            yield Failure(label=label, reason=exc.reason)
            return
        except IngestError as exc:
            yield Failure(label=label, reason=exc.reason)
            return
        token = page.resumption_token
        yield from _rejected(label, page.rejected)
        yield Batch(
            label=label,
            papers=page.papers,
            deleted_ids=page.deleted_ids,
            checkpoint=Checkpoint(source, "resumption", token or OAI_DONE),
        )
        if not token:
            return


def fetch_listings(
    client: PoliteClient,
    rss_url: str,
    categories: Iterable[str],
    atom: bool = False,
    done: Callable[[str], bool] = lambda key: False,
) -> Iterator[Batch | Failure]:
    """Today's announcements (new, cross-lists, replacements) of each category's listing feed."""
    kind = "atom" if atom else "rss"
    for category in categories:
        label = f"{rss_url.rstrip('/')}/{kind}/{category}"
        try:
            response = client.get(label)
            page = parse_listing_feed(response.content, label)
        except IngestError as exc:
            yield Failure(label=label, reason=exc.reason)
            continue
        yield from _rejected(label, page.rejected)
        day = max((item.announced_on for item in page.items), default=None)
        checkpoint = Checkpoint(f"arxiv-{kind}", category, day.isoformat()) if day else None
        yield Batch(label=label, papers=[item.paper for item in page.items], checkpoint=checkpoint)
