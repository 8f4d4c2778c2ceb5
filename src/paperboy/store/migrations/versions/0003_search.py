"""search: paper embeddings, search watermarks, papers.modified_at index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 13:00:00

Plain CREATE TABLE / CREATE INDEX only (no table rebuild), so it runs the same on SQLite and PostgreSQL and
stays quick on a large papers table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_embeddings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_embeddings_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_embeddings")),
        sa.UniqueConstraint("model", "paper_id", name=op.f("uq_paper_embeddings_model_paper_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "search_watermarks",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_search_watermarks")),
    )
    op.create_index("ix_papers_modified_at", "papers", ["modified_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_papers_modified_at", table_name="papers")
    op.drop_table("search_watermarks")
    op.drop_table("paper_embeddings")
