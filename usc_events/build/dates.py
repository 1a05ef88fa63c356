"""EDTF dates as written → the stored date columns, each problem located at its key.

A record's ``date`` (``end``, ``published``) is kept as written in ``*_edtf`` and
derived into the first and last day it allows (null where it is open) and, for
``date``, its precision (:mod:`usc_events.schema.dates`). A date that does not parse,
or an ``end`` before the ``date``, is a violation at the key the contributor wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from usc_events.build.collect import Collector, Site
from usc_events.schema.dates import DATE_KEYS, EXPECTED, EdtfError, edtf_of, parse_edtf

#: Old contribution keys and what replaced them.
OLD_DATE_KEYS = {"date_earliest": "date", "date_latest": "date", "start": "date"}


def derive_dates(table_columns: set[str], record: dict[str, Any], site: Site,
                 collector: Collector) -> bool:
    """Replace the written date keys of ``record`` by its stored columns; False on a problem."""
    ok = True
    for key, stored in DATE_KEYS.items():
        if stored[0] not in table_columns:
            continue
        written = record.pop(key, None)
        values: dict[str, Any] = dict.fromkeys(stored)
        if written is not None:
            try:
                parsed = parse_edtf(written)
            except EdtfError as error:
                collector.violations.append(site.violation(
                    key, str(error), "edtf", value=written,
                    hint="see 'Dates in EDTF' in the codebook"))
                ok = False
            else:
                values.update(zip(stored, (parsed.edtf, parsed.earliest, parsed.latest,
                                           parsed.precision), strict=False))
        record.update(values)
    starts, ends = record.get("date_earliest"), record.get("end_latest")
    if ok and isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        collector.violations.append(site.violation(
            "end", f"{record['end_edtf']!r} ends before the date {record['date_edtf']!r} "
            "begins; 'end' is when it ended, 'date' when it began", "interval-order",
            value=record["end_edtf"]))
        ok = False
    return ok


def old_date_keys(item: dict[str, Any], table_columns: set[str]) -> dict[str, str]:
    """For a record written with the old interval keys, each key and the hint that replaces it.

    ``date_earliest: 2025-01-19`` and ``date_latest: 2025-01-20`` become
    ``date: "2025-01-19/2025-01-20"``: the hint shows the EDTF form of the same interval.
    """
    if "date_edtf" not in table_columns:
        return {}
    found = {k: v for k, v in item.items() if k in OLD_DATE_KEYS}
    if not found:
        return {}
    bounds = [_as_date(item.get("date_earliest", item.get("start"))),
              _as_date(item.get("date_latest", item.get("start")))]
    try:
        form = f'date: "{edtf_of(bounds[0], bounds[1])}"' if any(bounds) else None
    except (TypeError, ValueError):
        form = None
    hint = (f"write {form} instead" if form else f"write date: as {EXPECTED}")
    return dict.fromkeys(found, hint)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
