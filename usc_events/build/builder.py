"""Build the Parquet tables from the human-editable files under ``data/``.

``data/`` holds:

- ``dataset.yaml``: the dataset version;
- ``sources/``: each source text, byte for byte, beside a ``<stem>.yaml`` with its
  metadata and boilerplate passages;
- ``records/<table>/*.yaml``: lists of curated records, each with its evidence
  written as a document id and a verbatim quote; ``records/<table>/*.csv``: the
  same records as CSV rows, for bulk additions (see :mod:`usc_events.build.csv_reader`).

:func:`build` reads all of it, locates every quote, checks every rule of
:mod:`usc_events.build.rules` and returns Arrow tables; :func:`write` writes them and
their manifest atomically; :func:`compare` tells how committed tables differ
from a fresh build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from usc_events.build.gc_pause import paused_gc
from usc_events.build.rules import Finding, check_corpus, closest
from usc_events.schema.columns import arrow_schema, columns, contribution_model, model
from usc_events.build.csv_reader import read_csv
from usc_events.errors import DataInvalid, Violation
from usc_events.build.hints import for_validation_error
from usc_events.schema.models import SCHEMA_VERSION, TABLE_MODELS
from usc_events.schema.names import SEMVER
from usc_events.build.quotes import locate
from usc_events.errors import QuoteNotLocated
from usc_events.build.yaml_reader import Lines, YamlData, YamlPath, read_text, read_yaml
from usc_events.build.yaml_pool import YamlReader

if TYPE_CHECKING:
    import pyarrow as pa

#: Tables whose records contributors write as YAML lists under ``records/<table>/``.
RECORD_TABLES: tuple[str, ...] = tuple(
    t for t in TABLE_MODELS if t not in ("documents", "passages", "evidence")
)


@dataclass(frozen=True)
class Origin:
    """Where a row came from: the file, the line, and the line of each field (and columns)."""

    file: str
    line: int | None
    record: str | None
    lines: Mapping[str, int] = field(default_factory=dict)
    column: int | None = None
    columns: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Collector:
    """Rows per table, the origin of each row, and the violations met on the way."""

    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {t: [] for t in TABLE_MODELS}
    )
    origins: dict[str, list[Origin]] = field(default_factory=lambda: {t: [] for t in TABLE_MODELS})
    violations: list[Violation] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    #: Documents whose text could not be read (already reported): quotes in them are not checked.
    unreadable: set[str] = field(default_factory=set)
    #: Items that failed validation, as written: later rules do not report them again.
    rejected: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Records (``table:id``) some of whose evidence was not added (already reported).
    incomplete: set[str] = field(default_factory=set)
    #: Tables some of whose records could not be read at all, so their ids are unknown.
    unread: set[str] = field(default_factory=set)

    def add(self, table: str, row: dict[str, Any], origin: Origin) -> None:
        self.rows[table].append(row)
        self.origins[table].append(origin)


@dataclass(frozen=True)
class BuiltTables:
    """What a build gives: the checked Arrow tables and the dataset version."""

    version: str
    tables: dict[str, pa.Table]


def _display(path: Path, root: Path | None) -> str:
    """``path`` relative to the data folder's parent, else to the working folder."""
    for base in ([root.parent] if root is not None else []) + [Path.cwd().resolve()]:
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def table_of(path: Path) -> str | None:
    """The table a contribution file adds to, told by its folder; None if it is none.

    ``records/<table>/*.yaml`` and ``records/<table>/*.csv`` add records to
    ``<table>``; ``sources/*.yaml`` describes a document (``"documents"``).
    """
    folder = path.parent.name
    if folder in RECORD_TABLES and path.suffix in (".yaml", ".csv"):
        return folder
    if folder == "sources" and path.suffix == ".yaml":
        return "documents"
    return None


def build(data_dir: Path, contributions: Sequence[Path] = ()) -> BuiltTables:
    """Read and check everything under ``data_dir``.

    Parameters
    ----------
    data_dir
        The data folder: ``dataset.yaml``, ``sources/``, ``records/``.
    contributions
        Further contribution files (see :func:`table_of`), inside or outside
        ``data_dir``. They are read after the other files, so an id that they
        reuse is reported in them.

    Raises
    ------
    DataInvalid
        Listing every violation found, each with file, line, record and field.
    """
    if not data_dir.is_dir():
        raise DataInvalid(
            [Violation(str(data_dir), None, None, None, "data folder not found", "missing-file")]
        )
    data_dir = data_dir.resolve()
    extra = [p.resolve() for p in contributions]
    collector = _Collector()
    with paused_gc():
        version = _read_version(data_dir, collector)
        _read_sources(data_dir, extra, collector)
        _read_records(data_dir, extra, collector)
    return _check(collector, version)


