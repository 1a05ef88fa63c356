"""Record → row: validate each item against its contribution model, then make its rows.

A records file (``records/<table>/*.yaml`` or ``*.csv``) gives one row of
``<table>`` per record and one ``evidence`` row per evidence item, whose quote
is located in its document by :mod:`usc_events.build.quotes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from usc_events.build import ids
from usc_events.build.citations import add_citations
from usc_events.build.collect import Collector, FileRows, Site, dotted
from usc_events.build.csv_reader import read_csv
from usc_events.build.dates import derive_dates, old_date_keys
from usc_events.build.finding import closest
from usc_events.build.hints import for_validation_error
from usc_events.build.lines import Lines, YamlPath
from usc_events.build.quotes import locate
from usc_events.build.yaml_loader import Problem, YamlData
from usc_events.build.yaml_reader import read_yaml
from usc_events.errors import DataInvalid, QuoteNotLocated, Violation
from usc_events.schema.columns import columns, contribution_model, model


@dataclass(frozen=True)
class Documents:
    """What reading a records file needs from the sources read before it."""

    #: The text of each document read.
    texts: dict[str, str]
    #: Documents whose text could not be read (already reported).
    unreadable: frozenset[str]
    #: Whether some documents could not be read at all, so that their ids are unknown.
    unread: bool

    @classmethod
    def of(cls, collector: Collector) -> Documents:
        """The documents ``collector`` has read."""
        return cls(dict(collector.texts), frozenset(collector.unreadable),
                   "documents" in collector.unread)


def read_records(documents: Documents, table: str, path: str, display: str) -> FileRows:
    """What one records file gives (:func:`read_record_file`), apart from any other file's.

    The job a worker process runs (:mod:`usc_events.build.worker_pool`); the build merges
    its rows into its own collector, in the order of the files.
    """
    collector = Collector(texts=documents.texts, unreadable=set(documents.unreadable),
                          unread={"documents"} if documents.unread else set())
    read_record_file(table, Path(path), display, collector)
    return collector.given_up()


def read_record_file(
    table: str,
    path: Path,
    display: str,
    collector: Collector,
) -> None:
    """Read one records file into the collector: its rows, their evidence and origins."""
    key = model(table).primary_key
    stored = {c.name for c in columns(table)}
    for item, lines, prefix in parse(path, display, table, collector) or []:
        record = item.model_dump()
        evidence = record.pop("evidence", [])
        cited = record.pop("citations", [])
        if table == "meeting_participants":
            record["participant_id"] = ids.participant_id(record["meeting_id"], record["actor_id"])
        site = Site(display, lines, prefix, f"{table}:{record[key]}")
        if not derive_dates(stored, record, site, collector):
            collector.rejected.append((table, record))
            continue
        collector.add(table, record, site)
        for number, item_evidence in enumerate(evidence):
            add_evidence(table, record[key], item_evidence, site.at("evidence", number), collector)
        add_citations(table, record[key], cited, site, collector)


def add_evidence(
    table: str, record_id: str, item: dict[str, Any], site: Site, collector: Collector
) -> None:
    """Add the evidence row of ``item``, which supports ``table``'s record ``record_id``."""
    document_id = item["document_id"]
    text = collector.texts.get(document_id)
    if document_id in collector.unreadable or (text is None and "documents" in collector.unread):
        collector.incomplete.add(site.label)
        return
    if text is None:
        collector.incomplete.add(site.label)
        known = ", ".join(sorted(collector.texts))
        collector.violations.append(
            site.violation(
                "document_id",
                f"{document_id!r} is not a document id; the documents are: {known}",
                "foreign-key",
                value=document_id,
                hint=closest(document_id, sorted(collector.texts)),
            )
        )
        return
    span = locate_span(text, item, site, collector)
    if span is None:
        return
    start, end = span
    row = {
        "evidence_id": ids.evidence_id(table, record_id, document_id, start, end),
        "record_type": table,
        "record_id": record_id,
        "document_id": document_id,
        "start": start,
        "end": end,
        "quote": item["quote"],
        "attribution": item["attribution"],
    }
    collector.add("evidence", row, site)


def locate_span(
    text: str, item: dict[str, Any], site: Site, collector: Collector
) -> tuple[int, int] | None:
    """Where ``item``'s quote is in ``text``; None, reported, if it is not there once."""
    try:
        return locate(text, item["quote"], item["occurrence"])
    except QuoteNotLocated as error:
        collector.incomplete.add(site.label)
        document = item.get("document_id", site.label.split(":")[1])
        collector.violations.append(
            site.violation(
                "quote",
                f"{error.reason} (document {document})",
                "quote",
                value=item["quote"],
                hint=error.hint,
            )
        )
        return None


