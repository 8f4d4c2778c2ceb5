"""Digest bodies: an HTML part (table layout, inline CSS: what mail clients render) and a plain-text part.

Both come from Jinja2 templates; the HTML environment autoescapes everything, so a paper title can never
inject markup into a mail. A paper's display fields are computed once per paper and shared by every digest
that holds it, which keeps rendering 100,000 personal digests within a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from paperboy.models import PaperView

TEMPLATES = Path(__file__).with_name("templates")
SENTENCE = re.compile(r"(.+?[.!?])(\s|$)", re.S)
AUTHORS_SHOWN = 4
SUMMARY_CHARS = 260


@dataclass(frozen=True, slots=True)
class Links:
    """Where a digest's links point; all absolute, since a mail has no base URL."""

    base: str
    unsubscribe: str
    view: str | None = None
    manage: str | None = None


@cache
def _env(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True) if autoescape else False,
        keep_trailing_newline=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the code; a change comes with a restart
    )


def one_line(view: PaperView) -> str:
    """The AI summary when there is one, else the abstract's first sentence, cut at a word boundary."""
    text = " ".join((view.paper.ai_summary or "").split())
    if not text:
        abstract = " ".join((view.paper.abstract or "").split())
        match = SENTENCE.match(abstract)
        text = match.group(1) if match else abstract
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def author_line(view: PaperView) -> str:
    names = [a.name for a in view.paper.authors if a.name and not a.hidden]
    if len(names) > AUTHORS_SHOWN:
        return ", ".join(names[:AUTHORS_SHOWN]) + f" and {len(names) - AUTHORS_SHOWN} more"
    return ", ".join(names)


def paper_fields(view: PaperView, base: str) -> dict:
    """What a digest shows of one paper (without the per-reader reason)."""
    paper = view.paper
    org = paper.organization.fullname or paper.organization.name if paper.organization else None
    code = (
        paper.github_repo
        if paper.github_repo and paper.github_repo.startswith(("https://", "http://"))
        else None
    )
    fields = {
        "title": " ".join(paper.title.split()),
        "url": f"{base}/papers/{paper.arxiv_id}",
        "arxiv_url": f"https://arxiv.org/abs/{paper.arxiv_id}",
        "pdf_url": f"https://arxiv.org/pdf/{paper.arxiv_id}",
        "code_url": code,
        "authors": author_line(view),
        "org": org,
        "summary": one_line(view),
        "upvotes": view.upvotes,
        "category": paper.primary_category,
    }
    # The parts around the per-reader reason, rendered once per paper and shared by every digest holding it.
    html, text = _env(True), _env(False)
    fields["html_head"] = Markup(html.get_template("paper_head.html").render(item=fields))
    fields["html_tail"] = Markup(html.get_template("paper_tail.html").render(item=fields))
    fields["text_head"] = text.get_template("paper_head.txt").render(item=fields).rstrip("\n")
    fields["text_tail"] = text.get_template("paper_tail.txt").render(item=fields).rstrip("\n")
    return fields


def period_label(period: str) -> str:
    if "-W" in period:
        year, week = period.split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
        return f"week {int(week)} of {year} (from {start:%B %-d})"
    return f"{date.fromisoformat(period):%A, %B %-d, %Y}"


def subject(site_name: str, period: str, count: int, personal: bool) -> str:
    what = "papers picked for you" if personal else "trending papers"
    when = period_label(period).split(" (")[0]
    return f"{count} {what} · {when} · {site_name}"


def render(
    site_name: str,
    period: str,
    items: list[dict],
    links: Links,
    personal: bool,
    frequency: str,
) -> tuple[str, str]:
    """(html, text) of one digest; ``items`` are ``paper_fields`` dicts with a ``reason`` each."""
    context = {
        "site_name": site_name,
        "period_label": period_label(period),
        "heading": "Picked for you" if personal else "Trending papers",
        "items": items,
        "links": links,
        "personal": personal,
        "frequency": "weekly" if frequency == "weekly" else "daily",
    }
    html = _env(True).get_template("digest.html").render(context)
    text = _env(False).get_template("digest.txt").render(context)
    return html, text