def build_onto(
    tables: Mapping[str, pa.Table], version: str, contributions: Sequence[Path]
) -> BuiltTables:
    """Check contribution files together with tables already built (e.g. the packaged ones).

    The rows of ``tables`` come first, so an id that a contribution reuses is
    reported in the contribution.

    Raises
    ------
    DataInvalid
        Listing every violation found.
    """
    collector = _Collector()
    for table, data in tables.items():
        key = model(table).primary_key
        for row in data.to_pylist():
            origin = Origin(f"the packaged {table} table", None, f"{table}:{row[key]}")
            collector.add(table, row, origin)
    documents = tables.get("documents")
    if documents is not None:
        ids, texts = documents.column("document_id"), documents.column("text")
        collector.texts.update(zip(ids.to_pylist(), texts.to_pylist(), strict=True))
    extra = [p.resolve() for p in contributions]
    _read_sources(None, extra, collector)
    _read_records(None, extra, collector)
    return _check(collector, version)


def _check(collector: _Collector, version: str) -> BuiltTables:
    """Check the rows collected with every corpus rule; all violations at once."""
    tables = _to_arrow(collector.rows)
    reported = _already_reported(collector)
    violations = list(collector.violations)
    violations += [
        _locate_finding(collector.origins, f) for f in check_corpus(tables) if not reported(f)
    ]
    if violations:
        raise DataInvalid(violations)
    return BuiltTables(version=version, tables={t: _sorted(t, data) for t, data in tables.items()})


def _already_reported(collector: _Collector) -> Callable[[Finding], bool]:
    """Whether a finding follows from a violation already reported while reading.

    A record that could not be read is missing from its table: references to it
    are not reported as dangling, nor is a record whose evidence was rejected
    reported as having none.
    """
    rejected: dict[str, set[str]] = {}
    for table, raw in collector.rejected:
        key = model(table).primary_key
        if table == "meeting_participants":
            raw = {key: f"{raw.get('meeting_id')}.{raw.get('actor_id')}"}
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
            record = collector.origins[finding.table][finding.row].record
            return record in collector.incomplete
        if finding.code != "foreign-key":
            return False
        target = targets.get((finding.table, finding.field))
        value = str(finding.value)
        if target is None and ":" in value:
            target, _, value = value.partition(":")
        return target in collector.unread or value.lower() in rejected.get(str(target), set())

    return reported


def _locate_finding(origins: Mapping[str, list[Origin]], finding: Finding) -> Violation:
    origin = origins[finding.table][finding.row]
    line: int | None = origin.line
    column: int | None = origin.column
    if finding.field in origin.lines:
        line, column = origin.lines[finding.field], origin.columns.get(finding.field)
    hint = finding.hint
    if finding.related is not None:
        first = origins[finding.table][finding.related]
        hint = f"first given at {first.file}:{first.line}" if first.line else f"in {first.file}"
    return Violation(
        origin.file,
        line,
        origin.record,
        finding.field,
        finding.message,
        finding.code,
        column=column,
        value=finding.value,
        hint=hint,
    )


def _read_version(data_dir: Path, collector: _Collector) -> str:
    path = data_dir / "dataset.yaml"
    display = _display(path, data_dir)
    if not path.is_file():
        collector.violations.append(
            Violation(display, None, None, None, "file is missing", "missing-file")
        )
        return ""
    try:
        parsed = read_yaml(path, display)
    except DataInvalid as error:
        collector.violations.extend(error.violations)
        return ""
    collector.violations.extend(p.violation(display) for p in parsed.problems)
    value, lines = parsed.value, parsed.lines
    version = value.get("version") if isinstance(value, dict) else None
    if not isinstance(version, str) or not SEMVER.match(version):
        collector.violations.append(
            Violation(
                display,
                lines.get(("version",), 1),
                None,
                "version",
                f"{version!r} is not a semantic version; expected e.g. '1.2.0'",
                "version",
                column=lines.columns.get(("version",)),
                value=version,
            )
        )
        return ""
    return version


