"""A paper as one Markdown document (``GET /papers/{id}.md``, read by ``HfApi.read_paper``).

Meant for people and language models alike: title, authors, links to the arXiv abstract and PDF, what the
community said (upvotes, featured days) and the abstract, in plain Markdown that reads well unrendered.
Text is passed through as written (titles often hold LaTeX such as ``$\\alpha$``), only line breaks are
collapsed so a title or name cannot break the document's structure.
"""

from __future__ import annotations

from paperboy.models import FeedItem, Paper, PaperView, Submitter

ARXIV = "https://arxiv.org"


def _inline(text: str) -> str:
    return " ".join(text.split())


def arxiv_links(paper: Paper) -> tuple[str, str]:
    """Abstract and PDF URLs; unversioned so they always point at the latest version."""
    return f"{ARXIV}/abs/{paper.arxiv_id}", f"{ARXIV}/pdf/{paper.arxiv_id}"


def _who(submitter: Submitter) -> str:
    if submitter.fullname and submitter.fullname != submitter.username:
        return f"{_inline(submitter.fullname)} (@{submitter.username})"
    return f"@{submitter.username}"


def _facts(view: PaperView, item: FeedItem | None) -> list[str]:
    paper = view.paper
    facts: list[str] = []
    if paper.submitted_at is not None:
        facts.append(f"**Published on arXiv:** {paper.submitted_at.date().isoformat()}")
    if view.featured_on:
        featured = ", ".join(day.isoformat() for day in view.featured_on)
        by = f" (submitted by {_who(item.submitter)})" if item and item.submitter else ""
        facts.append(f"**Featured on the daily feed:** {featured}{by}")
    facts.append(f"**Upvotes:** {view.upvotes} · **Comments:** {view.num_comments}")
    if paper.organization is not None:
        facts.append(f"**Organization:** {_inline(paper.organization.fullname or paper.organization.name)}")
    if paper.github_repo:
        stars = f" ({paper.github_stars} stars)" if paper.github_stars is not None else ""
        facts.append(f"**Code:** <{paper.github_repo}>{stars}")
    if paper.project_page:
        facts.append(f"**Project page:** <{paper.project_page}>")
    if paper.categories:
        facts.append(f"**Categories:** {', '.join(paper.categories)}")
    if paper.doi:
        facts.append(f"**DOI:** [{paper.doi}](https://doi.org/{paper.doi})")
    if paper.journal_ref:
        facts.append(f"**Journal reference:** {_inline(paper.journal_ref)}")
    if paper.comments:
        facts.append(f"**Author comments:** {_inline(paper.comments)}")
    if paper.license:
        facts.append(f"**License:** <{paper.license}>")
    return facts


def paper_markdown(view: PaperView, item: FeedItem | None = None) -> str:
    """The whole document; ``item`` is the paper's first feature on the daily feed, when there is one."""
    paper = view.paper
    abs_url, pdf_url = arxiv_links(paper)
    version = f"v{paper.version}" if paper.version else ""
    lines = [f"# {_inline(paper.title)}", ""]
    if paper.withdrawn:
        lines += ["> This paper has been withdrawn by its authors.", ""]
    authors = [_inline(a.name) for a in paper.authors if not a.hidden]
    if authors:
        lines += [f"**Authors:** {', '.join(authors)}", ""]
    lines += [f"**arXiv:** [{paper.arxiv_id}{version}]({abs_url}) · [PDF]({pdf_url})", ""]
    lines += [f"- {fact}" for fact in _facts(view, item)]
    lines += ["", "## Abstract", "", paper.abstract.strip() or "_No abstract._", ""]
    if paper.ai_summary:
        lines += ["## AI summary", "", paper.ai_summary.strip(), ""]
    if paper.ai_keywords:
        lines += [f"**Keywords:** {', '.join(_inline(k) for k in paper.ai_keywords)}", ""]
    return "\n".join(lines)
