"""media: local copies of thumbnails and avatars, served from our own origin

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:00:00

``images`` keeps one row per upstream picture URL (a paper's thumbnail, an organization's or a user's avatar):
the resized copy when it was stored, or why it was not (failed: tried again later; refused: not an image we
accept). Pages link to ``/media/<content hash>.webp`` only for stored copies, so a change of a stored row is a
change a reader sees: it moves the data version (triggers as in 0006), and failures, which change no page,
do not.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
# (event, condition, the same on both backends): only rows that are or were stored change a page.
EVENTS = (
    ("INSERT", "NEW.status = 'stored'"),
    ("UPDATE", "NEW.status = 'stored' OR OLD.status = 'stored'"),
    ("DELETE", "OLD.status = 'stored'"),
)


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("fetched_at", TS, nullable=False),
        sa.Column("retry_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_images")),
        sa.UniqueConstraint("url", name=op.f("uq_images_url")),
    )
    op.create_index(op.f("ix_images_name"), "images", ["name"], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for event, when in EVENTS:
        name = f"trg_data_version_images_{event.lower()}"
        if postgres:
            # paperboy_bump_data_version() comes from 0006: once per transaction, at commit.
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON images DEFERRABLE INITIALLY DEFERRED "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION paperboy_bump_data_version()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON images WHEN {when} "
                "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for event, _ in EVENTS:
        name = f"trg_data_version_images_{event.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON images" if postgres else ""))
    op.drop_index(op.f("ix_images_name"), table_name="images")
    op.drop_table("images")
