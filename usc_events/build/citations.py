"""Citation items written on a record → rows of the citations table.

A record cites references (public reports the corpus does not ship) in its
``citations`` list; each item names the reference, the field it supports (as
contributors write the field: ``date``, ``location``…, or none for the record as a
whole) and what the reference reports, in the curator's words. Whether the reference
and the field exist is checked with the other rules (:mod:`usc_events.build.rules`).
"""

from __future__ import annotations

from typing import Any

from usc_events.build import ids
from usc_events.build.collect import Collector, Site


def add_citations(table: str, record_id: str, items: list[dict[str, Any]], site: Site,
                  collector: Collector) -> None:
    """Add one citations row per item of ``items``, cited by ``table``'s record ``record_id``."""
    for number, item in enumerate(items):
        row = {
            "citation_id": ids.citation_id(table, record_id, item["field"], item["reference_id"]),
            "record_type": table,
            "record_id": record_id,
            "field": item["field"],
            "reference_id": item["reference_id"],
            "claim": item["claim"],
            "locator": item["locator"],
        }
        collector.add("citations", row, site.at("citations", number))
