"""Translated labels for codes the services return (upload states, file and row errors)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

UPLOAD_STATUS = {
    "received": _l("Waiting for your check"),
    "queued": _l("Queued"),
    "running": _l("Being applied"),
    "applied": _l("Applied"),
    "rejected": _l("Rejected"),
    "failed": _l("Failed"),
}

FILE_PROBLEMS = {
    "FILE_TOO_LARGE": _l("The file is larger than the allowed maximum."),
    "TOO_MANY_ROWS": _l("The file has more rows than one upload may hold. Split it."),
    "UNDECODABLE": _l("The file's text cannot be read. Save it as UTF-8 and upload it again."),
    "AMBIGUOUS_ENCODING": _l(
        "We cannot tell the file's text encoding for sure. Save it as UTF-8, or choose the "
        "encoding when you upload."
    ),
    "UNSUPPORTED_ENCODING": _l("That text encoding is not supported."),
    "ARCHIVE_NOT_ALLOWED": _l("Archives (zip, gz, rar, 7z) are not accepted. Upload the file."),
    "ARCHIVE_TOO_LARGE": _l("The Excel file unpacks to far more data than it holds; refused."),
    "UNSUPPORTED_FORMAT": _l("Old .xls files are not accepted. Save as .xlsx or CSV."),
    "EMPTY_FILE": _l("The file is empty."),
    "ROWS_REJECTED": _l("Some rows have errors, so nothing was applied (all or nothing)."),
    "INTERRUPTED": _l("The server stopped before this upload finished. Nothing was applied."),
    "INTERNAL_ERROR": _l("Something went wrong on our side. Nothing was applied."),
    "FILE_GONE": _l("The file is no longer stored. Please upload it again."),
    "BAD_CSV": _l("The CSV file cannot be read (a broken quote or line). Save it again."),
    "BAD_JSON": _l("The JSON file is not valid JSON."),
    "NOT_AN_ARRAY": _l("The JSON file holds no list of courses."),
    "JSON_PATH_NOT_FOUND": _l("The JSON file has no list of courses at that place."),
    "BAD_XLSX": _l("The Excel file is damaged or not a real .xlsx file. Save it again."),
    "NO_TITLE_COLUMN": _l("Map one column to the course title first."),
    "BAD_MAPPING": _l("Each course field can come from one column only."),
    "PROVIDER_SUSPENDED": _l(
        "The institution was suspended before this upload was applied. Nothing was applied."
    ),
}

FIELD_LABELS = {
    "external_id": _l("Course id"),
    "title": _l("Title"),
    "subtitle": _l("Subtitle"),
    "description": _l("Description"),
    "area": _l("Area"),
    "subjects": _l("Subjects"),
    "format": _l("Format"),
    "level": _l("Level"),
    "language": _l("Language"),
    "duration": _l("Length"),
    "effort": _l("Effort per week"),
    "lesson_count": _l("Number of lessons"),
    "cover_url": _l("Cover image URL"),
    "source_url": _l("Course URL"),
    "price": _l("Price"),
    "is_free": _l("Free"),
    "status": _l("Status"),
    "provider": _l("Institution (shown only)"),
    "enrolments": _l("Enrolments (shown only)"),
    "rating": _l("Rating (shown only)"),
    "lesson_title": _l("Lesson title (one row per lesson)"),
    "lesson_type": _l("Lesson kind"),
    "lesson_duration": _l("Lesson length"),
    "lesson_url": _l("Lesson video, audio or page address"),
    "lesson_captions": _l("Lesson subtitles (WebVTT) address"),
    "lesson_body": _l("Lesson text"),
    "credits": _l("Credits"),
    "outcome_type": _l("Kind of outcome"),
    "completion": _l("Completion rule"),
    "completion_share": _l("Completion: share of lessons"),
    "completion_minutes": _l("Completion: minimum minutes"),
}

COURSE_STATUS = {
    "published": _l("Published"),
    "draft": _l("Draft"),
    "withdrawn": _l("Withdrawn"),
}

REVIEW_STATUS = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "superseded": _l("Replaced by a newer submission"),
}

REVIEW_KINDS = {
    "new": _l("New course"),
    "change": _l("Changes to a live course"),
}

REVIEW_FIELDS = {
    "title": _l("Title"),
    "subtitle": _l("Subtitle"),
    "description": _l("Description"),
    "area": _l("Area"),
    "format": _l("Format"),
    "level": _l("Level"),
    "language": _l("Language"),
    "subjects": _l("Subjects"),
    "duration_minutes": _l("Length in minutes"),
    "cover_url": _l("Cover image URL"),
    "source_url": _l("Course URL"),
    "is_free": _l("Free"),
    "price_cents": _l("Price (fen)"),
}

ROW_PROBLEMS = {
    "BAD_CREDITS": _l("Credits must be a number from 0 to 100 with at most two decimals."),
    "UNKNOWN_OUTCOME_TYPE": _l(
        "Unknown kind of outcome: use academic, vocational, training or culture."
    ),
    "UNKNOWN_COMPLETION": _l("Unknown completion rule: use all_lessons, share or minutes."),
    "BAD_COMPLETION_SHARE": _l(
        "A completion by share needs the share of lessons: above 0, at most 1 (or 100 per cent)."
    ),
    "BAD_COMPLETION_MINUTES": _l(
        "A completion by time needs the minimum learning time in whole minutes."
    ),
    "BAD_AWARD": _l("The completion rule or credits cannot be read."),
    "MISSING_TITLE": _l("The course has no title."),
    "MISSING_ID": _l("The course has no id."),
    "MISSING_AREA": _l("No learning area, and no default area was chosen."),
    "AREA_UNCERTAIN": _l(
        "No learning area, and its subjects and title do not tell it surely: add an area "
        "column, or choose a default area for the file."
    ),
    "LANGUAGE_UNKNOWN": _l(
        "The language cannot be told from the text: add a language column, or choose the "
        "language of every course in the file."
    ),
    "TOO_LONG": _l("The text is too long for this field."),
    "BAD_DURATION": _l("The length is not understood (e.g. 90, 1.5 hours, 01:30:00, 12 weeks)."),
    "UNKNOWN_AREA": _l("The learning area is not one of the six areas."),
    "UNKNOWN_LEVEL": _l("The level is not understood."),
    "UNKNOWN_FORMAT": _l("The format is not understood."),
    "UNKNOWN_STATUS": _l("The status is not understood."),
    "BAD_LANGUAGE": _l("The language is not understood."),
    "BAD_PRICE": _l("The price is not understood."),
    "BAD_NUMBER": _l("This is not a number."),
    "BAD_BOOLEAN": _l("Use yes or no."),
    "BAD_LIST": _l("The list is not understood."),
    "BAD_URL": _l("The link must start with http:// or https://."),
    "TOO_MANY_TAGS": _l("Too many subjects (at most 20)."),
    "DUPLICATE_IN_FILE": _l("This course appears earlier in the file."),
    "BAD_JSON": _l("This line is not valid JSON."),
    "NOT_AN_OBJECT": _l("This entry is not an object with fields."),
    "EXTRA_FIELDS": _l("The row has more values than there are columns."),
    "REQUIRED": _l("This field is required."),
    "INVALID_CHOICE": _l("This value is not one of the allowed ones."),
    "NOT_A_NUMBER": _l("This is not a number."),
    "OUT_OF_RANGE": _l("This number is out of range."),
    "TOO_MANY": _l("Too many entries (a course may have at most 2,000 lessons)."),
    "FREE_WITH_PRICE": _l("A free course cannot have a price."),
    "MISSING_PRICE": _l("A paid course needs a price above zero."),
    "DUPLICATE_EXTERNAL_ID": _l("Another course of yours already has this id."),
}

FACET_LABELS = {
    "area": _l("Area"),
    "format": _l("Format"),
    "level": _l("Level"),
    "language": _l("Language"),
    "provider_id": _l("Provider"),
    "duration_band": _l("Length"),
    "free": _l("Price"),
}

DURATION_BANDS = {
    "micro": _l("5 minutes or less"),
    "short": _l("Up to 30 minutes"),
    "medium": _l("Up to 2 hours"),
    "long": _l("Longer"),
}

LANGUAGE_NAMES = {"zh": _l("Chinese"), "en": _l("English")}

SORT_LABELS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "popular": _l("Most popular"),
    "shortest": _l("Shortest"),
}

JOB_DESCRIPTIONS = {
    "index-sync": _l("Applies catalogue changes to the search index"),
    "uploads-apply": _l("Applies the partner uploads queued from the portal and the API"),
    "popularity-refresh": _l("Recounts course popularity; removes job runs older than 30 days"),
    "index-rebuild": _l("Rebuilds the search index beside the live one"),
    "recommender-train": _l("Trains, checks and publishes the recommendation model"),
    "assistant-train": _l("Retrains the assistant's question matcher and publishes it if better"),
    "mail-send": _l("Sends queued mail over SMTP (when an SMTP server is set)"),
    "notification-digest": _l("Queues the daily e-mail digest of unread notifications"),
    "learning-reminders": _l("Queues learning reminders for courses started and left"),
    "goal-reminders": _l("Notifies learners whose week is going behind their weekly goal"),
    "special-events": _l(
        "Counts special events' participation, issues participation certificates and closes "
        "ended events"
    ),
    "insight-rollups": _l(
        "Adds new events, searches, accounts and recommendation lists to the data cockpit's figures"
    ),
    "course-analytics": _l("Adds new activity and searches to the partners' course analytics"),
    "national-export": _l(
        "Writes last month's agreed indicators for the national platform (CSV and JSON)"
    ),
    "open-data-audit-prune": _l(
        "Deletes the open data interface's call log entries older than the retention period"
    ),
    "personal-data-archives": _l(
        "Prepares the personal-data archives learners asked for; removes those older than 7 days"
    ),
}

# What a job run's figures mean (jobs/tasks.py, recommender/pipeline.py, catalogue/ingest).
JOB_FIGURES = {
    "applied": _l("Changes applied"),
    "built": _l("Personal-data archives prepared"),
    "expired": _l("Expired archives removed"),
    "gone": _l("Archives of deleted accounts skipped"),
    "rebuilt": _l("Courses in the rebuilt index"),
    "documents": _l("Documents"),
    "courses": _l("Courses"),
    "pruned_runs": _l("Old job runs removed"),
    "version": _l("Model version"),
    "backend": _l("Training engine"),
    "promoted": _l("Published"),
    "reason": _l("Why"),
    "ndcg": _l("Quality (nDCG@10)"),
    "baseline_ndcg": _l("Popularity's quality (nDCG@10)"),
    "events": _l("Activity events read"),
    "learners": _l("Learners"),
    "interactions": _l("Learner–course pairs"),
    "read_seconds": _l("Reading the events (s)"),
    "content_seconds": _l("Course texts (s)"),
    "content_terms": _l("Terms in the course texts"),
    "fit_seconds": _l("Training (s)"),
    "evaluate_seconds": _l("Evaluation (s)"),
    "spark_start_seconds": _l("Starting Spark (s)"),
    "sent": _l("Mails sent"),
    "mails": _l("Mails queued"),
    "notifications": _l("Notifications mailed"),
    "failed": _l("Failed"),
    "interrupted": _l("Interrupted"),
    "received": _l("Received"),
    "queued": _l("Queued"),
    "running": _l("Running"),
    "rejected": _l("Rejected"),
    "longest_switch_seconds": _l("Longest switch to new rows (s)"),
    "note": _l("Note"),
    "search_queries": _l("Searches counted"),
    "users": _l("Accounts counted"),
    "active_days": _l("Days of active learners recomputed"),
    "recounted_from": _l("Recounted from"),
    "feed_impressions": _l("Recommendation lists counted"),
    "feed_clicks": _l("Courses opened from recommendations counted"),
    "feed_lists_pruned": _l("Counted recommendation lists deleted"),
    "sketches_backfilled": _l("Days of active-learner sketches filled in"),
    "searches": _l("Searches counted"),
    "learning_days": _l("Days of learning time recounted"),
    "periods": _l("Periods refreshed"),
    "skipped": _l("Skipped"),
    "period": _l("Period"),
    "folder": _l("Folder"),
    "rows": _l("Rows"),
    "files": _l("Files"),
    "deleted": _l("Entries deleted"),
    "cutoff": _l("Deleted what was older than"),
    "retention_days": _l("Kept for (days)"),
    "batches": _l("Batches"),
}

JOB_TRIGGERS = {
    "schedule": _l("on schedule"),
    "manual": _l("started by hand"),
    "catch_up": _l("catching up a missed run"),
    "first_run": _l("first run of a new installation"),
}

HEALTH_PROBLEMS = {
    "WORKER_GONE": _l("The jobs worker is not running: uploads, indexing and training wait."),
    "INDEX_BEHIND": _l("The search index is more than a minute behind the catalogue."),
    "INDEX_MISSING": _l("No search index has been built."),
}

JOB_OUTCOMES = {
    "running": _l("Running"),
    "succeeded": _l("Succeeded"),
    "failed": _l("Failed"),
    "timed_out": _l("Timed out"),
}

AUDIT_ACTIONS = {
    "sign_out_everywhere": _l("Signed out everywhere"),
    "reset_link": _l("Made a password-reset link"),
    "temporary_password": _l("Set a temporary password"),
    "account_create": _l("Created the account"),
    "role_change": _l("Changed the role"),
    "provider_attach": _l("Attached to a provider"),
    "provider_detach": _l("Detached from its provider"),
    "account_suspend": _l("Suspended the account"),
    "account_unsuspend": _l("Lifted the account's suspension"),
    "provider_create": _l("Created the provider"),
    "provider_rename": _l("Renamed the provider"),
    "provider_suspend": _l("Suspended the provider"),
    "provider_unsuspend": _l("Lifted the provider's suspension"),
    "provider_review": _l("Changed whether the provider's courses are reviewed"),
    "certificate_revoke": _l("Revoked a certificate"),
    "recognition_submit": _l("Asked for recognition of an outcome"),
    "recognition_accept": _l("Accepted a recognition request"),
    "recognition_refuse": _l("Refused a recognition request"),
    "credit_correction": _l("Corrected a credit entry"),
    "account_self_delete": _l("A learner deleted their own account"),
    "api_client_register": _l("Registered an interface client"),
    "api_client_update": _l("Changed an interface client's scopes or limits"),
    "api_client_rotate": _l("Made a new secret for an interface client"),
    "api_client_revoke": _l("Revoked an interface client"),
}

# The audit page's "what" filter (catalogue.services.audit.ACTION_GROUPS).
AUDIT_GROUPS = {
    "accounts": _l("Accounts"),
    "providers": _l("Providers"),
    "records": _l("Certificates and credits"),
    "api_clients": _l("Interface clients"),
}

# The names of the values an audit entry records before and after a change.
AUDIT_FIELDS = {
    "client": _l("Client ID"),
    "name": _l("Name"),
    "contact_email": _l("Contact e-mail"),
    "scopes": _l("Scopes"),
    "rate_per_minute": _l("Calls a minute"),
    "daily_quota": _l("Calls a day"),
    "tokens_revoked": _l("Tokens revoked"),
    "revoked": _l("Revoked"),
}

OPERATOR_PROBLEMS = {
    "DUPLICATE_PROVIDER": _l("Another provider already has this name."),
    "REQUIRED": _l("Please fill in this field."),
    "TOO_LONG": _l("This is too long."),
    "BAD_EMAIL": _l("Enter a valid email address."),
    "INVALID_CHOICE": _l("Choose one of the options."),
    "PARTNER_PROVIDER": _l("A partner account needs a provider: give its name or number."),
    "NOT_FOUND": _l("No provider has this name or number."),
    "AMBIGUOUS_PROVIDER": _l(
        "This number is one provider's number and another provider's name: give the number of "
        "the one you mean."
    ),
    "OWN_ACCOUNT": _l("You cannot change your own role or suspend your own account."),
    "LAST_ADMIN": _l(
        "This is the last active administrator account: make another account an administrator "
        "first."
    ),
    "STAFF_ACCOUNT": _l(
        "Only learner and partner accounts can be attached to a provider. Change a staff "
        "account's role instead."
    ),
    "NOT_A_PARTNER": _l("This account is not a partner account."),
}

# Where the preview's language and area of a row came from.
READING_SOURCES = {
    "file": _l("chosen for the file"),
    "column": _l("from the file"),
    "detected": _l("detected from the text"),
    "inferred": _l("inferred"),
    "default": _l("the file's default area"),
}
