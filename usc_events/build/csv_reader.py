"""Read a CSV file of records for bulk additions, remembering where every cell is.

One CSV file holds records of one table (``records/<table>/*.csv``): a header row
naming the contributed fields, then one record per row.

- A cell left empty is ``null``; in a list column (``aliases``, ``topic_ids``,
  ``record_refs``) it is the empty list, and items are separated by ``;``.
- Evidence is given in columns ``evidence.0.document_id``, ``evidence.0.quote``,
  ``evidence.0.attribution``, ``evidence.0.occurrence``; a second piece of
  evidence in ``evidence.1.…``, and so on. A group whose cells are all empty is
  left out.

The result is a :class:`~usc_events.build.yaml_loader.YamlData` like the YAML reader's (a
list of mappings, the line and column of every value, the rows that could not
be read), so the build treats both formats alike.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from usc_events.build.finding import closest
from usc_events.build.lines import Lines, YamlPath
from usc_events.build.yaml_loader import Problem, YamlData
from usc_events.build.yaml_reader import read_text
from usc_events.errors import DataInvalid, Violation
from usc_events.schema.columns import columns, contribution_model, evidence_item_model, model

#: Separator of the items of a list column.
LIST_SEPARATOR = ";"

_EVIDENCE_COLUMN = re.compile(r"^evidence\.(0|[1-9][0-9]*)\.([a-z_]+)$")


def allowed_columns(table: str) -> tuple[list[str], list[str]]:
    """The header names a CSV file of ``table`` may use, and those it must use.

    Evidence columns are named ``evidence.N.FIELD`` with N from 0; only the
    first group (N = 0) is listed.
    """
    fields = contribution_model(table).model_fields
    allowed = [name for name in fields if name != "evidence"]
    required = [name for name, info in fields.items() if info.is_required()]
    if "evidence" in fields:
        allowed += [f"evidence.0.{name}" for name in evidence_item_model().model_fields]
        if model(table).needs_evidence:
            required += ["evidence.0.document_id", "evidence.0.quote"]
    return allowed, required


def _cell_starts(raw: str, line: int) -> list[tuple[int, int]]:
    """The (line, column) where each cell of one CSV record starts."""
    starts: list[tuple[int, int]] = []
    column, at_start, quoted = 1, True, False
    for index, char in enumerate(raw):
        if at_start and char not in "\r\n":
            starts.append((line, column))
            at_start = False
            if char == '"':
                quoted = True
                column += 1
                continue
        elif at_start:
            starts.append((line, column))
            at_start = False
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            at_start = True
        if char == "\n" or (char == "\r" and raw[index + 1 : index + 2] != "\n"):
            line, column = line + 1, 1
        elif char != "\r":
            column += 1
    if at_start:
        starts.append((line, column))
    return starts


def _records(text: str) -> list[tuple[int, list[str], list[tuple[int, int]]]]:
    """Each non-blank record: its first line, its cells, where each cell starts."""
    physical = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    result = []
    done = 0
    for cells in reader:
        first, done = done + 1, reader.line_num
        if not cells:
            continue
        starts = _cell_starts("".join(physical[first - 1 : done]), first)
        result.append((first, cells, starts))
    return result


def read_csv(path: Any, display: str, table: str) -> YamlData:
    """Parse a CSV file of ``table`` records.

    Raises
    ------
    DataInvalid
        When the file as a whole cannot be read: too large, not UTF-8, empty,
        not CSV, or its header is wrong (a required column missing, an unknown
        or repeated column).
    """
    text = read_text(path, display).removeprefix("\ufeff")
    if not text.strip():
        raise DataInvalid([Violation(display, None, None, None, "file is empty", "empty-file")])
    try:
        records = _records(text)
    except csv.Error as error:
        raise DataInvalid(
            [Violation(display, None, None, None, f"not valid CSV: {error}", "csv-syntax")]
        ) from None
    (header_line, header, header_starts), *rows = records
    _check_header(display, table, header, header_line, header_starts)
    lists = {c.name for c in columns(table) if c.is_list}
    data = YamlData([], Lines())
    for index, (line, cells, starts) in enumerate(rows):
        data.lines.mark((index,), line, 1)
        if len(cells) != len(header):
            extra = len(header) if len(cells) > len(header) else len(cells) - 1
            where = starts[extra] if 0 <= extra < len(starts) else (line, 1)
            data.problems.append(
                Problem(
                    (index,),
                    where[0],
                    f"row has {len(cells)} cells but the header has {len(header)} columns; "
                    "put a cell that contains a comma in double quotes",
                    "csv-ragged",
                    column=where[1],
                    value=len(cells),
                )
            )
            data.value.append(dict(zip(header, cells, strict=False)))
            continue
        data.value.append(_item(index, header, cells, starts, lists, data.lines))
    return data


def _item(
    index: int,
    header: list[str],
    cells: list[str],
    starts: list[tuple[int, int]],
    lists: set[str],
    lines: Lines,
) -> dict[str, Any]:
    item: dict[str, Any] = {}
    groups: dict[int, dict[str, str]] = {}
    for position, (name, cell) in enumerate(zip(header, cells, strict=True)):
        line, column = starts[position] if position < len(starts) else (lines[(index,)], 1)
        match = _EVIDENCE_COLUMN.match(name)
        if match:
            number, field = int(match.group(1)), match.group(2)
            path: YamlPath = (index, "evidence", number, field)
            if cell.strip():
                groups.setdefault(number, {})[field] = cell
                lines.mark(path, line, column)
                if path[:-1] not in lines:
                    lines.mark(path[:-1], line, column)
            continue
        lines.mark((index, name), line, column)
        if name in lists:
            parts = [p.strip() for p in cell.split(LIST_SEPARATOR)] if cell.strip() else []
            for number in range(len(parts)):
                lines.mark((index, name, number), line, column)
            item[name] = parts
        else:
            item[name] = cell if cell != "" else None
    if groups:
        item["evidence"] = []
        for new_number, number in enumerate(sorted(groups)):
            if new_number != number:
                _renumber(lines, index, number, new_number)
            item["evidence"].append(groups[number])
        lines.mark((index, "evidence"), *_first_mark(lines, (index, "evidence", 0)))
    return item


def _first_mark(lines: Lines, path: YamlPath) -> tuple[int, int]:
    return lines[path], lines.columns[path]


def _renumber(lines: Lines, index: int, old: int, new: int) -> None:
    """Move the marks of evidence group ``old`` to ``new`` (empty groups are left out)."""
    for path in [p for p in lines if p[:3] == (index, "evidence", old)]:
        lines.mark((index, "evidence", new, *path[3:]), lines[path], lines.columns[path])


def _check_header(
    display: str,
    table: str,
    header: list[str],
    line: int,
    starts: list[tuple[int, int]],
) -> None:
    allowed, required = allowed_columns(table)
    violations = []
    seen: set[str] = set()
    for position, name in enumerate(header):
        column = starts[position][1] if position < len(starts) else None
        match = _EVIDENCE_COLUMN.match(name)
        known = name in allowed or (
            match is not None and f"evidence.0.{match.group(2)}" in allowed
        )
        if name in seen:
            violations.append(
                Violation(display, line, None, name, "column given twice", "csv-header",
                          column=column, value=name)
            )
        elif not known:
            violations.append(
                Violation(
                    display,
                    line,
                    None,
                    name,
                    f"unknown column {name!r} for {table}",
                    "csv-header",
                    column=column,
                    value=name,
                    hint=closest(name, allowed) or f"the columns are: {', '.join(allowed)}",
                )
            )
        seen.add(name)
    for name in required:
        if name not in seen:
            violations.append(
                Violation(
                    display,
                    line,
                    None,
                    name,
                    f"required column {name!r} is missing from the header",
                    "csv-header",
                    hint=f"the header must include: {', '.join(required)}",
                )
            )
    if violations:
        raise DataInvalid(violations)
