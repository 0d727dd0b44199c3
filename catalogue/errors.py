"""Errors raised at the service boundary, each carrying a stable code for clients."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field."""

    field: str
    code: str
    message: str


class ServiceError(Exception):
    """Base class of the errors services raise on purpose."""

    code = "ERROR"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class ValidationError(ServiceError):
    """Input that breaks the rules; lists every problem found, not just the first."""

    code = "VALIDATION_ERROR"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    def for_field(self, field: str) -> list[FieldError]:
        """The errors that concern one field."""
        return [e for e in self.errors if e.field == field]


class NotFound(ServiceError):
    """The thing asked for does not exist, or is not visible to the caller."""

    code = "NOT_FOUND"


class Conflict(ServiceError):
    """The change clashes with what is stored (a duplicate key, say)."""

    code = "CONFLICT"


class PermissionDenied(ServiceError):
    """The caller may not do this."""

    code = "FORBIDDEN"


class RateLimited(ServiceError):
    """The caller did this too often in a short time; `retry_after` says when to try again."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Collector:
    """Gathers field errors so a service can report them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, code: str, message: str) -> None:
        """Record one problem."""
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        """Raise a ValidationError if any problem was recorded."""
        if self.errors:
            raise ValidationError(self.errors)