def _read_sources(data_dir: Path | None, extra: list[Path], collector: _Collector) -> None:
    sources = data_dir / "sources" if data_dir is not None else None
    described: set[str] = set()
    theirs = [p for p in extra if table_of(p) == "documents"]
    own = sorted(sources.glob("*.yaml")) if sources is not None else []
    for path in [p for p in own if p not in theirs] + theirs:
        display = _display(path, data_dir)
        parsed = _parse(path, display, "documents", collector)
        if not parsed:
            for table, raw in collector.rejected:
                if table == "documents":
                    described.add(str(raw.get("file_name")))
                    collector.unreadable.add(str(raw.get("document_id")))
            continue
        ((item, lines),) = parsed
        document = item.model_dump()
        document_id = document["document_id"]
        label = f"documents:{document_id}"
        passages = document.pop("passages")
        described.add(document["file_name"])
        text_path = path.parent / document["file_name"]
        problem = None
        if not text_path.is_file():
            folder = _display(path.parent, data_dir)
            problem = f"{document['file_name']!r} is not a file in {folder}/"
        elif text_path.resolve().parent != path.parent.resolve():
            problem = (
                f"{document['file_name']!r} is a link to a file outside "
                f"{_display(path.parent, data_dir)}/; a document's text must be a file there"
            )
        if problem is not None:
            collector.unreadable.add(document_id)
            collector.violations.append(
                Violation(
                    display,
                    lines.get(("file_name",)),
                    label,
                    "file_name",
                    problem,
                    "missing-file",
                    column=lines.columns.get(("file_name",)),
                    value=document["file_name"],
                )
            )
            continue
        try:
            text = read_text(text_path, _display(text_path, data_dir))
        except DataInvalid as error:
            collector.unreadable.add(document_id)
            collector.violations.extend(error.violations)
            continue
        if document_id in collector.texts:
            collector.violations.append(
                Violation(
                    display,
                    lines.get(("document_id",)),
                    label,
                    "document_id",
                    "document id used twice",
                    "duplicate-id",
                    column=lines.columns.get(("document_id",)),
                    value=document_id,
                    hint="ids must be unique; choose another document_id",
                )
            )
            continue
        collector.texts[document_id] = text
        document["text"] = text
        document["sha256"] = hashlib.sha256(text_path.read_bytes()).hexdigest()
        collector.add("documents", document, _origin(display, lines, (), label))
        for index, passage in enumerate(passages):
            path_to = ("passages", index)
            span = _locate_span(text, passage, display, lines, path_to, label, collector)
            if span is None:
                continue
            start, end = span
            row = {
                "passage_id": f"{document_id}@{start}",
                "document_id": document_id,
                "kind": passage["kind"],
                "start": start,
                "end": end,
                "quote": passage["quote"],
            }
            collector.add(
                "passages", row, _origin(display, lines, path_to, f"passages:{document_id}@{start}")
            )
    for text_path in sorted(sources.glob("*")) if sources is not None else []:
        if text_path.suffix != ".yaml" and text_path.name not in described:
            collector.violations.append(
                Violation(
                    _display(text_path, data_dir),
                    None,
                    None,
                    None,
                    "source text has no metadata file; "
                    "add a .yaml beside it naming it as file_name",
                    "missing-metadata",
                )
            )


def _read_records(data_dir: Path | None, extra: list[Path], collector: _Collector) -> None:
    records = data_dir / "records" if data_dir is not None else None
    folders = sorted(p for p in records.glob("*") if p.is_dir()) if records is not None else []
    for folder in folders:
        if folder.name not in RECORD_TABLES:
            collector.violations.append(
                Violation(
                    _display(folder, data_dir),
                    None,
                    None,
                    None,
                    f"unknown table folder; expected one of: {', '.join(RECORD_TABLES)}",
                    "unknown-table",
                )
            )
    files: list[tuple[str, Path]] = []
    for table in RECORD_TABLES:
        theirs = [p for p in extra if table_of(p) == table]
        own = (
            sorted([*(records / table).glob("*.yaml"), *(records / table).glob("*.csv")])
            if records is not None
            else []
        )
        files += [(table, path) for path in [p for p in own if p not in theirs] + theirs]
    yaml_files = [(p, _display(p, data_dir)) for _, p in files if p.suffix != ".csv"]
    with YamlReader(yaml_files) as reader:
        for table, path in files:
            _read_record_file(table, path, data_dir, collector, reader)


def _read_record_file(table: str, path: Path, data_dir: Path | None, collector: _Collector,
                      reader: YamlReader) -> None:
    """Read one records file into the collector: its rows, their evidence and origins."""
    key = model(table).primary_key
    display = _display(path, data_dir)
    parsed = _parse(path, display, table, collector, reader)
    for index, (item, lines) in enumerate(parsed or []):
        record = item.model_dump()
        evidence = record.pop("evidence", [])
        if table == "meeting_participants":
            record["participant_id"] = f"{record['meeting_id']}.{record['actor_id']}"
        label = f"{table}:{record[key]}"
        collector.add(table, record, _origin(display, lines, (index,), label))
        for number, item_evidence in enumerate(evidence):
            _add_evidence(
                table,
                record[key],
                item_evidence,
                display,
                lines,
                (index, "evidence", number),
                label,
                collector,
            )


