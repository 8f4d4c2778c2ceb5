"""Every read of papers as the pages, the API, search and digests show them: one row shape, one loader.

Other store modules that list papers (feeds, author pages, digest candidates) build their queries on
``select_views``/``view_columns`` and turn rows into records with ``view_of``, so a paper looks the same
(counts, organization, hidden flag) wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Author, Organization, Paper, PaperView
from paperboy.org_names import display
from paperboy.store.dialect import as_utc, chunks, one_of, value_lists
from paperboy.store.schema import comments, daily_entries, organizations, papers, votes

LOCAL_VOTES = (
    sa.select(sa.func.count()).where(votes.c.paper_id == papers.c.id).correlate(papers).scalar_subquery()
)
LOCAL_COMMENTS = (
    sa.select(sa.func.count())
    .where(
        comments.c.paper_id == papers.c.id, comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None)
    )
    .correlate(papers)
    .scalar_subquery()
)
TOTAL_UPVOTES = papers.c.hf_upvotes + LOCAL_VOTES
VISIBLE = papers.c.hidden_at.is_(None)
# The canonical organization a paper's handle stands for (store/organizations.py): pages show and link it.
canonical_orgs = organizations.alias("canonical_org")


def view_columns() -> list:
    """The columns ``view_of`` reads: the paper, its local counts, its handle and canonical organization."""
    return [
        *[c for c in papers.c],
        LOCAL_VOTES.label("local_votes"),
        LOCAL_COMMENTS.label("local_comments"),
        organizations.c.name.label("org_name"),
        organizations.c.fullname.label("org_fullname"),
        organizations.c.avatar_url.label("org_avatar"),
        canonical_orgs.c.name.label("canon_name"),
        canonical_orgs.c.fullname.label("canon_fullname"),
        canonical_orgs.c.display_name.label("canon_display"),
        canonical_orgs.c.avatar_url.label("canon_avatar"),
    ]


def with_organization(source: sa.FromClause = papers) -> sa.FromClause:
    """``source`` (papers, or a join that contains them) with each paper's handle and its canonical
    organization, if any (a primary-key look-up each)."""
    handle = source.outerjoin(organizations, papers.c.organization_id == organizations.c.id)
    canonical = sa.func.coalesce(organizations.c.canonical_id, organizations.c.id)
    return handle.outerjoin(canonical_orgs, canonical_orgs.c.id == canonical)


def select_views() -> sa.Select:
    """Papers with everything ``view_of`` needs; callers add their filter, order and limit."""
    return sa.select(*view_columns()).select_from(with_organization())


def _authors(raw: list | None) -> list[Author]:
    return [
        Author(name=a.get("name", ""), affiliation=a.get("affiliation"), hidden=bool(a.get("hidden")))
        for a in raw or []
    ]


def _paper_from_row(row: sa.Row) -> Paper:
    m = row._mapping
    org = None
    if m["org_name"]:
        source = Organization(name=m["org_name"], fullname=m["org_fullname"], avatar_url=m["org_avatar"])
        org = Organization(
            name=m["canon_name"],
            fullname=display(m["canon_name"], m["canon_fullname"], m["canon_display"]),
            avatar_url=m["canon_avatar"] or m["org_avatar"],
            source=source,
        )
    return Paper(
        arxiv_id=m["arxiv_id"],
        title=m["title"],
        abstract=m["abstract"],
        version=m["version"],
        authors=_authors(m["authors"]),
        categories=list(m["categories"] or []),
        primary_category=m["primary_category"],
        submitted_at=as_utc(m["submitted_at"]),
        updated_at=as_utc(m["updated_at"]),
        announced_on=m["announced_on"],
        doi=m["doi"],
        journal_ref=m["journal_ref"],
        comments=m["comments"],
        license=m["license"],
        github_repo=m["github_repo"],
        github_stars=m["github_stars"],
        project_page=m["project_page"],
        organization=org,
        ai_summary=m["ai_summary"],
        ai_keywords=m["ai_keywords"],
        upvotes=m["hf_upvotes"],
        num_comments=m["hf_num_comments"],
        thumbnail=m["thumbnail"],
        withdrawn=m["withdrawn"],
    )


def view_of(row: sa.Row) -> PaperView:
    """A row selected with ``view_columns`` as the record every page and answer is built from."""
    paper = _paper_from_row(row)
    m = row._mapping
    hf_votes, local = paper.upvotes or 0, m["local_votes"] or 0
    return PaperView(
        paper=paper,
        upvotes=hf_votes + local,
        num_comments=(paper.num_comments or 0) + (m["local_comments"] or 0),
        paper_id=m["id"],
        hf_upvotes=hf_votes,
        local_upvotes=local,
        hidden=m["hidden_at"] is not None,
    )


def get_paper(conn: Connection, arxiv_id: str) -> PaperView | None:
    """One paper by canonical arXiv id, hidden or not, with the days it was featured."""
    row = conn.execute(select_views().where(papers.c.arxiv_id == arxiv_id)).first()
    if row is None:
        return None
    view = view_of(row)
    days = conn.execute(
        sa.select(daily_entries.c.day).where(daily_entries.c.paper_id == row.id).order_by(daily_entries.c.day)
    )
    view.featured_on = [d for (d,) in days]
    return view


def views_by_id(conn: Connection, ids: Sequence[int], *, include_hidden: bool) -> dict[int, PaperView]:
    """Papers by id (missing ids are absent).

    Search and similar papers leave hidden papers out, so a moderator's decision applies at once whatever an
    index says; digests include them, so a digest already queued still renders.
    """
    query = select_views() if include_hidden else select_views().where(VISIBLE)
    found: dict[int, PaperView] = {}
    for chunk in chunks(ids):
        for row in conn.execute(query.where(papers.c.id.in_(chunk))):
            found[row.id] = view_of(row)
    return found


def paper_ids(conn: Connection, arxiv_ids: Iterable[str]) -> dict[str, int]:
    """Canonical arXiv id -> paper id for those stored."""
    found: dict[str, int] = {}
    for values in value_lists(conn, arxiv_ids):
        rows = conn.execute(
            sa.select(papers.c.arxiv_id, papers.c.id).where(one_of(conn, papers.c.arxiv_id, values))
        )
        found.update(dict(rows.all()))
    return found


def paper_id_of(conn: Connection, arxiv_id: str) -> int | None:
    return paper_ids(conn, [arxiv_id]).get(arxiv_id)


def any_categories(conn: Connection) -> bool:
    """Whether at least one paper has an arXiv category (one index probe): filters on categories are
    hidden until then."""
    query = sa.select(papers.c.id).where(papers.c.primary_category.is_not(None)).limit(1)
    return conn.execute(query).first() is not None
