"""Jinja2 rendering for the HTML pages: one autoescaping environment, small display filters, error pages.

Everything a template shows passes through here, so escaping is on for every page and the display rules
(compact counts, dates, licence names) are written once instead of in each template.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from paperboy.config import Settings
from paperboy.http.cache import public as shared
from paperboy.media import index as media
from paperboy.media import initials
from paperboy.models import Author, Paper
from paperboy.text.links import github_repo_in, linkify
from paperboy.web.views import current_view

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
AUTHORS_SHOWN = 5
# The header's feed tabs on a phone, where the full names do not fit on one row beside search and account.
SHORT_TABS = {"Daily": "Day", "Weekly": "Week", "Monthly": "Month"}

_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    422: "Bad request",
    500: "Something went wrong",
}
_FRIENDLY = {
    404: "There is no page at this address. Check the link, or start again from today's papers.",
    405: "This address cannot be used that way.",
    500: "Something broke on our side. Please try again in a moment.",
}
_CC = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z\-]+)/([\d.]+)")


def compact(number: int | None) -> str:
    """Counts as people read them at a glance: 950, 1.2k, 12k, 3.4M."""
    n = number or 0
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        value = n / 1000
        return f"{value:.1f}k".replace(".0k", "k") if value < 10 else f"{value:.0f}k"
    return f"{n / 1_000_000:.1f}M".replace(".0M", "M")


def nice_date(value: date | datetime | None) -> str:
    return f"{value:%b %-d, %Y}" if value else ""


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def visible_authors(authors: list[Author]) -> list[Author]:
    """Hugging Face hides authors a claimant removed; they are never shown."""
    return [a for a in authors if not a.hidden and a.name]


def repo_name(url: str | None) -> str:
    """``https://github.com/owner/repo`` shown as ``owner/repo``; other hosts shown whole."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.strip("/").removesuffix(".git")
    return path if parts.netloc.endswith("github.com") and path else url


def host(url: str | None) -> str:
    return urlsplit(url).netloc.removeprefix("www.") if url else ""


def licence_label(url: str | None) -> str:
    """arXiv gives licences as URLs; people know them as CC BY 4.0 and the like."""
    if not url:
        return ""
    match = _CC.search(url)
    if match:
        kind, name, version = match.groups()
        return "CC0 " + version if kind == "publicdomain" else f"CC {name.upper()} {version}"
    if "arxiv.org/licenses/nonexclusive-distrib" in url:
        return "arXiv non-exclusive licence"
    return url


def initial(text: str | None) -> str:
    return (text or "?").strip()[:1].upper() or "?"


def path_segment(text: str | None) -> str:
    """One URL path segment: a ``/``, ``?`` or ``#`` in an author or org name cannot change the path."""
    return quote(text or "", safe="")


def is_http_url(url: str | None) -> bool:
    """Only http(s) links become hrefs: a stored ``javascript:`` URL must not be clickable."""
    return bool(url) and urlsplit(url).scheme in ("http", "https")


@dataclass(frozen=True, slots=True)
class CodeLink:
    """Where a paper's code is; ``found_in`` names the text it was read from if the paper has no link set."""

    url: str
    found_in: str | None = None

    @property
    def rel(self) -> str:
        return "noopener" if self.found_in is None else "nofollow noopener"


def code_link(paper: Paper) -> CodeLink | None:
    """The paper's GitHub link when one is set, else the first GitHub repository its authors name in the
    abstract or the arXiv comments ("code at github.com/alibaba/conv-llava"). Readers' comments are not
    searched: anyone may write there, and the Code link should be the authors' word."""
    if is_http_url(paper.github_repo):
        return CodeLink(paper.github_repo or "")
    for text, where in ((paper.abstract, "abstract"), (paper.comments, "arXiv comments")):
        found = github_repo_in(text)
        if found:
            return CodeLink(found, where)
    return None


def query(**params: Any) -> str:
    """A query string without empty or default values, so links stay short and canonical."""
    kept = {k: v for k, v in params.items() if v not in (None, "", 0)}
    return "?" + urlencode(kept) if kept else ""


@cache
def _static_version(name: str) -> str:
    path = STATIC / name
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else "0"


def static_url(name: str) -> str:
    """A content-hashed URL, so browsers may cache static files for long and still see new versions."""
    return f"/static/{name}?v={_static_version(name)}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the code: checking each one's file on every render cost 7 %
    )
    env.filters.update(
        compact=compact,
        nice_date=nice_date,
        repo_name=repo_name,
        host=host,
        licence_label=licence_label,
        initial=initial,
        visible_authors=visible_authors,
        path_segment=path_segment,
        linkify=linkify,
    )
    env.globals.update(
        plural=plural,
        query=query,
        static_url=static_url,
        is_http_url=is_http_url,
        code_link=code_link,
        authors_shown=AUTHORS_SHOWN,
        short_tabs=SHORT_TABS,
        # Pictures: only ever our own copies (/media/…) or generated initials, never an upstream URL.
        local_picture=media.local_path,
        avatar_src=media.avatar_src,
        shade_of=initials.shade,
    )
    return env


ENV = _environment()


def _settings(request: Request) -> Settings:
    return request.app.state.settings


class _Marks:
    """A signed-in reader's Save / Not interested states, read on the first button a page renders."""

    def __init__(self, request: Request, user_id: int) -> None:
        self.request, self.user_id = request, user_id
        self.found: dict[str, str] | None = None

    def get(self, arxiv_id: str) -> str | None:
        if self.found is None:
            from paperboy.digest.library import marks

            with self.request.app.state.engine.connect() as conn:
                self.found = marks(conn, self.user_id)
        return self.found.get(arxiv_id)


def render(
    request: Request, template: str, context: dict[str, Any], status: int = 200, public: bool = False
) -> HTMLResponse:
    """Render a page with what every page needs (site name, canonical base, current path).

    ``public`` pages look the same to every anonymous reader, so they are cached and shared
    (``http.cache``): they carry no per-visitor CSRF token, and hold no form an anonymous reader could send.
    """
    settings = _settings(request)
    user = getattr(request.state, "user", None)
    token = getattr(request.state, "session_csrf", None) or getattr(request.state, "anon_csrf", "")
    page = {
        "request": request,
        "site_name": settings.site_name,
        "base_url": settings.base_url.rstrip("/"),
        "path": request.url.path,
        "nav": None,
        "tabs": None,
        "noindex": status >= 400,
        "user": user,
        "csrf_token": "" if public and user is None else token,
        "marks": _Marks(request, user.id) if user is not None else {},
        "layout": current_view(request),  # list or grid, for paper lists (web/views.py)
        **context,
    }
    with media.using(getattr(request.app.state, "media", None)):
        html = ENV.get_template(template).render(page)
    response = HTMLResponse(html, status_code=status)
    return shared(response) if public and status == 200 else response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    """A friendly error page that says what went wrong and offers a way on; used by app.py's handlers."""
    title = _TITLES.get(status, "Error")
    if not message or message in (title, _phrase(status)):
        message = _FRIENDLY.get(status, message or title)  # Starlette's bare "Not Found" says too little
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )
