"""The queries behind the feed, paper, author and organization pages and /api/daily_papers read indexes.

At 2.7 M papers a sequential scan of ``papers`` (or of ``daily_entries`` or ``paper_authors``) turns a page
from milliseconds into seconds, so each page's real statements (captured while the store functions run, not
rewritten here) are EXPLAINed and any full scan of those tables fails the test. PostgreSQL plans from the
statistics ANALYZE gathered over 30,000 papers, as autovacuum would in production; SQLite plans as it does in
production, where nothing runs ANALYZE. The indexes each page relies on are named, so dropping or renaming
one fails here rather than in production.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from paperboy.models import Author, Batch, DailyEntry, Organization, Paper
from paperboy.store import authors as author_store
from paperboy.store.feed import count_feed, feed, latest_day, neighbour_days
from paperboy.store.ingest_sink import commit_batch
from paperboy.store.organizations import resolve
from paperboy.store.papers import get_paper

PAPERS = 30_000
DAYS = 1_000  # featured days; 10 papers each, so a third of all papers were featured once
PER_DAY = 10
NAMES = PAPERS * 3 // 10  # three authors a paper, each name on about ten papers
PROLIFIC = "Ada Prolific"  # also last author of one paper in 100: 300 papers
ORGS = 100
WATCHED = ("papers", "daily_entries", "paper_authors")
FIRST_DAY = date(2022, 1, 3)
ABSTRACT = "We study the problem of learning from data with structure. " * 16  # ~1 kB, like arXiv's


def _organization(n: int) -> str | None:
    """One paper in 33 has an organization; half of those are org-0's, the largest."""
    if n % 33:
        return None
    return "org-0" if n % 2 == 0 else f"org-{n % ORGS}"


def _paper(n: int) -> Paper:
    authors = [Author(f"Author {(n * 3 + k) % NAMES}") for k in range(3)]
    if n % 100 == 0:
        authors.append(Author(PROLIFIC))
    return Paper(
        arxiv_id=f"{22 + n // 120_000:02d}{n // 10_000 % 12 + 1:02d}.{n % 10_000:05d}",
        title=f"Paper number {n} on structured learning",
        abstract=ABSTRACT,
        version=1,
        authors=authors,
        categories=["cs.LG"],
        primary_category="cs.LG",
        submitted_at=datetime(2022, 1, 1, tzinfo=UTC) + timedelta(minutes=17 * n),
        organization=Organization(org) if (org := _organization(n)) else None,
        upvotes=n % 97,
    )


