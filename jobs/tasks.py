"""The work the scheduler runs: plain functions of a JobContext that return their figures."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from assistant.artefacts import MatcherStore
from assistant.nightly import retrain
from catalogue import mail_texts
from catalogue.db import make_engine, make_session_factory
from catalogue.ingest.service import UploadInterrupted, apply_queued_uploads
from catalogue.services import digests
from catalogue.services.activity import refresh_course_stats
from catalogue.services.job_runs import prune_runs
from catalogue.services.mail_links import MailLinks
from jobs import shutdown
from jobs.context import JobContext
from jobs.gc_gate import process_gate
from recommender.artefacts import ModelStore
from recommender.config import TrainingConfig
from recommender.pipeline import train_and_publish
from recommender.spark_als import SparkOptions
from records import personal_archives
from records import profile as learning_profile
from records import special_events as events_service
from records.signing import load_signer
from search import indexer
from search.store import IndexStore

RUN_HISTORY = timedelta(days=30)


_engines: dict[str, Engine] = {}


def _engine(context: JobContext) -> Engine:
    # One engine (and connection pool) per database for a worker's lifetime: index-sync
    # runs every two seconds.
    if context.database_url not in _engines:
        _engines[context.database_url] = make_engine(context.database_url)
    return _engines[context.database_url]


def _sessions(context: JobContext):
    return make_session_factory(_engine(context))


def index_sync(context: JobContext, store: IndexStore | None = None) -> dict[str, Any]:
    """Apply pending catalogue changes (the index outbox) to the search index."""
    store = store or IndexStore(context.index_dir, context.index_publish_dir)
    sessions = _sessions(context)
    indexer.catch_up(store)  # a newer publication by another host's worker comes first
    if not store.is_current_schema():
        return {"rebuilt": indexer.rebuild(sessions, store), "applied": 0}
    return {"applied": indexer.sync_all(sessions, store)}


def index_rebuild(context: JobContext) -> dict[str, Any]:
    """Build a fresh search index beside the live one and switch to it."""
    store = IndexStore(context.index_dir, context.index_publish_dir)
    return {"documents": indexer.rebuild(_sessions(context), store, procs=2)}


def uploads_apply(context: JobContext) -> dict[str, Any]:
    """Apply the partner uploads queued from the portal and the API, oldest first."""
    if context.upload_dir is None:
        raise ValueError("the job context has no upload folder")

    def between_rows() -> None:
        if shutdown.stop_requested():
            raise UploadInterrupted("the jobs worker is stopping")
        process_gate().checkpoint()

    return apply_queued_uploads(_sessions(context), context.upload_dir, between_rows=between_rows)


def popularity_refresh(context: JobContext) -> dict[str, Any]:
    """Recount each course's views, likes, saves, starts and completions; prune old job runs."""
    with _sessions(context)() as session:
        courses = refresh_course_stats(session)
        pruned = prune_runs(session, RUN_HISTORY)
        session.commit()
    return {"courses": courses, "pruned_runs": pruned}


def recommender_train(context: JobContext) -> dict[str, Any]:
    """Train the recommender on the activity events and publish it if it is good enough (with
    the configured backend: implicit here, or Spark on the configured master)."""
    config = TrainingConfig(backend=context.recommender_backend)
    with _engine(context).connect() as connection:
        report = train_and_publish(
            connection,
            ModelStore(context.model_dir),
            config,
            spark=SparkOptions(master=context.spark_master),
        )
    data = report.to_dict()
    return {
        "version": data["version"],
        "backend": config.backend,
        "promoted": data["promoted"],
        "reason": data["reason"],
        "ndcg": (data["metrics"] or {}).get("ndcg"),
        "baseline_ndcg": (data["baseline"] or {}).get("ndcg"),
        # The promotion gate's decision and its figures, explained on the admin jobs page.
        "gate": data["figures"].get("gate"),
        **{k: v for k, v in data["figures"].items() if isinstance(v, int | float)},
    }


def assistant_train(context: JobContext) -> dict[str, Any]:
    """Retrain the assistant's question matcher on the shipped and staff-labelled questions and
    promote it if it answers the held-out questions better (assistant/training.py)."""
    with _sessions(context)() as session:
        report = retrain(session, MatcherStore(context.model_dir / "assistant"))
    metrics = {k: v for k, v in report.metrics.items() if isinstance(v, int | float)}
    return {
        "version": report.version,
        "promoted": report.promoted,
        "reason": report.reason,
        **metrics,
    }


def mail_send(context: JobContext) -> dict[str, Any]:
    """Deliver queued outgoing mail over SMTP (nothing to do when SMTP is not configured)."""
    if context.smtp is None:
        return {"sent": 0, "failed": 0}
    from jobs.mail import send_queued

    return send_queued(_sessions(context), context.smtp)


def _mail_links(context: JobContext) -> MailLinks:
    if not context.secret_key:
        raise ValueError("the job context has no secret key to sign the mails' stop links")
    return MailLinks(context.site_url, context.secret_key)


def notification_digest(context: JobContext) -> dict[str, Any]:
    """Queue the daily digest of unread notifications to every account that wants it."""
    return digests.send_digests(
        _sessions(context),
        _mail_links(context),
        partial(mail_texts.translator, context.translations_dir),
    )


def learning_reminders(context: JobContext) -> dict[str, Any]:
    """Queue learning reminders to the learners who asked for them and left courses."""
    return digests.send_reminders(
        _sessions(context),
        _mail_links(context),
        partial(mail_texts.translator, context.translations_dir),
    )


def goal_reminders(context: JobContext) -> dict[str, Any]:
    """Notify (on the site) the learners with reminders on whose weekly goal is going behind."""
    return learning_profile.send_goal_reminders(_sessions(context), site_zone=context.time_zone)


def special_events(context: JobContext) -> dict[str, Any]:
    """Count special events' participation, issue the participation certificates due (signed
    with the site's key) and close ended events."""
    issue = None
    if context.certificate_key_dir is not None:
        issue = events_service.certificate_issuer(
            load_signer(context.certificate_key_dir), context.site_url
        )
    with _sessions(context)() as session:
        figures = events_service.run_events(session, issue, zone=ZoneInfo(context.time_zone))
        session.commit()
    return figures


def personal_data_archives(context: JobContext) -> dict[str, Any]:
    """Build the personal-data archives learners asked for (large accounts), notify them, and
    remove the archives older than 7 days (records/personal_archives.py)."""
    if context.instance_path is None:
        raise ValueError("the job context has no instance folder")
    return personal_archives.run(
        _sessions(context), context.instance_path, should_stop=shutdown.stop_requested
    )
