"""Closed vocabularies used by the catalogue, stored as their string values."""

from __future__ import annotations

import enum


class Area(enum.StrEnum):
    """The six areas of the lifelong-learning catalogue."""

    LIFE_SKILLS = "life_skills"
    HOBBIES = "hobbies"
    WORKPLACE = "workplace"
    PROFESSIONAL = "professional"
    ELDERLY = "elderly"
    CONTINUING = "continuing"


class CourseFormat(enum.StrEnum):
    """How a course is delivered."""

    VIDEO = "video"
    AUDIO = "audio"
    READING = "reading"
    LIVE = "live"
    MIXED = "mixed"


class Level(enum.StrEnum):
    """Difficulty level of a course."""

    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    ALL = "all"


class CourseStatus(enum.StrEnum):
    """Publication state of a course: only published courses are shown to learners."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ReviewKind(enum.StrEnum):
    """What a course review decides: a new course going live, or changes to a live one."""

    NEW = "new"
    CHANGE = "change"


class ReviewStatus(enum.StrEnum):
    """Where a course review stands; a newer submission for the same course supersedes it."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class MediaType(enum.StrEnum):
    """Kind of resource a lesson points to."""

    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"
    LIVE = "live"
    QUIZ = "quiz"


class BodyFormat(enum.StrEnum):
    """How a reading lesson's text is written."""

    MARKDOWN = "markdown"
    HTML = "html"


class ProviderKind(enum.StrEnum):
    """Kind of partner institution."""

    UNIVERSITY = "university"
    MEDIA = "media"
    TRAINING = "training"
    PUBLIC = "public"
    OWN = "own"


class ProviderStatus(enum.StrEnum):
    """Whether a partner may publish."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


class Role(enum.StrEnum):
    """What a user account may do."""

    LEARNER = "learner"
    PARTNER = "partner"
    EDITOR = "editor"
    SUPPORT = "support"
    ADMIN = "admin"
    # Reviews credit-recognition requests and keeps the credit bank (issue 16).
    REGISTRAR = "registrar"
    # Runs study groups: a class teacher, an elderly-university class, a training lead.
    ORGANISER = "organiser"


class EventKind(enum.StrEnum):
    """Kinds of learner activity written to the append-only events table."""

    VIEW = "view"
    LIKE = "like"
    UNLIKE = "unlike"
    SAVE = "save"
    UNSAVE = "unsave"
    START = "start"
    PROGRESS = "progress"
    COMPLETE = "complete"
    SHARE = "share"
    # "Not interested": the learner dismissed a recommended course; it is never shown again.
    DISMISS = "dismiss"
    NOTE = "note"
    COMMENT = "comment"
    # Feedback to the provider; the event's value is the rating (1–5).
    RATE = "rate"


class ColumnStatus(enum.StrEnum):
    """Editorial state of a thematic column."""

    DRAFT = "draft"
    PUBLISHED = "published"


class CommentStatus(enum.StrEnum):
    """Moderation state of a comment."""

    VISIBLE = "visible"
    HIDDEN = "hidden"


class OutboxOp(enum.StrEnum):
    """What the indexer must do with a course."""

    UPSERT = "upsert"
    DELETE = "delete"


class UploadStatus(enum.StrEnum):
    """Where a partner upload is in its life."""

    RECEIVED = "received"
    QUEUED = "queued"
    RUNNING = "running"
    APPLIED = "applied"
    REJECTED = "rejected"
    FAILED = "failed"


class UploadPolicy(enum.StrEnum):
    """What to do with the valid rows when some rows are invalid."""

    VALID_ROWS = "valid_rows"
    ALL_OR_NOTHING = "all_or_nothing"


class JobOutcome(enum.StrEnum):
    """How a job run ended (or that it is still running)."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
