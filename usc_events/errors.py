"""Error types: every problem found in the data is a :class:`Violation`.

A violation names where it is (file and line), which record and field, and what
was expected, so that a contributor can fix it without reading any code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Violation:
    """One rule broken by one value.

    Attributes
    ----------
    file:
        The file (relative to the data root's parent) the value comes from.
    line:
        1-based line in ``file``, when the file has lines (YAML, CSV, text).
    record:
        ``table:id`` of the record concerned, when there is one.
    field:
        Dotted path of the field, e.g. ``evidence.0.quote``.
    message:
        What is wrong and what was expected.
    code:
        Short machine-readable name of the rule, e.g. ``foreign-key``.
    column:
        1-based column of the value in ``file``, when known.
    value:
        The offending value, as read (not part of comparisons).
    hint:
        How to fix it, where one helps: the closest existing id, the closest
        passage of the document, the closest allowed value.
    """

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    code: str
    column: int | None = None
    value: Any = dataclasses.field(default=None, compare=False)
    hint: str | None = None

    @property
    def where(self) -> str:
        """``file:line:column``, as far as they are known."""
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"

    def __str__(self) -> str:
        what = " ".join(part for part in (self.record, self.field) if part)
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.where}: {what + ': ' if what else ''}{self.message}{hint} [{self.code}]"


class UscEventsError(Exception):
    """Base of the errors this library raises on purpose."""


class DataInvalid(UscEventsError):
    """The data broke one or more rules; ``violations`` lists every one."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = sorted(violations, key=_sort_key)
        count = len(self.violations)
        lines = "\n".join(str(v) for v in self.violations)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found:\n{lines}")


def _sort_key(v: Violation) -> tuple[str, int, int, str, str, str]:
    return (v.file, v.line or 0, v.column or 0, v.record or "", v.field or "", v.message)


class TableCorrupt(UscEventsError):
    """A packaged table does not match its manifest (size, hash or row count)."""
