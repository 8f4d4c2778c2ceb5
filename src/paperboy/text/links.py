"""Links in plain text that authors wrote (abstracts, arXiv comments): made clickable, and a Code link found.

Abstracts are plain text from arXiv or Hugging Face, never HTML. ``linkify`` cuts the text at each http(s)
URL and escapes every piece, the URLs included, before joining them with ``<a>`` tags it writes itself: no
character of the input reaches the page unescaped, whatever the input holds, and only ``http`` and ``https``
links are made. The links are marked ``nofollow ugc noopener``: we did not write them and vouch for none.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

REL = "nofollow ugc noopener"
# A URL ends at white space, quotes, angle or curly brackets (LaTeX leftovers such as ``\url{…}``), a
# backslash, or a backtick; trailing punctuation of the sentence is trimmed afterwards.
_URL = re.compile(r"https?://[^\s<>\"'`{}\\|^]+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\""
# owner/repo on github.com, with or without a scheme; not a subdomain (gist.github.com, user.github.io).
_GITHUB = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]+)",
    re.IGNORECASE,
)
# github.com/<these>/… are GitHub's own pages, not someone's repository.
_NOT_OWNERS = {
    "about",
    "apps",
    "collections",
    "enterprise",
    "explore",
    "features",
    "login",
    "marketplace",
    "new",
    "notifications",
    "orgs",
    "pricing",
    "search",
    "security",
    "settings",
    "site",
    "sponsors",
    "topics",
    "trending",
}


def _trim(url: str) -> str:
    """Drop what belongs to the sentence: a final full stop, and a ``)`` that closes a parenthesis the URL
    did not open ("(see https://x.org/a)")."""
    while url:
        last = url[-1]
        unopened = last in ")]" and url.count(last) > url.count("(" if last == ")" else "[")
        if last not in _TRAILING and not unopened:
            break
        url = url[:-1]
    return url


def urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL in ``text``, in order."""
    found = []
    for match in _URL.finditer(text):
        url = _trim(match.group(0))
        if len(url) > len("https://"):
            found.append((match.start(), match.start() + len(url)))
    return found


def linkify(text: str | None) -> Markup:
    """``text`` as HTML with its http(s) URLs as links; everything else escaped."""
    if not text:
        return Markup("")
    parts: list[str] = []
    done = 0
    for start, end in urls(text):
        url = escape(text[start:end])
        parts += [escape(text[done:start]), Markup(f'<a href="{url}" rel="{REL}">{url}</a>')]
        done = end
    parts.append(escape(text[done:]))
    return Markup("").join(parts)


def github_repo_in(*texts: str | None) -> str | None:
    """``https://github.com/owner/repo`` for the first GitHub repository named in ``texts``, else None."""
    for text in texts:
        for match in _GITHUB.finditer(text or ""):
            owner, repo = match.group(1), match.group(2).rstrip(".")
            repo = repo.removesuffix(".git").rstrip(".")
            if owner.lower() in _NOT_OWNERS or not repo or repo.strip(".-_") == "":
                continue
            return f"https://github.com/{owner}/{repo}"
    return None
