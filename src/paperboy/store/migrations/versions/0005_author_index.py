"""discovery: paper_authors (an index of author names) and one verified holder per claimed author slot

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 15:00:00

A new table and index plus a back-fill from the JSON author lists (hidden authors, empty names and names
longer than 300 characters are left out, as ``store.authors`` does). The back-fill SQL is written out here,
not imported, so this migration keeps doing what it did whatever the application code becomes. About 9 µs a
paper on SQLite (2.7 s for 310 k papers).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BACKFILL = {
    "sqlite": """
        INSERT INTO paper_authors (paper_id, position, name)
        SELECT p.id, j.key, json_extract(j.value, '$.name')
        FROM papers AS p JOIN json_each(p.authors) AS j ON 1
        WHERE length(json_extract(j.value, '$.name')) BETWEEN 1 AND 300
          AND coalesce(json_extract(j.value, '$.hidden'), 0) = 0
    """,
    "postgresql": """
        INSERT INTO paper_authors (paper_id, position, name)
        SELECT p.id, j.ordinality - 1, j.value ->> 'name'
        FROM papers AS p JOIN json_array_elements(p.authors) WITH ORDINALITY AS j(value, ordinality) ON true
        WHERE length(j.value ->> 'name') BETWEEN 1 AND 300
          AND coalesce(j.value ->> 'hidden', 'false') != 'true'
    """,
}


def upgrade() -> None:
    op.create_table(
        "paper_authors",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_authors_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("paper_id", "position", name=op.f("pk_paper_authors")),
    )
    op.execute(BACKFILL[op.get_bind().dialect.name])
    op.create_index("ix_paper_authors_name", "paper_authors", ["name"], unique=False)
    approved = sa.text("status = 'approved'")
    op.create_index(
        "ix_authorship_claims_approved_slot",
        "authorship_claims",
        ["paper_id", "author_name"],
        unique=True,
        sqlite_where=approved,
        postgresql_where=approved,
    )


def downgrade() -> None:
    op.drop_index("ix_authorship_claims_approved_slot", table_name="authorship_claims")
    op.drop_index("ix_paper_authors_name", table_name="paper_authors")
    op.drop_table("paper_authors")
