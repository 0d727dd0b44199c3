"""SQLAlchemy models of the catalogue, the learners and their activity."""

from catalogue.models.accounts import AccountAudit, OutgoingMail, UserSession
from catalogue.models.activity import Event, LessonPosition
from catalogue.models.app_tokens import AppToken
from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType
from catalogue.models.base import Base, utcnow
from catalogue.models.columns import ColumnCourse, ColumnFollow, ThematicColumn
from catalogue.models.courses import Course, CourseStats, Lesson
from catalogue.models.enums import (
    Area,
    BodyFormat,
    ColumnStatus,
    CommentStatus,
    CourseFormat,
    CourseStatus,
    EventKind,
    JobOutcome,
    Level,
    MediaType,
    OutboxOp,
    ProviderKind,
    ProviderStatus,
    ReviewKind,
    ReviewStatus,
    Role,
    UploadPolicy,
    UploadStatus,
)
from catalogue.models.jobs import JobRun, WorkerHeartbeat
from catalogue.models.limits import RateLimitCounter
from catalogue.models.notifications import Notification
from catalogue.models.outbox import IndexOutbox
from catalogue.models.providers import Provider
from catalogue.models.reviews import CourseReview
from catalogue.models.search import SearchQuery, SynonymGroup
from catalogue.models.social import Comment, CommentReport, Feedback, Note
from catalogue.models.uploads import (
    ApiToken,
    ColumnMapping,
    StagedCourse,
    StagedLesson,
    Upload,
    UploadError,
)
from catalogue.models.users import User

__all__ = [
    "AccountAudit",
    "ApiToken",
    "AppToken",
    "Area",
    "Base",
    "BodyFormat",
    "ColumnCourse",
    "ColumnFollow",
    "ColumnMapping",
    "ColumnStatus",
    "Comment",
    "CommentReport",
    "CommentStatus",
    "CompletionRule",
    "Course",
    "CourseAward",
    "CourseFormat",
    "CourseReview",
    "CourseStats",
    "CourseStatus",
    "Event",
    "EventKind",
    "Feedback",
    "IndexOutbox",
    "JobOutcome",
    "JobRun",
    "Lesson",
    "LessonPosition",
    "Level",
    "MediaType",
    "Note",
    "Notification",
    "OutboxOp",
    "OutcomeType",
    "OutgoingMail",
    "Provider",
    "ProviderKind",
    "ProviderStatus",
    "RateLimitCounter",
    "ReviewKind",
    "ReviewStatus",
    "Role",
    "SearchQuery",
    "StagedCourse",
    "StagedLesson",
    "SynonymGroup",
    "ThematicColumn",
    "Upload",
    "UploadError",
    "UploadPolicy",
    "UploadStatus",
    "User",
    "UserSession",
    "WorkerHeartbeat",
    "utcnow",
]
