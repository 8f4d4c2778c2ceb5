"""search: a queue that several embedders share, and their progress

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:30:00

``embedding_queue`` holds, per model, the papers an embedder still has to look at; embedders claim batches
of it with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so ``paperboy embed --workers N`` and
embedders on other hosts split a back-fill without doing a paper twice, and a killed embedder's papers go
back to the others once its lease runs out. ``embedding_workers`` records what each embedder has saved, for
the progress shown by ``paperboy stats``. Both start empty: the next embedder run fills the queue.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "embedding_queue",
        sa.Column("model", sa.String(200), primary_key=True),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("modified_at", Timestamp, nullable=False),
        sa.Column("claim", sa.String(250)),
        sa.Column("lease_until", Timestamp),
    )
    op.create_table(
        "embedding_workers",
        sa.Column("holder", sa.String(200), primary_key=True),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("embedded", sa.Integer, nullable=False, server_default="0"),
        sa.Column("started_at", Timestamp, nullable=False),
        sa.Column("seen_at", Timestamp, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("embedding_workers")
    op.drop_table("embedding_queue")
