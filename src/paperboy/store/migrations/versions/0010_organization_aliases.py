"""discovery: canonical organizations with aliases; case-insensitive author and user look-ups

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00

``organizations.canonical_id`` makes a handle another name of a canonical organization (NULL: canonical
itself) and ``display_name`` is the name a moderator chose. ``organization_aliases`` maps every matching key
(case, accents, punctuation and a leading "The" folded) to its canonical organization. The back-fill:

1. the curated seed below: canonical handles (created when absent, so later imports find them), display
   names and aliases;
2. every stored handle, most papers first: a handle whose key, or else whose full name's key, is already
   known joins that organization; otherwise it is canonical and its full name becomes a key too.

The key function and the seed are written out here, not imported, so this migration keeps doing what it did
whatever the application code becomes. Two expression indexes (``lower(name)``, ``lower(username)``) serve
case-insensitive author and user addresses. Changes to both organization tables move the data version.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (canonical handle, display name, other names): spellings and handles of one organization.
SEED = (
    ("GoogleDeepMind", "Google DeepMind", ("deepmind", "google-deepmind", "DeepMind")),
    ("ByteDance", "ByteDance", ("ByteDance-Seed", "ByteDance Seed", "bytedance-research")),
    ("tencent", "Tencent", ("Tencent-Hunyuan", "Tencent Hunyuan", "Hunyuan")),
    ("facebook", "AI at Meta", ("metaresearch", "Meta Research", "Meta", "Meta AI", "FAIR")),
    ("alibaba-inc", "Alibaba Group", ("alibabagroup", "Alibaba")),
    (
        "ShanghaiAiLab",
        "Shanghai AI Laboratory",
        ("Shanghai-AI-Laboratory", "Shanghai AI Lab", "Shanghai Artificial Intelligence Laboratory"),
    ),
    ("HKUST", "HKUST", ("hongkongust", "Hong Kong University of Science and Technology")),
    ("hkuhk", "The University of Hong Kong", ("TheHKU", "HKU", "Hong Kong University")),
    ("CUHK", "The Chinese University of Hong Kong", ("CUOHK",)),
    ("kuaishou", "Kuaishou Technology", ("kwaiAI", "Kwai", "Kuaishou")),
    ("JD-company", "JD.com", ("jingdong1", "jingdong", "JD")),
    ("mistralai", "Mistral AI", ()),
    ("baidu", "Baidu", ()),
    ("UCAS", "University of Chinese Academy of Sciences", ()),
)

_NOT_KEY = re.compile(r"[\W_]+", re.UNICODE)
_LEADING_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)
WATCHED = ("organizations", "organization_aliases")

organizations = sa.table(
    "organizations",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("fullname", sa.String),
    sa.column("canonical_id", sa.Integer),
    sa.column("display_name", sa.String),
)
aliases = sa.table(
    "organization_aliases",
    sa.column("key", sa.String),
    sa.column("organization_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("curated", sa.Boolean),
)
papers = sa.table("papers", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer))


def key(text):  # type: ignore[no-untyped-def]
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", _LEADING_THE.sub("", text))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_KEY.sub("", plain.casefold())[:200]


def _backfill(conn) -> None:  # type: ignore[no-untyped-def]
    counted = (
        sa.select(
            organizations.c.id, organizations.c.name, organizations.c.fullname, sa.func.count(papers.c.id)
        )
        .select_from(organizations.outerjoin(papers, papers.c.organization_id == organizations.c.id))
        .group_by(organizations.c.id, organizations.c.name, organizations.c.fullname)
        .order_by(sa.func.count(papers.c.id).desc(), organizations.c.id)
    )
    rows = conn.execute(counted).all()
    ids = {name: ident for ident, name, _, _ in rows}
    found: dict[str, tuple[int, str, bool]] = {}  # key -> (canonical id, name as written, curated)

    def note(text, target, curated) -> None:  # type: ignore[no-untyped-def]
        k = key(text)
        if k and k not in found:
            found[k] = (target, " ".join(text.split())[:500], curated)

    seeded = set()
    for handle, shown, others in SEED:
        if handle in ids:
            conn.execute(
                organizations.update().where(organizations.c.id == ids[handle]).values(display_name=shown)
            )
        else:
            ids[handle] = conn.execute(
                organizations.insert().values(name=handle, display_name=shown).returning(organizations.c.id)
            ).scalar_one()
        seeded.add(handle)
        for text in (handle, shown, *others):
            note(text, ids[handle], True)
    for ident, name, fullname, _count in rows:
        if name in seeded:
            canonical = ident
        else:
            canonical = found.get(key(name), found.get(key(fullname), (ident,)))[0]
            if canonical != ident:
                conn.execute(
                    organizations.update().where(organizations.c.id == ident).values(canonical_id=canonical)
                )
        note(name, canonical, False)
        if canonical == ident and fullname:
            note(fullname, canonical, False)
    if found:
        conn.execute(
            aliases.insert(),
            [{"key": k, "organization_id": t, "name": n, "curated": c} for k, (t, n, c) in found.items()],
        )


def _triggers(dialect: str, create: bool) -> None:
    """The data-version triggers of migration 0006, on the two organization tables."""
    for table in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"trg_data_version_{table}_{event.lower()}"
            if not create:
                op.execute(
                    f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if dialect == "postgresql" else "")
                )
            elif dialect == "postgresql":
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
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("canonical_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("display_name", sa.String(length=500), nullable=True))
        batch.create_foreign_key(
            op.f("fk_organizations_canonical_id_organizations"), "organizations", ["canonical_id"], ["id"]
        )
        batch.create_index(op.f("ix_organizations_canonical_id"), ["canonical_id"], unique=False)
    op.create_table(
        "organization_aliases",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("curated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_aliases_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_organization_aliases")),
    )
    op.create_index(
        op.f("ix_organization_aliases_organization_id"),
        "organization_aliases",
        ["organization_id"],
        unique=False,
    )
    _backfill(op.get_bind())
    op.create_index("ix_paper_authors_lower_name", "paper_authors", [sa.text("lower(name)")], unique=False)
    op.create_index("ix_users_lower_username", "users", [sa.text("lower(username)")], unique=False)
    _triggers(op.get_bind().dialect.name, create=True)


def downgrade() -> None:
    _triggers(op.get_bind().dialect.name, create=False)
    op.drop_index("ix_users_lower_username", table_name="users")
    op.drop_index("ix_paper_authors_lower_name", table_name="paper_authors")
    op.drop_index(op.f("ix_organization_aliases_organization_id"), table_name="organization_aliases")
    op.drop_table("organization_aliases")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_index(op.f("ix_organizations_canonical_id"))
        batch.drop_constraint(op.f("fk_organizations_canonical_id_organizations"), type_="foreignkey")
        batch.drop_column("display_name")
        batch.drop_column("canonical_id")