def _load(engine: Engine) -> None:
    """30,000 papers through the ingest path, one in three featured on one of 1,000 days."""
    batch = 5_000
    for start in range(0, PAPERS, batch):
        papers = [_paper(n) for n in range(start, start + batch)]
        entries = [
            DailyEntry(day=FIRST_DAY + timedelta(days=n // PER_DAY // 3), arxiv_id=p.arxiv_id, source="rule")
            for n, p in zip(range(start, start + batch), papers, strict=True)
            if n % 3 == 0
        ]
        commit_batch(engine, Batch(label="plans", papers=papers, entries=entries))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def planned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from tests.conftest import migrated_engine

    with migrated_engine(request.param, tmp_path_factory.mktemp("plans")) as engine:
        _load(engine)
        yield engine


@dataclass
class Plan:
    """What the database would do for one statement: full scans of the watched tables and indexes used."""

    statement: str
    full_scans: set[str]
    indexes: set[str]
    text: str


def _pg_plan(conn: Connection, statement: str, parameters: object) -> Plan:
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
    raw = cursor.fetchone()[0]
    cursor.close()
    root = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    full, indexes = set(), set()

    def walk(node: dict) -> None:
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in WATCHED:
            full.add(node["Relation Name"])
        if "Index Name" in node:
            indexes.add(node["Index Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(root)
    return Plan(statement, full, indexes, json.dumps(root, indent=1))


def _sqlite_plan(conn: Connection, statement: str, parameters: object) -> Plan:
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()  # type: ignore[arg-type]
    details = [row[-1] for row in rows]
    full, indexes = set(), set()
    for detail in details:
        words = detail.split()
        # "SCAN papers" reads every row; so does "SCAN papers USING COVERING INDEX …" (a whole index).
        if words[0] == "SCAN" and words[1] in WATCHED:
            full.add(words[1])
        if "INDEX" in words:
            indexes.add(words[words.index("INDEX") + 1])
        if "PRIMARY" in words and words[1] in WATCHED:
            indexes.add(f"{words[1]} primary key")
    return Plan(statement, full, indexes, "\n".join(details))


def plans_of(engine: Engine, page: Callable[[Connection], object]) -> list[Plan]:
    """Run ``page`` (store calls), capture every statement it sends, and EXPLAIN each one."""
    sent: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):  # not the BEGIN SQLite's engine sends
            sent.append((statement, parameters))

    with engine.connect() as conn:
        sa.event.listen(conn, "before_cursor_execute", capture)
        page(conn)
        sa.event.remove(conn, "before_cursor_execute", capture)
        explain = _pg_plan if engine.dialect.name == "postgresql" else _sqlite_plan
        return [explain(conn, statement, parameters) for statement, parameters in sent]


def assert_indexed(plans: list[Plan], *expected: set[str]) -> None:
    """No full scan of the watched tables, and each expected group has at least one index in use."""
    assert plans
    for plan in plans:
        assert not plan.full_scans, f"full scan of {plan.full_scans}:\n{plan.statement}\n{plan.text}"
    used = set().union(*(p.indexes for p in plans))
    for group in expected:
        assert used & group, f"none of {group} used; indexes used: {sorted(used)}"


# SQLite names a UNIQUE constraint's index itself: (day, paper_id) is sqlite_autoindex_daily_entries_1.
DAY_INDEXES = {"ix_daily_entries_day", "uq_daily_entries_day_paper_id", "sqlite_autoindex_daily_entries_1"}
PAPER_KEY = {"pk_papers", "papers primary key"}


def test_a_day_feed_reads_that_day_only(planned: Engine) -> None:
    day = FIRST_DAY + timedelta(days=500)

    def page(conn: Connection) -> None:
        assert len(feed(conn, day, day, sort="upvotes")) == PER_DAY
        assert count_feed(conn, day, day) == PER_DAY
        assert latest_day(conn) == FIRST_DAY + timedelta(days=DAYS - 1)
        neighbour_days(conn, day)

    assert_indexed(plans_of(planned, page), DAY_INDEXES, PAPER_KEY)


@pytest.mark.parametrize(("days", "sort"), [(7, "publishedAt"), (30, "publishedAt"), (30, "upvotes")])
def test_daily_papers_by_week_and_month_read_their_days_only(planned: Engine, days: int, sort: str) -> None:
    start = FIRST_DAY + timedelta(days=300)

    def page(conn: Connection) -> None:
        items = feed(conn, start, start + timedelta(days=days - 1), sort=sort)  # type: ignore[arg-type]
        assert len(items) == 50
        count_feed(conn, start, start + timedelta(days=days - 1))

    assert_indexed(plans_of(planned, page), DAY_INDEXES, PAPER_KEY)


def test_one_paper_by_arxiv_id(planned: Engine) -> None:
    wanted = _paper(12_345).arxiv_id

    def page(conn: Connection) -> None:
        view = get_paper(conn, wanted)
        assert view is not None and view.featured_on == [FIRST_DAY + timedelta(days=12_345 // PER_DAY // 3)]

    indexes = {"uq_papers_arxiv_id", "sqlite_autoindex_papers_2", "sqlite_autoindex_papers_1"}
    assert_indexed(plans_of(planned, page), indexes, {"ix_daily_entries_paper_id", *DAY_INDEXES})


@pytest.mark.parametrize("name", ["Author 4242", PROLIFIC])
def test_an_authors_papers(planned: Engine, name: str) -> None:
    def page(conn: Connection) -> None:
        total = author_store.count_author_papers(conn, name)
        assert total == (PAPERS // 100 if name == PROLIFIC else 10)
        assert len(author_store.author_papers(conn, name)) == min(total, 50)

    assert_indexed(plans_of(planned, page), {"ix_paper_authors_name"}, PAPER_KEY)


def test_an_organizations_papers(planned: Engine) -> None:
    def page(conn: Connection) -> None:
        found = resolve(conn, "org-0")
        assert found is not None
        org_id = found.id
        total = author_store.count_organization_papers(conn, org_id)
        assert total == sum(_organization(n) == "org-0" for n in range(PAPERS)) > 400
        assert len(author_store.organization_papers(conn, org_id)) == 50

    assert_indexed(plans_of(planned, page), {"ix_papers_organization_id_submitted_at"})