def _add_evidence(
    table: str,
    record_id: str,
    item: dict[str, Any],
    display: str,
    lines: Lines,
    path: YamlPath,
    label: str,
    collector: _Collector,
) -> None:
    document_id = item["document_id"]
    text = collector.texts.get(document_id)
    if document_id in collector.unreadable or (text is None and "documents" in collector.unread):
        collector.incomplete.add(label)
        return
    if text is None:
        collector.incomplete.add(label)
        known = ", ".join(sorted(collector.texts))
        collector.violations.append(
            Violation(
                display,
                lines.get((*path, "document_id")),
                label,
                _dotted((*path[1:], "document_id")),
                f"{document_id!r} is not a document id; the documents are: {known}",
                "foreign-key",
                column=lines.columns.get((*path, "document_id")),
                value=document_id,
                hint=closest(document_id, sorted(collector.texts)),
            )
        )
        return
    span = _locate_span(text, item, display, lines, path, label, collector)
    if span is None:
        return
    start, end = span
    digest = hashlib.sha256(
        "\x1f".join((table, record_id, document_id, str(start), str(end))).encode()
    ).hexdigest()[:12]
    row = {
        "evidence_id": f"ev-{digest}",
        "record_type": table,
        "record_id": record_id,
        "document_id": document_id,
        "start": start,
        "end": end,
        "quote": item["quote"],
        "attribution": item["attribution"],
    }
    collector.add("evidence", row, _origin(display, lines, path, label))


def _locate_span(
    text: str,
    item: dict[str, Any],
    display: str,
    lines: Lines,
    path: YamlPath,
    label: str,
    collector: _Collector,
) -> tuple[int, int] | None:
    try:
        return locate(text, item["quote"], item["occurrence"])
    except QuoteNotLocated as error:
        collector.incomplete.add(label)
        field_path = path[1:] if isinstance(path[0], int) else path
        collector.violations.append(
            Violation(
                display,
                lines.get((*path, "quote")),
                label,
                _dotted((*field_path, "quote")),
                f"{error.reason} (document {item.get('document_id', label.split(':')[1])})",
                "quote",
                column=lines.columns.get((*path, "quote")),
                value=item["quote"],
                hint=error.hint,
            )
        )
        return None


def _dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _origin(display: str, lines: Lines, path: YamlPath, label: str) -> Origin:
    depth = len(path)
    fields = lines.children(path)
    own = {str(p[depth]): lines[p] for p in fields}
    own_columns = {str(p[depth]): lines.columns[p] for p in fields if p in lines.columns}
    return Origin(
        display,
        lines.get(path, 1),
        label,
        own,
        column=lines.columns.get(path),
        columns=own_columns,
    )


def _parse(
    path: Path,
    display: str,
    table: str,
    collector: _Collector,
    reader: Callable[[Path, str], YamlData] = read_yaml,
) -> list[tuple[BaseModel, Lines]] | None:
    """Validate a YAML (or CSV) file against the contribution model of ``table``.

    A documents file holds one mapping; a records file a list of them. Each valid
    item comes back with the lines of its values (paths relative to the file).
    """
    try:
        parsed_file: YamlData = (
            read_csv(path, display, table) if path.suffix == ".csv" else reader(path, display)
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
        problems = [
            p.violation(display, label, skip=len(prefix))
            for p in parsed_file.problems
            if p.path[: len(prefix)] == prefix
        ]
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
            for problem in error.errors():
                loc = tuple(problem["loc"])
                at = next(
                    (p for p in ((*prefix, *loc), (*prefix, *loc[:-1]), prefix) if p in lines),
                    None,
                )
                missing = problem["type"] == "missing"
                value_given = None if missing else problem.get("input")
                shown = "null" if value_given is None else repr(value_given)
                given = "" if missing else f" (got {shown})"
                collector.violations.append(
                    Violation(
                        display,
                        lines[at] if at is not None else 1,
                        label,
                        _dotted(loc) or None,
                        f"{problem['msg']}{given}",
                        problem["type"],
                        column=lines.columns.get(at) if at is not None else None,
                        value=value_given,
                        hint=for_validation_error(table, problem),
                    )
                )
            collector.rejected.append((table, item))
            continue
        parsed.append((valid, lines))
    return parsed


def _to_arrow(rows: Mapping[str, list[dict[str, Any]]]) -> dict[str, pa.Table]:
    import pyarrow as pa

    return {
        table: pa.Table.from_pylist(rows[table], schema=arrow_schema(table))
        for table in TABLE_MODELS
    }


def _sorted(table: str, data: pa.Table) -> pa.Table:
    return data.sort_by([(model(table).primary_key, "ascending")])
