"""User-facing errors.

Every mistake a user can make (bad date, unknown lab, malformed file) is raised as an
:class:`AiraceError`; the CLI prints its one-line message and exits non-zero, never a
traceback. Location parts (file, row, field) are kept separately so tests can assert them.
"""

from __future__ import annotations

from collections.abc import Iterable


class AiraceError(Exception):
    """A problem the user can fix, reported as one clear line."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self.line())

    def line(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class CatalogBusy(AiraceError):
    """Another process holds the catalog; the caller may retry."""

    exit_code = 3


def suggest(name: str, known: Iterable[str]) -> str:
    """' (did you mean x, y?)' for a mistyped name, or '' when nothing is close."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""
