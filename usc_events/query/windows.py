"""Date windows for queries over records whose dates are intervals.

A record dated ``[date_earliest, date_latest]`` is in a window when the two
intervals overlap, that is when the record *may* have happened inside the window;
``within=True`` keeps only records that certainly did. A bound the sources leave open
(null, as in ``../2025-01-20``) is unbounded: such a record overlaps every window that
reaches past its other bound, and is never certainly within one. Undated records are in
no window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date(value: str | dt.date | None, *, end: bool = False,
               what: str = "date") -> dt.date | None:
    """A day from ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``None`` stays ``None``.

    A month or a year stands for its first day, or for its last day when ``end`` is
    true, so ``start="2025-01", end="2025-01"`` is the whole of January.

    Raises
    ------
    ValueError
        Naming ``what`` and the value, for anything else.

    Examples
    --------
    >>> parse_date("2025-02", end=True)
    datetime.date(2025, 2, 28)
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    match = _DATE.match(value.strip())
    problem = f"invalid {what} {value!r}: expected YYYY-MM-DD, YYYY-MM or YYYY"
    if not match:
        raise ValueError(problem)
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, last if end else 1)
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{problem} (no such date)") from None


@dataclass(frozen=True)
class Window:
    """A closed range of days; either end may be open (``None``)."""

    start: dt.date | None = None
    end: dt.date | None = None
    within: bool = False

    @classmethod
    def of(cls, start: str | dt.date | None = None, end: str | dt.date | None = None,
           within: bool = False) -> Window:
        """Parse both ends (see :func:`parse_date`); an end before the start is an error."""
        low = parse_date(start, what="start date")
        high = parse_date(end, end=True, what="end date")
        if low is not None and high is not None and high < low:
            raise ValueError(f"invalid date window: the end {high} is before the start {low}")
        return cls(low, high, within)

    @property
    def is_open(self) -> bool:
        """True when neither end is set: every record, dated or not, is in it."""
        return self.start is None and self.end is None

    def sql(self, earliest: str = "date_earliest", latest: str = "date_latest") -> str:
        """A SQL condition on the columns ``earliest``/``latest`` (dates are bound as literals)."""
        if self.is_open:
            return "true"
        parts = [f"({earliest} is not null or {latest} is not null)"]
        if self.start is not None:
            day = f"date '{self.start.isoformat()}'"
            parts.append(f"{earliest} >= {day}" if self.within
                         else f"({latest} is null or {latest} >= {day})")
        if self.end is not None:
            day = f"date '{self.end.isoformat()}'"
            parts.append(f"{latest} <= {day}" if self.within
                         else f"({earliest} is null or {earliest} <= {day})")
        return "(" + " and ".join(parts) + ")"
