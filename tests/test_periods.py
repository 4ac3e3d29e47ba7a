import datetime as dt

import pytest

from airace.errors import AiraceError
from airace.schema.periods import shift_months, user_date, window_start

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "window", "start"),
    [
        (D(2026, 3, 3), "14M", D(2025, 1, 3)),
        (D(2026, 3, 31), "1M", D(2026, 2, 28)),
        (D(2024, 3, 31), "1M", D(2024, 2, 29)),
        (D(2026, 3, 3), "90D", D(2025, 12, 3)),
        (D(2026, 3, 3), "2Y", D(2024, 3, 3)),
        (D(2024, 2, 29), "1Y", D(2023, 2, 28)),
        (D(2026, 3, 3), "2w", D(2026, 2, 17)),
    ],
)
def test_window_start(as_of: dt.date, window: str, start: dt.date) -> None:
    assert window_start(as_of, window) == start


@pytest.mark.parametrize("bad", ["14", "M", "14Q", "-3M", "0M", "1.5Y", ""])
def test_bad_windows_are_user_errors(bad: str) -> None:
    with pytest.raises(AiraceError, match="bad window"):
        window_start(D(2026, 3, 3), bad)


def test_shift_months_across_years() -> None:
    assert shift_months(D(2025, 1, 15), -1) == D(2024, 12, 15)
    assert shift_months(D(2025, 1, 15), 13) == D(2026, 2, 15)


@pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "03/03/2026", "yesterday"])
def test_bad_dates(bad: str) -> None:
    with pytest.raises(AiraceError, match="bad --as-of"):
        user_date(bad, "--as-of")
