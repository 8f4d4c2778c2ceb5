"""The parts of a search result that do not depend on the query, rendered once per paper.

A results page shows 20 papers; each one's title, author links, counts, date and organization were most of the
page's rendering, and they are the same for every query that finds the paper. They are kept per data version
(``paperboy.memo``), as the API keeps its JSON entries; only the snippet and the "found by meaning" mark are
rendered per query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from markupsafe import Markup

from paperboy.http.deps import memo_for
from paperboy.models import PaperView
from paperboy.web.render import ENV

PARTS = ENV.get_template("_search_hit.html")


@dataclass(frozen=True, slots=True)
class HitParts:
    head: Markup  # title and authors
    meta: Markup  # upvotes, date, organization, category


def hit_parts(request: Request, views: Sequence[PaperView]) -> dict[int, HitParts]:
    """Each paper's parts by paper id, rendered at most once per data version."""
    by_id = {view.paper_id: view for view in views}
    memo = memo_for(request.app, "search_hits")
    return memo.get_many(by_id, lambda ids: {pid: _render(by_id[pid]) for pid in ids})


def _render(view: PaperView) -> HitParts:
    macros = PARTS.module
    return HitParts(Markup(macros.hit_head(view)), Markup(macros.hit_meta(view)))
