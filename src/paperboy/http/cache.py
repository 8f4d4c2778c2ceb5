"""Anonymous pages and API answers served from memory until the data they show changes.

A handler opts a response in with ``public()`` (``Cache-Control: public, no-cache``); only 200 answers without
cookies to anonymous readers are kept. An entry is current while the data version it was rendered under is
still the process's version (``data_version.DataVersionWatch``) and it is younger than
``PAPERBOY_CACHE_MAX_AGE_SECONDS``; a write request answered by this process drops every entry at once. Hits
are answered on the event loop without a thread or a connection, with ``ETag`` / ``Last-Modified`` and ``304``
for a browser that already has the page.

A page may differ by one cookie of display preferences (``VARIANT_COOKIE``, the list or grid view of paper
cards): its value is part of the cache key, so each reader gets the view they chose without a flash.

Everything else is ``no-store`` unless its handler said otherwise: signed-in pages always are, so a shared
proxy or the browser's back button never shows one reader's page to another.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperboy.http.data_version import DataVersionWatch
from paperboy.ops.metrics import CACHE_LOOKUPS

PUBLIC = "public, no-cache"
PRIVATE = b"private, no-store"
MAX_BODY = 4 * 1024 * 1024
SAFE = ("GET", "HEAD")
CREDENTIAL_COOKIES = (b"pb_session=",)
VARIANT_COOKIE = b"pb_view"


def public(response: Response) -> Response:
    """Mark an answer as the same for every anonymous reader (no per-visitor token inside)."""
    response.headers["Cache-Control"] = PUBLIC
    return response


@dataclass(slots=True)
class Entry:
    version: int
    stored: float
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    last_modified: float


def signed_in(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return True
        if name == b"cookie" and any(c in value for c in CREDENTIAL_COOKIES):
            return True
    return False


def variant(cookie_header: bytes) -> bytes:
    """The value of the display-preference cookie, or empty: pages rendered for it are kept apart."""
    for part in cookie_header.split(b";"):
        name, _, value = part.strip().partition(b"=")
        if name == VARIANT_COOKIE:
            return value[:16]
    return b""


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _without(headers: list[tuple[bytes, bytes]], *names: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() not in names]


class ResponseCache:
    def __init__(self, app: ASGIApp, watch: DataVersionWatch, entries: int, max_age: float) -> None:
        self.app = app
        self.watch = watch
        self.capacity = entries
        self.max_age = max_age
        self._entries: OrderedDict[tuple[str, bytes, bool, bytes], Entry] = OrderedDict()

    def clear(self) -> None:
        self._entries.clear()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in SAFE:
            try:
                await self.app(scope, receive, _with_default_cache_control(send))
            finally:
                self.watch.note_write()
                self.clear()  # this process just changed something: nothing cached before is safe
            return
        if signed_in(scope):
            await self.app(scope, receive, _private(send))
            return
        version = self.watch.version if self.watch.running else None
        if version is None or self.capacity == 0:
            await self.app(scope, receive, _with_default_cache_control(send))
            return
        headers = dict(scope.get("headers", []))
        key = (
            scope["path"],
            scope.get("query_string", b""),
            b"gzip" in headers.get(b"accept-encoding", b""),
            variant(headers.get(b"cookie", b"")),
        )
        entry = self._entries.get(key)
        if entry is not None and entry.version == version and time.monotonic() - entry.stored < self.max_age:
            self._entries.move_to_end(key)
            CACHE_LOOKUPS.labels("hit").inc()
            await _replay(entry, scope, send)
            return
        CACHE_LOOKUPS.labels("miss").inc()
        await self._fill(key, version, scope, receive, send)

    async def _fill(
        self, key: tuple[str, bytes, bool, bytes], version: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run the app; a cacheable answer is buffered, stored and sent with validators, others stream."""
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                cacheable = (
                    message["status"] == 200
                    and b"public" in (_header(headers, b"cache-control") or b"")
                    and _header(headers, b"set-cookie") is None
                )
                if not cacheable:
                    passing = True
                    await _with_default_cache_control(send)(message)
                    return
                start = message
                return
            if passing:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._store_and_send(key, version, start, b"".join(chunks), scope, send)

        await self.app(scope, receive, capture)

    async def _store_and_send(
        self,
        key: tuple[str, bytes, bool, bytes],
        version: int,
        start: Message | None,
        body: bytes,
        scope: Scope,
        send: Send,
    ) -> None:
        assert start is not None
        headers = _without(list(start.get("headers", [])), b"content-length", b"etag", b"last-modified")
        headers.append((b"vary", b"Cookie"))
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        entry = Entry(version, time.monotonic(), headers, body, etag, self.watch.changed_at)
        if len(body) <= MAX_BODY:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        await _replay(entry, scope, send)


def _not_modified(entry: Entry, scope: Scope) -> bool:
    headers = dict(scope.get("headers", []))
    tags = headers.get(b"if-none-match")
    if tags is not None:
        return entry.etag in tags.replace(b"W/", b"") or tags.strip() == b"*"
    since = headers.get(b"if-modified-since")
    if since is not None:
        try:
            return parsedate_to_datetime(since.decode("latin-1")).timestamp() >= int(entry.last_modified)
        except (TypeError, ValueError):
            return False
    return False


async def _replay(entry: Entry, scope: Scope, send: Send) -> None:
    validators = [
        (b"etag", entry.etag),
        (b"last-modified", formatdate(entry.last_modified, usegmt=True).encode()),
    ]
    if _not_modified(entry, scope):
        kept = [(k, v) for k, v in entry.headers if k.lower() in (b"cache-control", b"vary")]
        await send({"type": "http.response.start", "status": 304, "headers": kept + validators})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = entry.headers + validators + [(b"content-length", str(len(entry.body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else entry.body})


def _private(send: Send) -> Send:
    """Signed-in answers carry the reader's name and tokens: never stored anywhere."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = _without(list(message.get("headers", [])), b"cache-control", b"etag", b"last-modified")
            message["headers"] = headers + [(b"cache-control", PRIVATE)]
        await send(message)

    return wrapped


def _with_default_cache_control(send: Send) -> Send:
    """``no-store`` unless the handler chose (static files, public pages while the cache is off)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            if _header(headers, b"cache-control") is None:
                message["headers"] = headers + [(b"cache-control", b"no-store")]
        await send(message)

    return wrapped
