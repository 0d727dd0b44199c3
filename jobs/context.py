"""What a job needs to run: where the database, the index and the models live.

Plain paths and URLs, not open objects, so that a job can also run in a child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SmtpSettings:
    """Where the mail-send job delivers the outbox (MAIL_SMTP_* settings)."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str = "noreply@localhost"
    timeout: float = 30.0


@dataclass(frozen=True)
class JobContext:
    """The locations a job works on."""

    database_url: str
    index_dir: Path
    model_dir: Path
    # None: no SMTP configured, so mail stays queued in the outbox (the admin's mail page).
    smtp: SmtpSettings | None = None
    # Where received partner files are kept (the uploads-apply job reads them from there).
    upload_dir: Path | None = None
    # Where the index writer publishes each commit for read-only hosts (None: it does not).
    index_publish_dir: Path | None = None
    # Where the recommender-train job fits: "implicit" here, or "spark" on `spark_master`.
    recommender_backend: str = "implicit"
    spark_master: str = "local[*]"
    # Mail the jobs write themselves (digest, reminders): the site's public address for links,
    # the secret that signs their "stop these mails" links, the compiled translations.
    site_url: str = "http://127.0.0.1:5000"
    secret_key: str | None = None
    translations_dir: Path | None = None
    # The site's time zone (JOBS_TIMEZONE): the days of learners who have not chosen one.
    time_zone: str = "Asia/Shanghai"
    # Where the certificate signing keys are (participation certificates of special events).
    certificate_key_dir: Path | None = None
    # The national export job (docs/open-data.md): where it writes, and the k-anonymity threshold.
    national_export_dir: Path | None = None
    open_data_k: int = 10
    # How many days the open data API's call log keeps (OPEN_DATA_AUDIT_DAYS); the
    # open-data-audit-prune job deletes older rows (insight.open_data.audit.RETENTION_DAYS).
    open_data_audit_days: int = 400
    # The instance folder: learners' uploaded documents and the personal-data archives the
    # personal-data-archives job builds (records/personal_archives.py).
    instance_path: Path | None = None
