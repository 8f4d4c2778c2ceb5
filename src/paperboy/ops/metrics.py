"""The process's Prometheus metrics: what the middlewares count as requests pass through them.

Metrics live in prometheus-client's default registry. Under ``paperboy serve --workers N`` the client runs in
its multiprocess mode (``multiprocess.py``): each worker writes its values to memory-mapped files in one
folder and ``/metrics`` adds them up, whichever worker answers the scrape. Gauges therefore say how they
combine across workers: the admission queue is the sum of the live workers', the index refresh time is
reported per worker, and the index age is that of the stalest.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # no `_created` twin of every series: noise on a scrape, unused by our alerts

REQUESTS = Counter(
    "paperboy_http_requests",
    "HTTP requests answered, by route template, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "paperboy_http_request_duration_seconds",
    "Seconds from a request's arrival to the end of its answer, by route template.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
EXCEPTIONS = Counter(
    "paperboy_http_exceptions",
    "Requests whose handler raised (the reader got a 500 page), by route template.",
    ["route", "method"],
)
ADMISSION_ACTIVE = Gauge(
    "paperboy_admission_active",
    "Requests at work inside the admission gate (at most PAPERBOY_WEB_THREADS per worker).",
    multiprocess_mode="livesum",
)
ADMISSION_WAITING = Gauge(
    "paperboy_admission_waiting",
    "Requests queued at the admission gate, waiting for a thread.",
    multiprocess_mode="livesum",
)
ADMISSION_REFUSED = Counter(
    "paperboy_admission_refused",
    "Requests answered 503 by the admission gate because the queue was too long or too slow.",
)
CACHE_LOOKUPS = Counter(
    "paperboy_response_cache_lookups",
    "Anonymous GET/HEAD requests looked up in the response cache: hit (served from memory) or miss.",
    ["result"],
)
SEARCH_REFRESHED_NAME = "paperboy_search_index_refreshed_timestamp_seconds"
SEARCH_REFRESHED = Gauge(
    SEARCH_REFRESHED_NAME,
    "Unix time the search indexes were last brought up to date (per live worker: pid label).",
    multiprocess_mode="liveall",  # not livemin: processes that never search (uvicorn's parent) hold 0
)
SEARCH_AGE = "paperboy_search_index_age_seconds"  # derived from SEARCH_REFRESHED at each scrape


def search_refreshed() -> None:
    """Called by the search service after each successful refresh."""
    SEARCH_REFRESHED.set(time.time())
