"""The EDTF dates computed directly give the intervals the ``edtf`` package gives.

``schema.dates`` computes the interval of a year, a month or a day itself (the
``edtf`` package's parser costs tens of milliseconds a date); these tests hold it
to that package on every form accepted and refuse what the package refuses.
"""

from __future__ import annotations

import datetime as dt

import edtf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usc_events.schema.dates import EdtfError, parse_edtf


def _by_package(text: str) -> tuple[dt.date, dt.date] | None:
    """The interval as the edtf package reads ``text``; None where it cannot."""
    try:
        parsed = edtf.parse_edtf(text)
        lower, upper = parsed.lower_strict(), parsed.upper_strict()
        return (dt.date(lower.tm_year, lower.tm_mon, lower.tm_mday),
                dt.date(upper.tm_year, upper.tm_mon, upper.tm_mday))
    except Exception:
        return None


def _by_corpus(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    try:
        parsed = parse_edtf(text)
    except EdtfError:
        return None
    return parsed.earliest, parsed.latest


SIDES = st.builds(
    lambda year, month, day, form, mark: (
        f"{year:04d}" if form == 0 else f"{year:04d}-{month:02d}" if form == 1
        else f"{year:04d}-{month:02d}-{day:02d}") + mark,
    st.integers(0, 9999), st.integers(0, 12), st.integers(0, 32), st.integers(0, 2),
    st.sampled_from(["", "?", "~", "%"]),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(SIDES)
def test_a_date_has_the_interval_the_edtf_package_gives(text: str) -> None:
    assert _by_corpus(text) == _by_package(text)


@pytest.mark.parametrize("text", [
    "2024-02", "2023-02", "1900-02", "2000-02", "2024-02-29", "2023-02-29", "2025-04-31",
    "2025-12", "2025-01-17?", "2025-01~", "1971", "0001", "0000", "0000-01-01", "2025-00",
    "2025-13", "2025-01-00",
])
def test_edge_days_agree_with_the_edtf_package(text: str) -> None:
    assert _by_corpus(text) == _by_package(text)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(SIDES, SIDES)
def test_an_interval_has_the_bounds_the_edtf_package_gives(start: str, end: str) -> None:
    low, high = _by_package(start), _by_package(end)
    expected = None if low is None or high is None or high[1] < low[0] else (low[0], high[1])
    assert _by_corpus(f"{start}/{end}") == expected
