"""What every parser promises about its output, checked on whatever the fuzzers feed it.

A parser of outside data may do two things: return records the store can keep, or raise ``IngestError``
(the documented rejection, see ``paperboy.errors``). "Records the store can keep" is checked here field by
field: a wrong type, a NUL (PostgreSQL refuses it in text), a lone surrogate (no UTF-8 encoding), a number
outside a 32-bit column or a naive datetime would pass the parser and crash the ingest run at commit time.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from html.parser import HTMLParser

from paperboy.models import Author, DailyEntry, Organization, Paper, Submitter, split_arxiv_id
from paperboy.text.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

INT32 = range(-(2**31), 2**31)
CALL_SECONDS = 5.0


class Hang(AssertionError):
    """A single parser call ran longer than any real input could need."""


@contextmanager
def time_limit(seconds: float = CALL_SECONDS) -> Iterator[None]:
    """Fail the call after ``seconds`` of wall time (SIGALRM: only on the main thread of a POSIX process)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"parser call still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def storable_text(value: object, name: str, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    assert isinstance(value, str), f"{name} is a {type(value).__name__}, not a str: {value!r}"
    assert "\x00" not in value, f"{name} holds a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AssertionError(f"{name} cannot be encoded as UTF-8: {exc}") from None


def storable_int(value: object, name: str) -> None:
    if value is None:
        return
    assert isinstance(value, int) and not isinstance(value, bool), f"{name} is not an int: {value!r}"
    assert value in INT32, f"{name} = {value} does not fit a 32-bit integer column"


def storable_time(value: object, name: str) -> None:
    if value is None:
        return
    assert isinstance(value, datetime), f"{name} is not a datetime: {value!r}"
    assert value.tzinfo is not None and value.utcoffset().total_seconds() == 0, f"{name} is not UTC"
    assert value.year >= 1000, f"{name} = {value}: SQLite cannot read a year below 1000 back"


def check_author(author: object) -> None:
    assert isinstance(author, Author), f"author is a {type(author).__name__}"
    storable_text(author.name, "author name", optional=False)
    assert author.name.strip(), "author without a name"
    storable_text(author.affiliation, "affiliation")
    assert isinstance(author.hidden, bool)


def check_paper(paper: object) -> None:
    """A record the store can insert on SQLite and PostgreSQL."""
    assert isinstance(paper, Paper), f"record is a {type(paper).__name__}"
    storable_text(paper.arxiv_id, "arxiv_id", optional=False)
    assert split_arxiv_id(paper.arxiv_id) == (paper.arxiv_id, None), f"id {paper.arxiv_id!r} not canonical"
    storable_text(paper.title, "title", optional=False)
    assert paper.title.strip(), "empty title"
    storable_text(paper.abstract, "abstract", optional=False)
    for name in ("primary_category", "doi", "journal_ref", "comments", "license", "github_repo"):
        storable_text(getattr(paper, name), name)
    for name in ("project_page", "ai_summary", "thumbnail"):
        storable_text(getattr(paper, name), name)
    for name in ("version", "github_stars", "upvotes", "num_comments"):
        storable_int(getattr(paper, name), name)
    storable_time(paper.submitted_at, "submitted_at")
    storable_time(paper.updated_at, "updated_at")
    assert paper.announced_on is None or type(paper.announced_on) is date
    assert paper.announced_on is None or paper.announced_on.year >= 1000, "announced before the year 1000"
    assert isinstance(paper.authors, list)
    for author in paper.authors:
        check_author(author)
    assert isinstance(paper.categories, list)
    for category in paper.categories:
        storable_text(category, "category", optional=False)
    if paper.ai_keywords is not None:
        assert isinstance(paper.ai_keywords, list)
        for keyword in paper.ai_keywords:
            storable_text(keyword, "ai keyword", optional=False)
    if paper.organization is not None:
        assert isinstance(paper.organization, Organization)
        storable_text(paper.organization.name, "organization name", optional=False)
        storable_text(paper.organization.fullname, "organization fullname")
        storable_text(paper.organization.avatar_url, "organization avatar")
    assert isinstance(paper.withdrawn, bool)


def check_entry(entry: object) -> None:
    assert isinstance(entry, DailyEntry)
    assert split_arxiv_id(entry.arxiv_id) == (entry.arxiv_id, None)
    storable_time(entry.submitted_at, "entry submitted_at")
    if entry.submitter is not None:
        assert isinstance(entry.submitter, Submitter)
        storable_text(entry.submitter.username, "submitter", optional=False)
        storable_text(entry.submitter.fullname, "submitter fullname")
        storable_text(entry.submitter.avatar_url, "submitter avatar")


class _Elements(HTMLParser):
    """Collects every start tag and attribute of an HTML fragment, the way a browser tokenises it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


SAFE_SCHEMES = ("http", "https", "mailto")
# How a browser reads a URL's scheme: leading C0 controls and spaces dropped, tabs and newlines ignored.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def url_scheme(href: str) -> str | None:
    """The scheme a browser would see in ``href`` (entity references already decoded), None if relative."""
    target = href.lstrip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(target.lower())
    return match.group(1) if match else None


def check_comment_html(html: object) -> None:
    """Comment HTML has only the allowed tags and attributes: no script, no handlers, no script URLs."""
    assert isinstance(html, str)
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<style" not in lowered
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in comment HTML"
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in comment HTML"
            assert name in allowed, f"attribute {name} on <{tag}> in comment HTML"
            if name == "href" and value is not None:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"link to {value!r} in comment HTML"


def rejects_only_cleanly(call: Callable[[], object], allowed: tuple[type[BaseException], ...]) -> object:
    """Run ``call`` under the time limit; any exception outside ``allowed`` propagates as the crash it is."""
    with time_limit():
        try:
            return call()
        except allowed as exc:
            return exc
