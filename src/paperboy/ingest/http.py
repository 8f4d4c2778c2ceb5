"""A polite HTTP client shared by every upstream source.

arXiv asks for at most one request every three seconds on one connection; Hugging Face rate-limits too. This
client spaces requests per host, names us and the operator in the User-Agent, honours Retry-After, and retries
429 / 5xx / timeouts with exponential backoff and jitter, so an ingest survives a flaky upstream without
hammering it. Two guards serve fetches of untrusted addresses (pictures): ``max_bytes`` stops reading a
body once it passes a size, and ``allow_host`` refuses any request, redirects included, to a host it rejects.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from paperboy.errors import IngestError, UpstreamRefused

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 600.0


def retry_after_seconds(
    value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> float | None:
    """Parse Retry-After given as seconds or as an HTTP date; ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now()).total_seconds(), MAX_RETRY_AFTER))


class PoliteClient:
    """Spaces requests per host by ``min_interval`` seconds and retries what is worth retrying."""

    def __init__(
        self,
        user_agent: str,
        min_interval: dict[str, float] | None = None,
        default_interval: float = 0.0,
        timeout: float = 30.0,
        retries: int = 6,
        backoff: float = 2.0,
        max_connections: int = 1,
        sleep: Callable[[float], None] = time.sleep,
        allow_host: Callable[[str], bool] | None = None,
    ) -> None:
        hooks = {"request": [_host_guard(allow_host)]} if allow_host is not None else {}
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            follow_redirects=True,
            event_hooks=hooks,
        )
        self._intervals = min_interval or {}
        self._default_interval = default_interval
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        interval = self._intervals.get(host, self._default_interval)
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            if last is not None and now - last < interval:
                self.sleep(interval - (now - last))
            self._last_request[host] = time.monotonic()

    def backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter: spreads retries of several clients apart."""
        return self.backoff * (2**attempt) * (0.5 + random.random() / 2)

    def get(
        self,
        url: str,
        params: dict | None = None,
        accept_status: tuple[int, ...] = (200,),
        max_bytes: int | None = None,
    ) -> httpx.Response:
        """GET with politeness and retries; raise IngestError naming the URL when it finally fails, and at
        once when the body is longer than ``max_bytes`` (whatever its Content-Length claimed)."""
        host = urlsplit(url).netloc
        last_problem = ""
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            try:
                response = self._fetch(url, params, max_bytes)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                delay = self.backoff_delay(attempt)
            else:
                if response.status_code in accept_status:
                    return response
                last_problem = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUS:
                    raise IngestError(str(response.url), f"{last_problem}: {response.text[:300]}")
                delay = retry_after_seconds(response.headers.get("Retry-After")) or self.backoff_delay(
                    attempt
                )
            if attempt < self.retries:
                log.warning(
                    "%s failed (%s); retry %d/%d in %.1fs",
                    url,
                    last_problem,
                    attempt + 1,
                    self.retries,
                    delay,
                )
                self.sleep(delay)
        raise IngestError(url, f"gave up after {self.retries + 1} attempts: {last_problem}")

    def _fetch(self, url: str, params: dict | None, max_bytes: int | None) -> httpx.Response:
        if max_bytes is None:
            return self._client.get(url, params=params)
        with self._client.stream("GET", url, params=params) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise UpstreamRefused(url, f"{int(declared):,} bytes is over the {max_bytes:,} byte limit")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise UpstreamRefused(url, f"the body is over the {max_bytes:,} byte limit")
        # The body is decoded already: its Content-Encoding and Content-Length no longer describe it.
        headers = [
            (k, v) for k, v in response.headers.items() if k not in ("content-encoding", "content-length")
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=bytes(body), request=response.request
        )


def _host_guard(allow_host: Callable[[str], bool]) -> Callable[[httpx.Request], None]:
    def check(request: httpx.Request) -> None:
        if not allow_host(request.url.host):
            raise UpstreamRefused(str(request.url), f"{request.url.host!r} is not an allowed host")

    return check
