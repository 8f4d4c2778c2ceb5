"""accounts: random, revocable private feed links and digest "view in browser" links

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:00:00

Private Atom feed links were the user id signed with the site secret: forgeable wherever the published
development secret was in use, and impossible to revoke. ``feed_tokens`` holds one random link per user,
stored as its sha256. Old signed links stop working (they cannot be told apart from forged ones); readers
make a new link on their settings page. Likewise ``digest_outbox.view_hash`` holds the sha256 of a random
token per sent digest instead of signing the row id; links in digests sent before stop working. Plain
CREATE TABLE / ADD COLUMN / CREATE INDEX, the same on SQLite and PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, server_default=sa.func.current_timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_feed_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
    )
    op.add_column("digest_outbox", sa.Column("view_hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_digest_outbox_view_hash"), "digest_outbox", ["view_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_outbox_view_hash"), table_name="digest_outbox")
    with op.batch_alter_table("digest_outbox") as batch:
        batch.drop_column("view_hash")
    op.drop_table("feed_tokens")
