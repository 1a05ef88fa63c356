"""What the field formats share: rows by id, evidence and citations by record, countries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from usc_events.extras import require

if TYPE_CHECKING:
    import pyarrow as pa

#: Who coded the events, as the formats' coder fields say it.
CODER = "usc-events curators (hand-coded from the shipped documents)"


#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any, raw: bool = False) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula gets a
    leading ``'`` (as OWASP recommends), unless ``raw``; anything else as it is.

    Examples
    --------
    >>> spreadsheet_cell("=HYPERLINK(\"http://x\")")
    '\'=HYPERLINK("http://x")'
    >>> spreadsheet_cell("-2+3", raw=True), spreadsheet_cell(-2.5)
    ('-2+3', -2.5)
    """
    if not raw and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def iso(value: Any) -> Any:
    """Dates and times as ISO 8601 text; anything else as it is."""
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def exact_day(earliest: dt.date | None, latest: dt.date | None) -> str | None:
    """The day, when the interval is exactly one day; otherwise None (not invented)."""
    if earliest is not None and earliest == latest:
        return earliest.isoformat()
    return None


def alpha3(country: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (``"CN"`` → ``"CHN"``)."""
    if country is None:
        return None
    require("formats")
    import pycountry

    found = pycountry.countries.get(alpha_2=country)
    return str(found.alpha_3) if found is not None else None


@dataclass(frozen=True)
class Tables:
    """The tables of a corpus as rows, indexed the ways the writers need."""

    version: str
    actors: Mapping[str, dict[str, Any]]
    meetings: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    participants: Mapping[str, list[dict[str, Any]]]
    evidence: Mapping[str, list[dict[str, Any]]]
    citations: Mapping[str, list[dict[str, Any]]]
    references: Mapping[str, dict[str, Any]]

    def links(self, table: str, record_id: str) -> dict[str, Any]:
        """The evidence and references behind one record, as the exports link them."""
        ref = f"{table}:{record_id}"
        return {
            "evidence": [{"evidence_id": e["evidence_id"], "document_id": e["document_id"],
                          "start": e["start"], "end": e["end"], "quote": e["quote"]}
                         for e in self.evidence.get(ref, [])],
            "references": [{"reference_id": c["reference_id"], "field": c["field"],
                            "url": self.references[c["reference_id"]]["url"]}
                           for c in self.citations.get(ref, [])],
        }

    def documents(self, table: str, record_id: str) -> list[str]:
        """The ids of the documents quoted for one record, in order of first use."""
        ids = (e["document_id"] for e in self.evidence.get(f"{table}:{record_id}", []))
        return list(dict.fromkeys(ids))


def _grouped(rows: list[dict[str, Any]], *keys: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(":".join(str(row[k]) for k in keys), []).append(row)
    return grouped


def tables_of(tables: Mapping[str, pa.Table], version: str = "") -> Tables:
    """The rows the writers use, from the Arrow tables of a corpus."""
    rows = {name: tables[name].to_pylist() for name in
            ("actors", "meetings", "statements", "roles", "meeting_participants", "evidence",
             "citations", "references")}
    return Tables(
        version=version,
        actors={a["actor_id"]: a for a in rows["actors"]},
        meetings=rows["meetings"],
        statements=rows["statements"],
        roles=rows["roles"],
        participants=_grouped(rows["meeting_participants"], "meeting_id"),
        evidence=_grouped(rows["evidence"], "record_type", "record_id"),
        citations=_grouped(rows["citations"], "record_type", "record_id"),
        references={r["reference_id"]: r for r in rows["references"]},
    )
