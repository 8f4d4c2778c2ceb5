"""Typed settings read from ``PAPERBOY_*`` environment variables.

Every setting has a safe default for a local run; a malformed value stops the process at start-up with the
variable's name, rather than failing later in a request.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from paperboy import __version__
from paperboy.auth.site_secret import KNOWN_DEVELOPMENT_SECRET, default_secret_path, load_or_create


def _default_data_dir() -> Path:
    """The shared real-data folder beside the checkout, used by the offline demo."""
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAPERBOY_", extra="ignore")

    database_url: str = Field(
        "sqlite:///paperboy.db",
        description="SQLAlchemy URL: sqlite:///file.db or postgresql+psycopg://user@host/db",
    )
    database_replica_url: str | None = Field(
        None,
        description="A streaming replica of the PostgreSQL database: page and API reads go there, writes and "
        "a writer's next reads to PAPERBOY_DATABASE_URL.",
    )
    replica_stick_seconds: float = Field(
        10.0,
        gt=0,
        description="After a write, that reader reads from the primary this long (its own writes).",
    )
    auto_migrate: bool = Field(False, description="Apply pending migrations when the server starts.")
    host: str = Field("127.0.0.1", description="Address `paperboy serve` binds to.")
    port: int = Field(8000, description="Port `paperboy serve` listens on.")
    site_name: str = Field("paperboy", description="Name shown in the page header and titles.")
    base_url: str = Field("http://127.0.0.1:8000", description="Public URL of the site, used in links.")

    hf_endpoint: str = Field(
        "https://huggingface.co", description="Hugging Face Hub endpoint for daily papers."
    )
    arxiv_api_url: str = Field("https://export.arxiv.org/api/query", description="arXiv API query endpoint.")
    arxiv_oai_url: str = Field("https://oaipmh.arxiv.org/oai", description="arXiv OAI-PMH endpoint.")
    arxiv_rss_url: str = Field("https://rss.arxiv.org", description="arXiv RSS/Atom listing feeds base URL.")
    contact: str = Field(
        "", description="Operator contact (email or URL) sent in the User-Agent to upstreams."
    )
    arxiv_min_interval: float = Field(3.0, ge=0, description="Seconds between two requests to an arXiv host.")
    hf_min_interval: float = Field(0.5, ge=0, description="Seconds between two requests to Hugging Face.")
    http_timeout: float = Field(30.0, gt=0, description="Seconds before an upstream request times out.")
    http_retries: int = Field(
        6, ge=0, description="Retries on 429, 5xx, timeouts and promised-but-empty pages."
    )
    http_backoff: float = Field(2.0, ge=0, description="First retry delay in seconds; doubles each retry.")
    http_max_connections: int = Field(1, ge=1, description="Concurrent connections per upstream.")

    demo_days: int = Field(
        30, ge=1, description="Days fetched live from Hugging Face by `make demo` when online."
    )
    demo_data_dir: Path = Field(
        default_factory=lambda: _default_data_dir() / "hf_daily",
        description="Folder of saved daily-papers day files for the offline demo.",
    )
    page_size: int = Field(50, ge=1, le=500, description="Papers per page on the feed pages.")
    public_upvotes: bool = Field(
        True,
        description="List the papers a person upvoted on their /users page (as Hugging Face shows who "
        "upvoted); off keeps every upvote private (counts only).",
    )

    secret_key: str = Field(
        "",
        description="Signs sessions' CSRF tokens and emailed links (empty: a random secret kept in the "
        "secret file, made on first run).",
    )
    secret_file: Path | None = Field(
        None,
        description="Where the generated secret is kept (default: beside the SQLite file as "
        "`<file>.secret`, else `paperboy.secret` in the working folder).",
    )
    environment: str = Field(
        "development",
        pattern="^(development|production)$",
        description="`production` refuses insecure cookies.",
    )
    session_days: int = Field(30, ge=1, description="Days a sign-in lasts.")
    open_signup: bool = Field(True, description="Let anyone create an account.")
    login_limit: int = Field(
        10,
        ge=1,
        description="Sign-in attempts per account, per client network (IPv6 /64; successes not counted) "
        "and per known browser, per window.",
    )
    signup_limit: int = Field(5, ge=1, description="Sign-ups per IP (IPv6 /64) per window.")
    throttle_minutes: int = Field(15, ge=1, description="Length of the login / sign-up throttle window.")
    account_mail_limit: int = Field(
        3,
        ge=1,
        description="Account mails (address confirmation, password reset, 'you already have an account') "
        "one address receives per hour at most.",
    )
    max_body_bytes: int = Field(1_000_000, ge=1024, description="Largest request body accepted (413 above).")

    mail_backend: str = Field(
        "console",
        pattern="^(console|file|smtp)$",
        description="console (log), file (one .eml per message) or smtp.",
    )
    mail_dir: Path = Field(Path("mail"), description="Folder for the file mail backend.")
    mail_from: str = Field("paperboy <paperboy@localhost>", description="From address of every mail.")
    smtp_host: str = Field("localhost", description="SMTP server.")
    smtp_port: int = Field(587, description="SMTP port (587 STARTTLS, 465 TLS).")
    smtp_user: str = Field("", description="SMTP user name (empty: no login).")
    smtp_password: str = Field("", description="SMTP password.")
    smtp_tls: str = Field("starttls", pattern="^(starttls|ssl|none)$", description="starttls, ssl or none.")

    submission_max_age_days: int = Field(
        30, ge=1, description="Oldest paper (by first arXiv version) that may be submitted to the daily feed."
    )
    submission_daily_cap: int = Field(5, ge=1, description="Papers one user may submit per day.")
    vote_limit: int = Field(60, ge=1, description="Upvotes and removals one user may make per vote window.")
    vote_window_seconds: int = Field(60, ge=1, description="Length of the vote limit's window, in seconds.")
    comment_limit: int = Field(
        10, ge=1, description="Comments (new ones and edits) one user may post per comment window."
    )
    comment_window_minutes: int = Field(10, ge=1, description="Length of the comment limit's window.")
    trending_comment_weight: float = Field(
        2.0, ge=0, description="Trending: one comment counts as this many votes."
    )
    trending_star_weight: float = Field(1.0, ge=0, description="Trending: weight of log2(1 + GitHub stars).")
    trending_gravity: float = Field(
        1.2, ge=0, description="Trending: age decay exponent (higher falls faster)."
    )
    trending_days: int = Field(7, ge=1, description="Days of featured papers considered by /papers/trending.")

    # digests
    digest_rate: float = Field(10.0, gt=0, description="Digest mails sent per second at most.")
    digest_batch: int = Field(20, ge=1, le=1000, description="Outbox rows one sender claims at a time.")
    digest_lease_seconds: float = Field(
        300.0, gt=0, description="A claimed outbox row returns to the queue if not done by then (crash)."
    )
    digest_retry_seconds: float = Field(
        60.0, ge=0, description="First retry delay after a 4xx answer; doubles each time."
    )
    digest_retry_max_seconds: float = Field(3600.0, ge=0, description="Longest delay between two retries.")
    digest_give_up_hours: float = Field(
        72.0, gt=0, description="A digest still refused (4xx) after this long is marked failed."
    )
    digest_max_papers: int = Field(10, ge=1, le=50, description="Papers in one digest at most.")
    digest_confirm_limit: int = Field(
        3, ge=1, description="Subscription confirmation mails per address per hour."
    )
    digest_trending_weight: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Personal picks: how much trending orders papers that clear the relevance floor "
        "(it never admits an off-topic one).",
    )
    smtp_ca_file: Path | None = Field(
        None, description="CA bundle to trust for the SMTP server's certificate (default: system CAs)."
    )
    worker_ingest: str = Field(
        "hf",
        pattern="^(hf|arxiv-oai|none)$",
        description="What `paperboy worker` ingests after each arXiv announcement: hf, arxiv-oai or none.",
    )
    worker_arxiv_set: str = Field("cs", description="OAI-PMH set the worker ingests with arxiv-oai.")
    worker_backfill_days: int = Field(
        7, ge=0, description="Announcement days the worker back-fills after a pause."
    )
    worker_tick_seconds: float = Field(60.0, gt=0, description="Seconds between two worker schedule checks.")
    worker_lease_seconds: float = Field(
        60.0,
        gt=0,
        description="How soon another worker takes over when the leader's host dies (at least 3 ticks).",
    )
    worker_metadata_backfill: int = Field(
        500,
        ge=0,
        description="Papers from Hugging Face (no arXiv categories yet) the worker completes from the arXiv "
        "API each tick, 100 per request; 0 turns it off.",
    )

    worker_images: int = Field(
        200,
        ge=0,
        description="Thumbnails and avatars the worker fetches and stores each tick (`paperboy images fetch` "
        "does the same on demand); 0 turns it off.",
    )
    image_hosts: str = Field(
        "huggingface.co,gravatar.com",
        description="Comma-separated hosts images may be fetched from (a host also allows its subdomains); "
        "an image anywhere else is refused and shown as initials or a placeholder.",
    )
    image_min_interval: float = Field(
        0.2, ge=0, description="Seconds between two image requests to one host."
    )
    image_max_bytes: int = Field(
        8_000_000, ge=1024, description="Largest upstream image downloaded; a bigger one is refused."
    )

    # serving (README, "Running in production": these numbers are chosen together)
    web_threads: int = Field(
        8,
        ge=1,
        le=256,
        description="Requests one server process works on at once, each on its own thread with at most "
        "two pooled database connections; further requests wait in a queue.",
    )
    web_queue_seconds: float = Field(
        5.0,
        gt=0,
        description="Longest a request waits for a free thread before it is answered 503 with Retry-After.",
    )
    web_queue_limit: int = Field(
        1000, ge=0, description="Requests that may wait at once; beyond that the answer is 503 at once."
    )
    db_pool_size: int | None = Field(
        None,
        ge=1,
        description="Pooled database connections per process (default: twice PAPERBOY_WEB_THREADS plus 4).",
    )
    cache_entries: int = Field(
        2000, ge=0, description="Anonymous pages and API answers kept in memory per process (0: no cache)."
    )
    search_memo_papers: int = Field(
        10_000,
        ge=0,
        description="Papers of search answers kept in memory per process until the data changes (their "
        "record and their API JSON, about 7 KB each; 0: none). Cover the papers searches return most.",
    )
    cache_max_age_seconds: float = Field(
        60.0,
        gt=0,
        description="Longest a cached anonymous answer is served; votes, comments and ingests end it sooner.",
    )
    data_version_poll_seconds: float = Field(
        1.0,
        gt=0,
        description="How often a process reads the data version that other processes' writes move on.",
    )
    access_log: bool = Field(True, description="Log one line per request (uvicorn's access log).")
    log_format: Literal["text", "json"] = Field(
        "text",
        description="text, or json: one JSON object per line (time, level, logger, message; requests "
        "add method, path, status, duration_ms and request_id).",
    )
    metrics_token: str = Field(
        "",
        description="Bearer token a scrape of /metrics must send (empty: loopback clients only).",
    )
    startup_wait_seconds: float = Field(
        60.0,
        ge=0,
        description="Longest start-up waits for search indexes and the query model before the server "
        "takes requests; anything still loading then finishes in the background (`/readyz` says when).",
    )
    shutdown_seconds: float = Field(
        10.0, gt=0, description="Longest SIGTERM waits for requests in flight before the process exits."
    )

    # search
    search_index_dir: Path | None = Field(
        None, description="Folder of the search indexes (default: beside the SQLite file, or ./search-index)."
    )
    search_model: str = Field(
        "minilm", description="Embedding model: minilm (packaged), st:<model>, model2vec:<model> or none."
    )
    search_runtime: Literal["onnx", "torch"] = Field(
        "onnx",
        description="Runs transformer models on ONNX Runtime (same vectors, 2-3x faster on CPU) or on torch.",
    )
    search_refresh_seconds: float = Field(
        2.0, gt=0, description="How stale the search indexes may get before they are refreshed."
    )
    search_embed_background: bool = Field(
        True, description="The index writer embeds new papers in a background thread."
    )
    search_embed_batch: int = Field(256, ge=1, description="Papers the background embedder takes per pass.")
    embed_lease_seconds: float = Field(
        300.0,
        gt=0,
        description="How long an embedder holds a claimed batch; a killed embedder's papers return after it.",
    )
    search_ivf_threshold: int = Field(
        50_000, ge=1, description="Vectors above which faiss switches from exact search to IVF."
    )
    search_nprobe: int = Field(96, ge=1, description="IVF lists probed per query (recall against speed).")

    @model_validator(mode="after")
    def _site_secret(self) -> Settings:
        """Never a secret anyone can read: the published old default is refused, an empty one generated."""
        if self.secret_key == KNOWN_DEVELOPMENT_SECRET:
            raise ValueError(
                "PAPERBOY_SECRET_KEY is the published development secret: unset it (a random secret is then "
                "generated and kept in the secret file) or set a long random value"
            )
        if not self.secret_key:
            self.secret_key = load_or_create(self.secret_path)
        return self

    @property
    def secret_path(self) -> Path:
        return self.secret_file or default_secret_path(self.database_url)

    @property
    def pool_size(self) -> int:
        """A request may hold a read and a write connection; the background refresher needs a few more."""
        return self.db_pool_size or 2 * self.web_threads + 4

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def user_agent(self) -> str:
        """arXiv asks automated clients to identify themselves and give a way to reach the operator."""
        contact = f"; contact: {self.contact}" if self.contact else ""
        return f"paperboy/{__version__} (self-hosted paper feed{contact})"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings are read once per process; tests clear this cache after changing the environment."""
    return Settings()