def parse(
    path: Path,
    display: str,
    table: str,
    collector: Collector,
) -> list[tuple[BaseModel, Lines, YamlPath]] | None:
    """Validate a YAML (or CSV) file against the contribution model of ``table``.

    A documents file holds one mapping; a records file a list of them. Each valid
    item comes back with the lines of the file's values and its own path in the file,
    so that what is reported later is located at that item, whatever was rejected before it.
    """
    try:
        parsed_file: YamlData = (
            read_csv(path, display, table) if path.suffix == ".csv" else read_yaml(path, display)
        )
    except DataInvalid as error:
        collector.violations.extend(error.violations)
        collector.unread.add(table)
        return None
    value, lines = parsed_file.value, parsed_file.lines
    items: list[tuple[YamlPath, Any]]
    if table == "documents":
        items = [((), value)]
    elif isinstance(value, list):
        items = [((i,), v) for i, v in enumerate(value)]
    else:
        collector.violations.extend(p.violation(display) for p in parsed_file.problems)
        collector.violations.append(
            Violation(display, 1, None, None, f"expected a list of {table} records", "file-shape")
        )
        collector.unread.add(table)
        return None
    contribution = contribution_model(table)
    key = model(table).primary_key
    stored = {c.name for c in columns(table)}
    # The problems of each item, grouped once: one pass over them, not one per item.
    by_item: dict[YamlPath, list[Problem]] = {}
    for problem in parsed_file.problems:
        by_item.setdefault(problem.path[:1] if table != "documents" else (), []).append(problem)
    parsed = []
    for prefix, item in items:
        record_id = item.get(key) if isinstance(item, dict) else None
        label = (
            f"{table}:{record_id}"
            if record_id
            else f"{table} record {int(prefix[0]) + 1}"
            if prefix
            else table
        )
        problems = [p.violation(display, label, skip=len(prefix)) for p in by_item.get(prefix, [])]
        if problems:
            collector.violations.extend(problems)
            if isinstance(item, dict):
                collector.rejected.append((table, item))
            continue
        if not isinstance(item, dict):
            collector.unread.add(table)
            collector.violations.append(
                Violation(
                    display,
                    lines.get(prefix, 1),
                    label,
                    None,
                    "expected a mapping of field: value",
                    "type",
                    column=lines.columns.get(prefix),
                    value=item,
                )
            )
            continue
        try:
            valid = contribution.model_validate(item)
        except ValidationError as error:
            collector.violations += _validation_violations(
                error, table, prefix, display, lines, label, old_date_keys(item, stored)
            )
            collector.rejected.append((table, item))
            continue
        parsed.append((valid, lines, prefix))
    return parsed


def _validation_violations(
    error: ValidationError, table: str, prefix: YamlPath, display: str, lines: Lines, label: str,
    old_keys: dict[str, str],
) -> list[Violation]:
    """One violation per problem pydantic found in the item at ``prefix``.

    A key of the old date format (``old_keys``: each with the hint of its EDTF form) is
    reported as such, not as an unknown field.
    """
    violations = []
    for problem in error.errors():
        if old_keys and problem["type"] == "missing" and tuple(problem["loc"]) == ("date",):
            continue  # the old date fields are reported, with the EDTF form to write
        loc = tuple(problem["loc"])
        at = next(
            (p for p in ((*prefix, *loc), (*prefix, *loc[:-1]), prefix) if p in lines),
            None,
        )
        missing = problem["type"] == "missing"
        value_given = None if missing else problem.get("input")
        shown = ("null" if value_given is None else value_given.isoformat()
                 if isinstance(value_given, dt.date) else repr(value_given))
        given = "" if missing else f" (got {shown})"
        old = old_keys.get(str(loc[0])) if len(loc) == 1 else None
        if old is not None:
            problem = {**problem, "msg": f"{loc[0]} is no longer a field: dates are written "
                       "in EDTF under 'date'", "type": "old-date-field"}
        violations.append(
            Violation(
                display,
                lines[at] if at is not None else 1,
                label,
                dotted(loc) or None,
                f"{problem['msg']}{given}",
                problem["type"],
                column=lines.columns.get(at) if at is not None else None,
                value=value_given,
                hint=old or for_validation_error(table, problem),
            )
        )
    return violations
