"""Problems found while ingesting a file: about the whole file, or about one row."""

from __future__ import annotations

from dataclasses import dataclass

from catalogue.errors import ServiceError


class FileRejected(ServiceError):
    """The file as a whole cannot be ingested (too large, undecodable, an archive, …)."""

    code = "FILE_REJECTED"


@dataclass(frozen=True)
class RowError:
    """One problem in one row: the row number the partner sees, a code, the column, the value."""

    row: int
    code: str
    column: str | None
    value: str | None
    message: str
