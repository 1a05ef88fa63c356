"""Dates as contributors write them: EDTF, the Extended Date/Time Format (ISO 8601-2, level 1).

A record's ``date`` (and a visit's or a role's ``end``) is an EDTF string of the
forms below, read as the :mod:`edtf` package reads them; the build stores it as written
beside the interval it covers and its precision:

=====================  ==================  ==================  ==========
EDTF                   earliest            latest              precision
=====================  ==================  ==================  ==========
``2025-01-19``         2025-01-19          2025-01-19          day
``2024-04``            2024-04-01          2024-04-30          month
``1971``               1971-01-01          1971-12-31          year
``2024-11/2025-01``    2024-11-01          2025-01-31          interval
``../2025-01-20``      null (open)         2025-01-20          interval
``2025-01-17?``        2025-01-17          2025-01-17          day
``2025-01~``           2025-01-01          2025-01-31          month
=====================  ==================  ==================  ==========

An open bound (``..``) or an unknown one (an empty side, ``/2025-01-20``) is stored as
null: nothing invents a bound the sources do not give. ``?`` (uncertain) and ``~``
(approximate) stay in the stored EDTF string; the interval is that of the date as
written. Seasons, unspecified digits (``201X``) and level-2 forms are refused with a
hint, since an interval says the same more plainly.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

#: What a contributor may write, for messages.
FORMS = ("'2025-01-19' (a day)", "'2024-04' (a month)", "'1971' (a year)",
         "'2024-11/2025-01' (an interval)", "'../2025-01-20' (open start)",
         "'2025-01-17?' (uncertain)", "'2025-01~' (approximate)")
EXPECTED = "an EDTF date: " + ", ".join(FORMS)

_PLAIN = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?[?~%]?$")


@dataclass(frozen=True)
class EdtfDate:
    """An EDTF string and the interval it stands for."""

    edtf: str
    #: First day it can be; None where the interval is open or unknown at the start.
    earliest: dt.date | None
    #: Last day it can be; None where the interval is open or unknown at the end.
    latest: dt.date | None
    #: One of :class:`usc_events.schema.vocabularies.DatePrecision`'s values.
    precision: str


class EdtfError(ValueError):
    """An EDTF string that cannot be used: the message says why and what is expected."""


def _side(text: str) -> tuple[dt.date | None, dt.date | None, str]:
    """Earliest, latest and precision of one side of an interval (or of a whole date).

    The forms accepted are a year, a month or a day, each perhaps marked uncertain or
    approximate, so the interval is computed directly; it is the one the :mod:`edtf`
    package gives for the same string (a test compares the two), at a thousandth of the
    cost, which matters for a corpus of a million dated records.
    """
    match = _PLAIN.match(text)
    if not match:
        raise EdtfError(f"{text!r} is not a date this corpus accepts; expected {EXPECTED}")
    if match["month"] and int(match["month"]) > 12:
        raise EdtfError(f"{text!r} is an EDTF season, which this corpus does not use; write "
                        "the months as an interval, e.g. '2025-03/2025-05'")
    year = int(match["year"])
    try:
        if match["day"]:
            earliest = latest = dt.date(year, int(match["month"]), int(match["day"]))
        elif match["month"]:
            month = int(match["month"])
            earliest = dt.date(year, month, 1)
            latest = dt.date(year, month, calendar.monthrange(year, month)[1])
        else:
            earliest, latest = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:  # no such day or month, or the year 0000
        raise EdtfError(f"{text!r} is not a valid date (no such day or month); "
                        f"expected {EXPECTED}") from None
    precision = "day" if match["day"] else "month" if match["month"] else "year"
    return earliest, latest, precision


def parse_edtf(text: object) -> EdtfDate:
    """The interval an EDTF string stands for.

    Raises
    ------
    EdtfError
        For a string that is not EDTF of the accepted forms, an impossible day, or an
        interval that ends before it starts.

    Examples
    --------
    >>> parse_edtf("../2025-01-20")
    EdtfDate(edtf='../2025-01-20', earliest=None, latest=datetime.date(2025, 1, 20), precision='interval')
    """  # noqa: E501
    if not isinstance(text, str) or not text.strip():
        raise EdtfError(f"{text!r} is not a date; expected {EXPECTED}")
    return _parse(text)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> EdtfDate:
    """:func:`parse_edtf` of a string; records share their dates, so each is parsed once."""
    if text != text.strip():
        raise EdtfError(f"{text!r} has spaces around it; write the EDTF string alone")
    if "/" not in text:
        earliest, latest, precision = _side(text)
        return EdtfDate(text, earliest, latest, precision)
    start, _, end = text.partition("/")
    if "/" in end:
        raise EdtfError(f"{text!r} has more than one '/'; expected {EXPECTED}")
    lower = None if start in ("", "..") else _side(start)[0]
    upper = None if end in ("", "..") else _side(end)[1]
    if lower is None and upper is None:
        raise EdtfError(f"{text!r} is open at both ends; a record with no known date has no "
                        "date field")
    if lower is not None and upper is not None and upper < lower:
        raise EdtfError(f"{text!r} ends before it starts ({upper.isoformat()} is before "
                        f"{lower.isoformat()})")
    return EdtfDate(text, lower, upper, "interval")


def edtf_of(earliest: dt.date | None, latest: dt.date | None) -> str:
    """The plainest EDTF string for an interval: a day, a month, a year, or ``a/b``.

    Examples
    --------
    >>> edtf_of(dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    '2024-04'
    >>> edtf_of(None, dt.date(2025, 1, 20))
    '../2025-01-20'
    """
    if earliest is not None and latest is not None:
        if earliest == latest:
            return earliest.isoformat()
        following = dt.date(latest.year + (latest.month == 12), latest.month % 12 + 1, 1)
        if earliest.day == 1 and (following - dt.timedelta(days=1)) == latest:
            if (earliest.year, earliest.month) == (latest.year, latest.month):
                return f"{earliest.year:04d}-{earliest.month:02d}"
            if (earliest.month, latest.month, earliest.year) == (1, 12, latest.year):
                return f"{earliest.year:04d}"
    left = earliest.isoformat() if earliest else ".."
    right = latest.isoformat() if latest else ".."
    return f"{left}/{right}"


#: For each date key contributors write, the stored columns derived from it: the EDTF
#: as written, its first day, its last day and (for ``date``) its precision.
DATE_KEYS: dict[str, tuple[str, ...]] = {
    "date": ("date_edtf", "date_earliest", "date_latest", "date_precision"),
    "end": ("end_edtf", "end_earliest", "end_latest"),
    "published": ("published_edtf", "published_earliest", "published_latest"),
}
#: Each first or last day stored (``date_earliest``…) and the EDTF column it is derived
#: from (``date_edtf``), read from :data:`DATE_KEYS`.
EDTF_OF_BOUND: dict[str, str] = {bound: stored[0] for stored in DATE_KEYS.values()
                                 for bound in stored[1:3]}
