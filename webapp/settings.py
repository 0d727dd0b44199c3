"""Settings of the site, read from the environment once, when the app is created."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from assistant.first_matcher import default_cache_folder
from catalogue.ingest.service import Limits
from jobs.context import JobContext, SmtpSettings
from recommender.config import BACKENDS

DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_UPLOAD_ROWS = 1_000_000
DEFAULT_DESK_HOURS = "mon-fri 09:00-18:00, sat-sun 10:00-16:00"
# Failed log-ins and sign-ups; a successful log-in does not count (webapp/limits.py).
DEFAULT_LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
DEFAULT_LOGIN_LIMIT_PER_IP = "20 per 15 minutes"
DEFAULT_SIGNUP_LIMIT_PER_IP = "5 per hour"
# The jobs' own mail (digest, reminders): links use SITE_URL, else the default local address.
DEFAULT_JOB_SITE_URL = "http://127.0.0.1:5000"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


EXTENSION = "lifelong.settings"


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs to wire the subsystems together."""

    instance_path: Path
    database_url: str
    secret_key: str
    index_dir: Path
    model_dir: Path
    upload_dir: Path
    # Several hosts (search/replication.py): the host whose worker writes the index publishes
    # each commit to a shared folder; read-only hosts follow that folder. Never both.
    index_publish_dir: Path | None = None
    index_follow: Path | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_upload_rows: int = DEFAULT_MAX_UPLOAD_ROWS
    default_locale: str = "zh"
    demo_courses: int = 5000
    demo_learners: int = 2000
    # How old the home page's per-area course counts may be, in seconds (0: exact every time).
    catalogue_counts_max_age: float = 60.0
    # Cron times of the jobs worker are read in this zone.
    jobs_timezone: str = "Asia/Shanghai"
    # Rate limits (webapp/limits.py): counters in Redis when a URL is set, else the database.
    redis_url: str = ""
    rate_limit_prefix: str = "lifelong"
    # How many proxies in front of the site set X-Forwarded-For (0: trust none, use the peer).
    trusted_proxies: int = 0
    login_limit_per_account: str = DEFAULT_LOGIN_LIMIT_PER_ACCOUNT
    login_limit_per_ip: str = DEFAULT_LOGIN_LIMIT_PER_IP
    signup_limit_per_ip: str = DEFAULT_SIGNUP_LIMIT_PER_IP
    post_limit_per_ip: str = ""
    # Questions to the assistant from one address (each may run a search).
    assistant_limit_per_ip: str = "30 per minute"
    # Study-group codes and links from one address that match no group (a class shares one).
    group_code_limit_per_ip: str = "100 per hour"
    # Outgoing mail: without a host, mail stays queued in the outbox (/admin/mail).
    mail_smtp_host: str | None = None
    mail_smtp_port: int = 587
    mail_smtp_user: str | None = None
    mail_smtp_password: str | None = None
    mail_smtp_starttls: bool = True
    mail_from: str = "noreply@localhost"
    # The site's public address for links in mail; unset: the address the request came to.
    site_url: str | None = None
    # The production web server (`lifelong start`, `lifelong serve`): processes, threads each,
    # seconds a request may take, seconds a stop waits for requests in flight.
    # The site is reached over https (TLS at the proxy): cookies are Secure, HSTS is sent.
    https: bool = False
    web_workers: int = 2
    web_threads: int = 8
    web_timeout: int = 60
    web_graceful_timeout: int = 30
    # Where the recommender's factorisation runs (docs/recommender.md): implicit in the
    # training process, or Spark MLlib's ALS on this Spark master.
    recommender_backend: str = "implicit"
    recommender_spark_master: str = "local[*]"
    # When people answer the service desk, in the jobs' time zone (assistant/hours.py).
    desk_hours: str = DEFAULT_DESK_HOURS
    # Where `lifelong start` keeps the first question matcher it fits, so that a new instance
    # with the same knowledge adopts it instead of fitting again (assistant/first_matcher.py);
    # None (ASSISTANT_MATCHER_CACHE=off): always fit.
    assistant_matcher_cache: Path | None = None
    # The certificate signing keys (docs/certificates.md); unset: <instance>/certificate-keys.
    certificate_key_dir: Path | None = None
    # The open data API (docs/open-data.md): the k-anonymity threshold of every published
    # figure, a new client's default limits, token lifetime, how old a catalogue change must be
    # before the change feed shows it, and where the national export job writes its files.
    open_data_k: int = 10
    open_data_rate_per_minute: int = 60
    open_data_daily_quota: int = 10_000
    open_data_token_seconds: int = 3600
    open_data_settle_seconds: float = 5.0
    open_data_audit_days: int = 400
    # Seconds between flushes of each process's response times (None: 60, but none under
    # TESTING; 0: never, flush by hand).
    response_times_flush_seconds: float | None = None
    national_export_dir: Path | None = None

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Settings:
        """Build settings from overrides first, then environment variables, then defaults."""
        env = dict(os.environ if environ is None else environ)
        over = dict(overrides or {})

        def pick(key: str, default: Any = None) -> Any:
            if key in over:
                return over[key]
            return env.get(key, default)

        instance = Path(pick("INSTANCE_PATH", "instance")).resolve()
        instance.mkdir(parents=True, exist_ok=True)
        database_url = pick("DATABASE_URL") or f"sqlite:///{instance / 'lifelong.db'}"
        publish_dir = pick("INDEX_PUBLISH_DIR") or None
        follow = pick("INDEX_FOLLOW") or None
        if publish_dir and follow:
            raise ValueError(
                "INDEX_PUBLISH_DIR and INDEX_FOLLOW are both set: set INDEX_PUBLISH_DIR on the "
                "hosts that run the jobs worker (it writes the index) and INDEX_FOLLOW on the "
                "read-only web hosts"
            )
        return cls(
            instance_path=instance,
            database_url=database_url,
            secret_key=pick("SECRET_KEY") or _instance_secret(instance),
            index_dir=Path(pick("INDEX_DIR") or instance / "index"),
            model_dir=Path(pick("MODEL_DIR") or instance / "models"),
            upload_dir=Path(pick("UPLOAD_DIR") or instance / "uploads"),
            index_publish_dir=Path(publish_dir).resolve() if publish_dir else None,
            index_follow=Path(follow).resolve() if follow else None,
            max_upload_bytes=int(pick("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)),
            max_upload_rows=int(pick("MAX_UPLOAD_ROWS", DEFAULT_MAX_UPLOAD_ROWS)),
            default_locale=str(pick("DEFAULT_LOCALE", "zh")),
            demo_courses=int(pick("DEMO_COURSES", 5000)),
            demo_learners=int(pick("DEMO_LEARNERS", 2000)),
            catalogue_counts_max_age=max(0.0, float(pick("CATALOGUE_COUNTS_MAX_AGE", 60))),
            jobs_timezone=str(pick("JOBS_TIMEZONE", "Asia/Shanghai")),
            redis_url=str(pick("REDIS_URL", "") or ""),
            rate_limit_prefix=str(pick("RATE_LIMIT_PREFIX", "lifelong")),
            trusted_proxies=int(pick("TRUSTED_PROXIES", 0) or 0),
            login_limit_per_account=str(
                pick("LOGIN_LIMIT_PER_ACCOUNT", DEFAULT_LOGIN_LIMIT_PER_ACCOUNT)
            ),
            login_limit_per_ip=str(pick("LOGIN_LIMIT_PER_IP", DEFAULT_LOGIN_LIMIT_PER_IP)),
            signup_limit_per_ip=str(pick("SIGNUP_LIMIT_PER_IP", DEFAULT_SIGNUP_LIMIT_PER_IP)),
            post_limit_per_ip=str(pick("POST_LIMIT_PER_IP", "") or ""),
            assistant_limit_per_ip=str(pick("ASSISTANT_LIMIT_PER_IP", "30 per minute") or ""),
            group_code_limit_per_ip=str(pick("GROUP_CODE_LIMIT_PER_IP", "100 per hour") or ""),
            mail_smtp_host=pick("MAIL_SMTP_HOST") or None,
            mail_smtp_port=int(pick("MAIL_SMTP_PORT", 587)),
            mail_smtp_user=pick("MAIL_SMTP_USER") or None,
            mail_smtp_password=pick("MAIL_SMTP_PASSWORD") or None,
            mail_smtp_starttls=_flag(pick("MAIL_SMTP_STARTTLS", True)),
            mail_from=str(pick("MAIL_FROM") or "noreply@localhost"),
            site_url=(pick("SITE_URL") or "").rstrip("/") or None,
            https=_flag(pick("HTTPS", str(pick("SITE_URL") or "").startswith("https://"))),
            web_workers=max(1, int(pick("WEB_WORKERS", 2))),
            web_threads=max(1, int(pick("WEB_THREADS", 8))),
            web_timeout=max(1, int(pick("WEB_TIMEOUT", 60))),
            web_graceful_timeout=max(1, int(pick("WEB_GRACEFUL_TIMEOUT", 30))),
            recommender_backend=_choice(
                "RECOMMENDER_BACKEND", pick("RECOMMENDER_BACKEND") or "implicit", BACKENDS
            ),
            recommender_spark_master=str(pick("RECOMMENDER_SPARK_MASTER") or "local[*]"),
            desk_hours=str(pick("DESK_HOURS", DEFAULT_DESK_HOURS)),
            assistant_matcher_cache=_matcher_cache(
                pick("ASSISTANT_MATCHER_CACHE"), pick("XDG_CACHE_HOME")
            ),
            certificate_key_dir=Path(
                pick("CERTIFICATE_KEY_DIR") or instance / "certificate-keys"
            ).resolve(),
            open_data_k=max(2, int(pick("OPEN_DATA_K", 10))),
            open_data_rate_per_minute=max(1, int(pick("OPEN_DATA_RATE_PER_MINUTE", 60))),
            open_data_daily_quota=max(1, int(pick("OPEN_DATA_DAILY_QUOTA", 10_000))),
            open_data_token_seconds=max(60, int(pick("OPEN_DATA_TOKEN_SECONDS", 3600))),
            open_data_settle_seconds=max(0.0, float(pick("OPEN_DATA_SETTLE_SECONDS", 5))),
            open_data_audit_days=max(1, int(pick("OPEN_DATA_AUDIT_DAYS", 400))),
            response_times_flush_seconds=(
                None
                if pick("RESPONSE_TIMES_FLUSH_SECONDS") in (None, "")
                else max(0.0, float(pick("RESPONSE_TIMES_FLUSH_SECONDS")))
            ),
            national_export_dir=Path(
                pick("NATIONAL_EXPORT_DIR") or instance / "exports" / "national"
            ).resolve(),
        )

    def job_context(self) -> JobContext:
        """Where the jobs worker's jobs find the database, the index and the models."""
        return JobContext(
            self.database_url,
            self.index_dir,
            self.model_dir,
            self.smtp(),
            self.upload_dir,
            index_publish_dir=self.index_publish_dir,
            recommender_backend=self.recommender_backend,
            spark_master=self.recommender_spark_master,
            # Without SITE_URL, links in the jobs' mail name the address `lifelong start` uses.
            site_url=self.site_url or DEFAULT_JOB_SITE_URL,
            secret_key=self.secret_key,
            translations_dir=TRANSLATIONS_DIR,
            time_zone=self.jobs_timezone,
            certificate_key_dir=self.certificate_key_dir,
            national_export_dir=self.national_export_dir,
            open_data_k=self.open_data_k,
            open_data_audit_days=self.open_data_audit_days,
            instance_path=self.instance_path,
        )

    def smtp(self) -> SmtpSettings | None:
        """Where outgoing mail is delivered, or None when no SMTP host is set."""
        if not self.mail_smtp_host:
            return None
        return SmtpSettings(
            host=self.mail_smtp_host,
            port=self.mail_smtp_port,
            user=self.mail_smtp_user,
            password=self.mail_smtp_password,
            starttls=self.mail_smtp_starttls,
            sender=self.mail_from,
        )

    def upload_limits(self) -> Limits:
        """The partner-upload size limits."""
        return Limits(max_bytes=self.max_upload_bytes, max_rows=self.max_upload_rows)


def get_settings(app: Flask | None = None) -> Settings:
    """The settings an app (by default the current one) was built with."""
    return (app or current_app).extensions[EXTENSION]


def _flag(value: Any) -> bool:
    """A yes/no setting: false for 0, false, no, off (any case) and the empty string."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("", "0", "false", "no", "off")


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """A setting that must be one of a few words (any case), refused clearly otherwise."""
    word = str(value).strip().lower()
    if word not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return word


def _matcher_cache(value: Any, xdg_cache_home: Any) -> Path | None:
    """ASSISTANT_MATCHER_CACHE: a folder, "off", or unset for the per-user cache folder."""
    text = str(value or "").strip()
    if text.lower() in ("off", "none", "0", "false"):
        return None
    if text:
        return Path(text).expanduser().resolve()
    return default_cache_folder(str(xdg_cache_home or "") or None)


def _instance_secret(instance: Path) -> str:
    """The secret key stored in the instance folder, created on first use (mode 0600).

    Several processes may start at once (the web server's workers): the key is written to a
    private file and linked into place, so every process reads the one complete key.
    """
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    try:
        os.link(draft, path)  # fails if another process linked its key first
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
