"""The corpus rules' findings → violations, located in the files by the rows' origins."""

from __future__ import annotations

from collections.abc import Callable

from usc_events.build import ids
from usc_events.build.collect import Collector, Origin
from usc_events.build.finding import Finding
from usc_events.errors import Violation
from usc_events.schema.columns import columns, model
from usc_events.schema.models import TABLE_MODELS


def already_reported(collector: Collector) -> Callable[[Finding], bool]:
    """Whether a finding follows from a violation already reported while reading.

    A record that could not be read is missing from its table: references to it
    are not reported as dangling, nor is a record whose evidence was rejected
    reported as having none.
    """
    rejected: dict[str, set[str]] = {}
    for table, raw in collector.rejected:
        key = model(table).primary_key
        if table == "meeting_participants":
            given = ids.participant_id(str(raw.get("meeting_id")), str(raw.get("actor_id")))
            raw = {key: given}
        if isinstance(raw.get(key), str):
            rejected.setdefault(table, set()).add(raw[key].lower())
        else:
            collector.unread.add(table)
    targets = {
        (table, c.name): c.foreign_key
        for table in TABLE_MODELS
        for c in columns(table)
        if c.foreign_key
    }

    def reported(finding: Finding) -> bool:
        if finding.code == "no-evidence":
            record = collector.origin(finding.table, finding.row).record
            return record in collector.incomplete
        if finding.code != "foreign-key":
            return False
        target = targets.get((finding.table, finding.field))
        value = str(finding.value)
        if target is None and ":" in value:
            target, _, value = value.partition(":")
        return target in collector.unread or value.lower() in rejected.get(str(target), set())

    return reported


def locate_finding(origin_of: Callable[[str, int], Origin], finding: Finding) -> Violation:
    """The violation of ``finding``, at the line (and column) of its row's field."""
    origin = origin_of(finding.table, finding.row)
    line: int | None = origin.line
    column: int | None = origin.column
    if finding.field in origin.lines:
        line, column = origin.lines[finding.field], origin.columns.get(finding.field)
    hint = finding.hint
    if finding.related is not None:
        first = origin_of(finding.table, finding.related)
        hint = f"first given at {first.file}:{first.line}" if first.line else f"in {first.file}"
    return Violation(
        origin.file,
        line,
        origin.record,
        f"{origin.within}.{finding.field}" if origin.within else finding.field,
        finding.message,
        finding.code,
        column=column,
        value=finding.value,
        hint=hint,
    )
