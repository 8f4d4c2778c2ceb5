"""serving: a data version that every visible change moves on, and stored similar papers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 21:00:00

``data_version`` holds one row whose number goes up with every committed change a reader could see (papers,
feed entries, votes, comments, authorship claims). Triggers move it, so every writer is
covered: the web process, the CLI, the worker and other hosts alike. On PostgreSQL the trigger is deferred to
commit time and moves the number once per transaction, so the row is locked only for the instant of the
commit and a reader never sees the new number before the data it stands for. SQLite has one writer at a time
and no deferred triggers: a plain row trigger does the same there.

``paper_neighbours`` keeps each paper's similar papers with their reasons, computed when the paper is embedded
(or when its neighbourhood changes), so a paper page reads them instead of searching on every view. Storing
them does not move the data version: a page cached before showed the same list, computed then.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

WATCHED = ("papers", "daily_entries", "votes", "comments", "authorship_claims")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION paperboy_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('paperboy.data_version_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE data_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('paperboy.data_version_bumped', txid_current()::text, true);
    END IF;
    RETURN NULL;
END $$
"""


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for table in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"trg_data_version_{table}_{event.lower()}"
            if dialect == "postgresql":
                op.execute(
                    f"CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {table} "
                    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION paperboy_bump_data_version()"
                )
            else:
                op.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                    "BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END"
                )


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 1)")
    op.create_table(
        "paper_neighbours",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("neighbour_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("cosine", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.current_timestamp(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_neighbours_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["neighbour_id"],
            ["papers.id"],
            name=op.f("fk_paper_neighbours_neighbour_id_papers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("paper_id", "rank", name=op.f("pk_paper_neighbours")),
    )
    op.create_index("ix_paper_neighbours_neighbour_id", "paper_neighbours", ["neighbour_id"], unique=False)
    _create_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        for event in ("insert", "update", "delete"):
            name = f"trg_data_version_{table}_{event}"
            op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else ""))
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS paperboy_bump_data_version()")
    op.drop_index("ix_paper_neighbours_neighbour_id", table_name="paper_neighbours")
    op.drop_table("paper_neighbours")
    op.drop_table("data_version")
