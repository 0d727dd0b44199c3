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
    "DUPLICATE_COLUMN": _l("Two columns have the same name. Rename one."),
    "ROWS_REJECTED": _l("Some rows have errors, so nothing was applied (all or nothing)."),
    "INTERRUPTED": _l("The server stopped before this upload finished. Nothing was applied."),
    "INTERNAL_ERROR": _l("Something went wrong on our side. Nothing was applied."),
    "FILE_GONE": _l("The file is no longer stored. Please upload it again."),
    "NO_TITLE_COLUMN": _l("Map one column to the course title first."),
    "BAD_MAPPING": _l("Each course field can come from one column only."),
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
}

COURSE_STATUS = {
    "published": _l("Published"),
    "draft": _l("Draft"),
    "withdrawn": _l("Withdrawn"),
}
