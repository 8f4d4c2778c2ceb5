"""discovery: an organization's newest papers read from one index, however many papers it has

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 00:00:00

An organization page lists its papers newest first (``submitted_at DESC NULLS LAST, id DESC``), 50 at a time.
With only ``ix_papers_organization_id`` the database fetched every paper of the organization and sorted them
for each page: fine at the demo's 9.6 k papers, not with all of arXiv, where a large organization has tens of
thousands. This index is in the page's order, so a page reads its 50 entries and stops; it also serves
everything the old single-column index did (the organization is its first column), which is dropped. Only
papers with an organization are in it (a few per cent of an arXiv-wide corpus): 6 MB instead of 193 MB at
2.7 M papers, and ``organization_id = ?`` implies the condition on both databases.

PostgreSQL needs ``NULLS LAST`` spelled out (its descending order puts NULLs first); SQLite refuses the
clause in an index but already puts NULLs last when descending, so the same query uses the index on both.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

NAME = "ix_papers_organization_id_submitted_at"


def upgrade() -> None:
    nulls = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    op.execute(
        sa.text(
            f"CREATE INDEX {NAME} ON papers (organization_id, submitted_at DESC{nulls}, id DESC) "
            "WHERE organization_id IS NOT NULL"
        )
    )
    op.drop_index("ix_papers_organization_id", table_name="papers")


def downgrade() -> None:
    op.create_index("ix_papers_organization_id", "papers", ["organization_id"], unique=False)
    op.drop_index(NAME, table_name="papers")
