"""Dates and windows as users type them: ``2026-03-03``, ``14M``, ``90D``, ``2Y``."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from airace.errors import AiraceError
from airace.schema.dictionary import CellError, parse_date

WINDOW_RE = re.compile(r"^(\d+)([DWMY])$", re.IGNORECASE)


def user_date(text: str, option: str = "date") -> dt.date:
    try:
        return parse_date(text.strip())
    except CellError as exc:
        raise AiraceError(f"bad {option}: {exc}") from None


def shift_months(day: dt.date, months: int) -> dt.date:
    """Calendar-month shift that clamps to the month's last day (Mar 31 - 1M = Feb 28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def window_start(as_of: dt.date, window: str) -> dt.date:
    """First day of a window that ends on ``as_of``: ``14M`` means as_of minus 14 months.

    The window is inclusive at both ends, so ``--window 14M --as-of 2026-03-03`` covers
    2025-01-03 .. 2026-03-03.
    """
    match = WINDOW_RE.match(window.strip())
    if not match:
        raise AiraceError(
            f"bad window {window!r}: use a number and a unit, e.g. 14M, 90D, 6W or 2Y"
        )
    count, unit = int(match.group(1)), match.group(2).upper()
    if count == 0:
        raise AiraceError(f"bad window {window!r}: the length must be positive")
    try:
        if unit == "D":
            return as_of - dt.timedelta(days=count)
        if unit == "W":
            return as_of - dt.timedelta(weeks=count)
        return shift_months(as_of, -count * (12 if unit == "Y" else 1))
    except (OverflowError, ValueError):
        raise AiraceError(f"bad window {window!r}: reaches before year 1") from None
