"""Table definitions (SQLAlchemy Core); Alembic migrations create exactly these."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Timestamp = sa.DateTime(timezone=True)
# SQL NULL (not JSON null) when a source says nothing, so COALESCE can merge sources.
Json = sa.JSON(none_as_null=True)

organizations = sa.Table(
    "organizations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("fullname", sa.String(500)),
    sa.Column("avatar_url", sa.String(1000)),
    # NULL for a canonical organization; otherwise the canonical one this handle is another name of (see
    # store/organizations.py for the merge rules). Papers keep the handle Hugging Face gave them.
    sa.Column("canonical_id", sa.ForeignKey("organizations.id"), index=True),
    # The name pages show, chosen by a moderator (or the curated seed); NULL shows the full name.
    sa.Column("display_name", sa.String(500)),
)

# Every name that means an organization, by its matching key (org_names.key: case, accents, punctuation and a
# leading "The" folded): handles, full names, and names moderators added. Always points at a canonical row.
organization_aliases = sa.Table(
    "organization_aliases",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column(
        "organization_id", sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("name", sa.String(500), nullable=False),  # the name as first written, for people to read
    # True when a moderator or the curated seed made it; automatic ones come from handles and full names.
    sa.Column("curated", sa.Boolean, nullable=False, server_default=sa.false()),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(200), nullable=False, unique=True),
    sa.Column("fullname", sa.String(500)),
    sa.Column("avatar_url", sa.String(1000)),
    sa.Column("email", sa.String(320), unique=True),
    # Where the account came from: "local" accounts can sign in, "huggingface" ones only credit submissions.
    sa.Column("origin", sa.String(20), nullable=False, server_default="local"),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("password_hash", sa.String(300)),
    sa.Column("email_verified_at", Timestamp),
    sa.Column("is_moderator", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("disabled_at", Timestamp),
)

papers = sa.Table(
    "papers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("arxiv_id", sa.String(64), nullable=False, unique=True),
    sa.Column("version", sa.Integer),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("abstract", sa.Text, nullable=False, server_default=""),
    # [{"name": ..., "affiliation": ..., "hidden": ...}] in author order.
    sa.Column("authors", Json),
    sa.Column("categories", Json),
    sa.Column("primary_category", sa.String(64), index=True),
    sa.Column("submitted_at", Timestamp, index=True),
    sa.Column("updated_at", Timestamp),
    sa.Column("announced_on", sa.Date),
    sa.Column("doi", sa.String(300)),
    sa.Column("journal_ref", sa.Text),
    sa.Column("comments", sa.Text),
    sa.Column("license", sa.String(300)),
    sa.Column("github_repo", sa.String(500)),
    sa.Column("github_stars", sa.Integer),
    sa.Column("project_page", sa.String(1000)),
    sa.Column("organization_id", sa.ForeignKey("organizations.id")),
    sa.Column("ai_summary", sa.Text),
    sa.Column("ai_keywords", Json),
    # Counts imported from Hugging Face: a baseline that local votes and comments add to.
    sa.Column("hf_upvotes", sa.Integer, nullable=False, server_default="0"),
    sa.Column("hf_num_comments", sa.Integer, nullable=False, server_default="0"),
    sa.Column("thumbnail", sa.String(1000)),
    sa.Column("withdrawn", sa.Boolean, nullable=False, server_default=sa.false()),
    # Set by a moderator: the paper disappears from feeds and search but keeps its page for the record.
    sa.Column("hidden_at", Timestamp),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("modified_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

daily_entries = sa.Table(
    "daily_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("submitter_id", sa.ForeignKey("users.id"), index=True),
    # "huggingface" (imported), "submission" (a local user) or "rule" (an auto-feature rule).
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("submitted_at", Timestamp),
    sa.UniqueConstraint("day", "paper_id"),
)

ingest_checkpoints = sa.Table(
    "ingest_checkpoints",
    metadata,
    sa.Column("source", sa.String(500), primary_key=True),
    sa.Column("key", sa.String(500), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

ingest_failures = sa.Table(
    "ingest_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("failed_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

sa.Index("ix_daily_entries_day", daily_entries.c.day)


sessions = sa.Table(
    "sessions",
    metadata,
    # sha256 of the random cookie value: a stolen database does not yield usable cookies.
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("expires_at", Timestamp, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("last_used_at", Timestamp),
)

# Private Atom feed links (/for-you/{token}.atom): feed readers send no cookies, so the URL is the key. One
# per user, random, stored as its sha256; deleting the row revokes the link, replacing the hash re-creates it.
feed_tokens = sa.Table(
    "feed_tokens",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

one_time_tokens = sa.Table(
    "one_time_tokens",
    metadata,
    # Email verification and password reset links: single use is enforced by this row.
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("used_at", Timestamp),
)

throttle = sa.Table(
    "throttle",
    metadata,
    # Fixed-window counters shared by every app worker (login and sign-up per IP and per account).
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("window_start", Timestamp, nullable=False),
    sa.Column("hits", sa.Integer, nullable=False),
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.PrimaryKeyConstraint("user_id", "paper_id"),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("parent_id", sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("edited_at", Timestamp),
    sa.Column("deleted_at", Timestamp),
    sa.Column("hidden_at", Timestamp),
    sa.Column("hidden_by", sa.ForeignKey("users.id")),
)

authorship_claims = sa.Table(
    "authorship_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("author_name", sa.String(500), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("decided_by", sa.ForeignKey("users.id")),
    sa.Column("decided_at", Timestamp),
    sa.UniqueConstraint("user_id", "paper_id"),
)


# search: vectors are kept here as the truth; the faiss index is derived from them (and rebuilt at will).
paper_embeddings = sa.Table(
    "paper_embeddings",
    metadata,
    # Ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL): vector indexes catch up by id,
    # and a re-embedded paper gets a new row, so "every row above my watermark" is exactly what is new.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("dim", sa.Integer, nullable=False),
    # float32 little-endian, L2-normalised.
    sa.Column("vector", sa.LargeBinary, nullable=False),
    # sha1 of the embedded text: a changed title or abstract is embedded again, an unchanged one never.
    sa.Column("text_hash", sa.String(64), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.UniqueConstraint("model", "paper_id"),
    sqlite_autoincrement=True,
)

search_watermarks = sa.Table(
    "search_watermarks",
    metadata,
    # How far a database-wide search job (the embedder, per model) has got; index directories keep their own.
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

embedding_queue = sa.Table(
    "embedding_queue",
    metadata,
    # Papers an embedder still has to look at, per model: filled from papers.modified_at, emptied as batches
    # are saved. A claim (a token naming the embedder, and a lease) lets embedders on several processes and
    # hosts split the work; a killed embedder's lease runs out and its papers go back to the others.
    sa.Column("model", sa.String(200), primary_key=True),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("modified_at", Timestamp, nullable=False),  # the version of the paper that was queued
    sa.Column("claim", sa.String(250)),
    sa.Column("lease_until", Timestamp),
)

embedding_workers = sa.Table(
    "embedding_workers",
    metadata,
    # One row per embedder process, for progress in ``paperboy stats``: papers saved, since when, last seen.
    sa.Column("holder", sa.String(200), primary_key=True),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("embedded", sa.Integer, nullable=False, server_default="0"),
    sa.Column("started_at", Timestamp, nullable=False),
    sa.Column("seen_at", Timestamp, nullable=False),
)

# Search indexes and the embedder find changed papers by modification time.
sa.Index("ix_papers_modified_at", papers.c.modified_at)
# An organization's papers in its page's order (SQLite's index leaves out NULLS LAST, its default: see 0012).
sa.Index(
    "ix_papers_organization_id_submitted_at",
    papers.c.organization_id,
    papers.c.submitted_at.desc().nulls_last(),
    papers.c.id.desc(),
    sqlite_where=papers.c.organization_id.is_not(None),
    postgresql_where=papers.c.organization_id.is_not(None),
)


# digests: subscriptions, the outbox that delivers them, what each reader was already sent, their library.
subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    # Set for a signed-in reader's personal digest; anonymous subscribers get the trending digest.
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True),
    # Random and unguessable: the signed confirmation and unsubscribe links carry it, never the row id.
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    # pending (double opt-in not yet confirmed) | active | unsubscribed | bounced
    sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
    sa.Column("frequency", sa.String(10), nullable=False, server_default="daily"),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("hour", sa.Integer, nullable=False, server_default="8"),
    # {"searches": [...], "categories": [...], "organizations": [...], "authors": [...], "recommend": bool}
    sa.Column("follows", Json),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("confirmed_at", Timestamp),
    sa.Column("unsubscribed_at", Timestamp),
    # The last period an outbox row was made for: "is it due?" is one comparison, not an outbox scan.
    sa.Column("last_period", sa.String(20)),
)

mail_suppressions = sa.Table(
    "mail_suppressions",
    metadata,
    # Addresses that hard-bounced (5xx): never mailed again, whatever asks.
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
)

digest_outbox = sa.Table(
    "digest_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("subscription_id", sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    # "2025-09-26" (daily, the subscriber's local date) or "2025-W39" (weekly).
    sa.Column("period", sa.String(20), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),
    # pending | sending | sent | empty (nothing new: no mail) | bounced | suppressed | failed | cancelled
    sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
    # [{"paper_id": 1, "reason": "...", "score": 0.5}] in the order shown.
    sa.Column("picks", Json),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Timestamp, nullable=False),
    sa.Column("lease_until", Timestamp),
    sa.Column("claimed_by", sa.String(100)),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    # sha256 of the random token in the mail's "view in browser" link, set when the row is claimed for
    # sending; NULL once its reader revoked the links (or before it was sent).
    sa.Column("view_hash", sa.String(64)),
    sa.Column("sent_at", Timestamp),
    sa.UniqueConstraint("subscription_id", "period"),
    sqlite_autoincrement=True,
)
sa.Index("ix_digest_outbox_view_hash", digest_outbox.c.view_hash, unique=True)
sa.Index("ix_digest_outbox_status_next_attempt_at", digest_outbox.c.status, digest_outbox.c.next_attempt_at)

digest_items = sa.Table(
    "digest_items",
    metadata,
    # Papers a subscription was already given: a digest never repeats one.
    sa.Column("subscription_id", sa.ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("period", sa.String(20), nullable=False),
    sa.PrimaryKeyConstraint("subscription_id", "paper_id"),
)

recommendations = sa.Table(
    "recommendations",
    metadata,
    # The primary key is the rule "never recommend the same paper twice to a person".
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("period", sa.String(20), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.PrimaryKeyConstraint("user_id", "paper_id"),
)
sa.Index("ix_recommendations_user_id_period", recommendations.c.user_id, recommendations.c.period)

library_items = sa.Table(
    "library_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    # Imported items may name papers we do not hold; the title then stands in for the text.
    sa.Column("arxiv_id", sa.String(64), nullable=False),
    sa.Column("title", sa.Text),
    # saved (a folder of the personal library) | imported | not_interested
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("folder", sa.String(200), nullable=False, server_default=""),
    sa.Column("added_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.UniqueConstraint("user_id", "kind", "folder", "arxiv_id"),
)

worker_leases = sa.Table(
    "worker_leases",
    metadata,
    # SQLite's leader lock: a row held until expires_at and renewed by its holder (PostgreSQL uses an
    # advisory lock instead).
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
)


# discovery: who wrote what, derived from papers.authors (rebuilt by store.authors.index_authors) so an author
# page is an index lookup instead of a scan of every paper's JSON (925 ms at 310 k papers; 0.01 ms indexed).
paper_authors = sa.Table(
    "paper_authors",
    metadata,
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    # 0-based place in the author list; hidden authors are left out, so positions may skip.
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.PrimaryKeyConstraint("paper_id", "position"),
)
sa.Index("ix_paper_authors_name", paper_authors.c.name)
# Case-insensitive author and user addresses (/authors/ziwei liu → /authors/Ziwei Liu) look names up by these.
sa.Index("ix_paper_authors_lower_name", sa.func.lower(paper_authors.c.name))
sa.Index("ix_users_lower_username", sa.func.lower(users.c.username))
# One verified holder per author slot, enforced by the database even when two moderators approve at once.
sa.Index(
    "ix_authorship_claims_approved_slot",
    authorship_claims.c.paper_id,
    authorship_claims.c.author_name,
    unique=True,
    sqlite_where=authorship_claims.c.status == "approved",
    postgresql_where=authorship_claims.c.status == "approved",
)


# serving: one number that every visible change moves on (triggers in migration 0006 keep it), so each
# process can tell in one read whether its cached pages are still current.
data_version = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.CheckConstraint("id = 1", name="single_row"),
)

# Similar papers with their reasons, computed when a paper is embedded or its neighbourhood changes, so a
# paper page reads a few rows instead of searching on every view (search/neighbour_store.py keeps them).
paper_neighbours = sa.Table(
    "paper_neighbours",
    metadata,
    sa.Column("paper_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("neighbour_id", sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("cosine", sa.Float, nullable=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("computed_at", Timestamp, nullable=False, server_default=sa.func.current_timestamp()),
    sa.PrimaryKeyConstraint("paper_id", "rank"),
)
sa.Index("ix_paper_neighbours_neighbour_id", paper_neighbours.c.neighbour_id)

# Copies of upstream pictures (paper thumbnails, organization and user avatars), fetched once in the
# background (media/fetch.py) and served from our origin, so a reader's browser never asks another site.
# One row per upstream URL, whatever became of it: "stored" (data holds the resized WebP, named by its
# content hash), "failed" (tried again after retry_at) or "refused" (not an image we accept; never again).
images = sa.Table(
    "images",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.String(1000), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("name", sa.String(80), index=True),
    sa.Column("data", sa.LargeBinary),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    sa.Column("fetched_at", Timestamp, nullable=False),
    sa.Column("retry_at", Timestamp),
)
