"""Every exception type of usc-events, and the catalogue of error codes.

Every problem found in the data is a :class:`Violation`: it names where it is (file,
line, column), which record and field, what was expected, and its code, one of
:data:`ERROR_CODES`, each with the one meaning the docs' error page lists. Every other
error is a :class:`UscEventsError` subclass defined here, so ``except UscEventsError``
catches all that the library raises on purpose.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
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

    def __post_init__(self) -> None:
        if self.code not in ERROR_CODES and self.code not in schema_error_types():
            raise ValueError(f"{self.code!r} is not an error code of usc_events.errors.ERROR_CODES")

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


class QuoteNotLocated(UscEventsError, ValueError):
    """The quote is absent, ambiguous, or its occurrence number is out of range.

    ``reason`` says what is wrong, ``hint`` (when there is one) how to fix it.
    """

    def __init__(self, reason: str, hint: str | None = None) -> None:
        self.reason = reason
        self.hint = hint
        super().__init__(f"{reason}; {hint}" if hint else reason)


class UsageProblem(UscEventsError):
    """A command was given something it cannot check (exit code 2)."""


class MissingExtra(UsageProblem, ImportError):
    """An optional feature was used without the packages of its extra (exit code 2).

    The message says what needs which packages and the ``pip install`` command of the
    extra that installs them (see :mod:`usc_events.extras`); ``code`` is
    ``missing-extra``.
    """

    code = "missing-extra"

    def __init__(self, message: str, *, feature: str, extra: str, missing: str) -> None:
        super().__init__(message)
        self.feature, self.extra, self.missing = feature, extra, missing


class ExportTargetExists(UsageProblem):
    """An export's target exists and replacing it was not asked for (exit code 2).

    ``reason`` says which target; the message adds how to replace it.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}; pass force=True to replace it")


class QueryTooLong(UsageProblem, ValueError):
    """A name, id or search text longer than the query helpers take (exit code 2)."""


class UnsafeOutput(UsageProblem):
    """An output folder that usc-events will not replace: the data folder, or a folder it did
    not write; the message names it and why (exit code 2)."""


class NotFound(UscEventsError, LookupError):
    """Nothing in the corpus matches what was asked for (the message says what is close).

    ``reason`` is the message without advice; ``search`` is the text that found nothing,
    when looking for it in the whole corpus may help: the message then advises
    ``corpus.search(...)``, and the command line its own ``usc-events search``.
    """

    def __init__(self, reason: str, *, search: str | None = None) -> None:
        self.reason = reason
        self.search = search
        advice = f"; look for it with corpus.search({search!r})" if search else ""
        super().__init__(reason + advice)


class InvalidValue(UscEventsError, ValueError):
    """An argument's value is not one of its vocabulary's; the message names the argument,
    the value, the allowed values and the closest of them."""

    def __init__(self, argument: str, value: object, allowed: Iterable[str], what: str) -> None:
        from usc_events.matching import closest, did_you_mean

        self.argument = argument
        self.value = value
        self.allowed = tuple(allowed)
        self.what = what
        self.hint = None
        if isinstance(value, str):
            # A value that is a word of an allowed one ("quote" of "direct_quote") first.
            wanted = value.casefold().replace("-", "_").replace(" ", "_")
            worded = [a for a in self.allowed if wanted and wanted in a.casefold().split("_")]
            self.hint = did_you_mean([*worded, *closest(value, self.allowed)][:3])
        super().__init__(self.explain(f"{argument}={value!r}"))

    def explain(self, given: str) -> str:
        """The message, the value shown as ``given`` (``status='x'``, ``--kind x``)."""
        return (f"{given} is not {self.what}; choose one of {', '.join(self.allowed)}"
                + (f"; {self.hint}" if self.hint else ""))


class Ambiguous(UscEventsError, LookupError):
    """A name matches more than one record; the message lists them."""


class QueryError(UscEventsError, ValueError):
    """A query that cannot be run: an unknown table or column, or SQL DuckDB rejects."""


class UnknownTable(QueryError):
    """A table name that is not one of the data model's; the message suggests the closest."""

    def __init__(self, table: object, known: tuple[str, ...]) -> None:
        from usc_events.matching import closest, did_you_mean

        self.table = table
        hint = did_you_mean(closest(str(table), known, limit=1)) if isinstance(table, str) else None
        super().__init__(f"unknown table {table!r}; the tables are: {', '.join(known)}"
                         + (f"; {hint}" if hint else ""))


class ReleaseError(UscEventsError):
    """A release cannot be made: the input is incomplete or would change a released version."""


class DownloadError(UscEventsError):
    """A release file could not be fetched or did not verify; the message names it and why."""


class Unreachable(DownloadError):
    """The server could not be reached (refused, unresolved, timed out)."""


class UnknownVersion(DownloadError):
    """The requested data version is not in the release index."""


class VersionRejected(DownloadError):
    """A downloaded data version fails the checks of a build, so it is not used; the
    message names the version, the table and the finding."""


class DiffError(UsageProblem, ValueError):
    """An argument of a diff names no data version, build or release, or two builds differ
    in schema version; the message names the argument (exit code 2)."""


class StaleIndexWarning(UserWarning):
    """The server could not be reached, so the cached index (maybe outdated) was used."""


#: Every code of the project's own rules that a :class:`Violation` may carry, with its
#: one meaning. A value that the contribution schema rejects carries pydantic's error
#: type instead (see :func:`schema_error_types`).
ERROR_CODES: dict[str, str] = {
    # files and their layout
    "missing-file": "A file or folder that the data layout requires is absent.",
    "missing-metadata": "A source text has no metadata file beside it, or the other way round.",
    "unknown-table": "A folder under records/ is not the name of a table.",
    "empty-file": "A file holds nothing: no text, no records.",
    "unreadable": "A file cannot be read (permissions, or it is not a file).",
    "file-too-large": "A data file is larger than the reader accepts.",
    "encoding": "A file is not valid UTF-8.",
    "file-shape": "A record file is not a list of records (or a metadata file not a mapping).",
    "type": "An item of a record list is not a mapping of field: value.",
    "version": "A version is not a semantic version MAJOR.MINOR.PATCH.",
    # YAML and CSV syntax
    "yaml-syntax": "A YAML file cannot be parsed.",
    "yaml-tag": "A YAML file uses a tag (!!python, !custom), which data files do not allow.",
    "yaml-alias": "A YAML file uses anchors or aliases, which data files do not allow.",
    "yaml-merge": "A YAML file uses a merge key (<<), which data files do not allow.",
    "yaml-key": "A YAML mapping key is not a plain string.",
    "column-type": "A table's column has another Arrow type than the schema gives it.",
    "yaml-depth": "A YAML file nests lists and mappings deeper than data files may.",
    "yaml-value": "A YAML value is not plain data (a mapping, a list or a core scalar).",
    "duplicate-key": "A YAML mapping gives the same key twice.",
    "csv-syntax": "A CSV file cannot be parsed (an unclosed quote, a NUL byte).",
    "csv-ragged": "A CSV row has more or fewer cells than the header.",
    "csv-header": "A CSV header names a column its table does not have, lacks a required "
                  "one, or repeats one.",
    # values of one column
    "missing-column": "A table lacks a column of its definition.",
    "extra-column": "A table has a column its definition does not have.",
    "required": "A required value is empty.",
    "pattern": "A value does not match its column's pattern (an id, a language code…).",
    "min-length": "A text or list is shorter than its column allows.",
    "minimum": "A number is below its column's minimum.",
    "enum": "A value is not one of its controlled vocabulary's.",
    "duplicate-id": "Two records of one table have the same id.",
    # rules across columns and tables
    "interval-order": "An interval ends before it starts.",
    "interval-incomplete": "An interval has one bound where the table needs both or neither.",
    "date-basis": "A record's dates and its date_basis disagree: dates without a basis, "
                  "or a basis without dates.",
    "inference-note": "A record whose dates are inferred has no note giving the reasoning.",
    "value-unit": "A position has a value without a unit, or a unit without a value.",
    "foreign-key": "A reference names no record of the table it points to.",
    "no-evidence": "A curated record has no evidence row.",
    "quote": "An evidence quote is not in its document, is ambiguous, or its occurrence "
             "number is out of range.",
    "span-mismatch": "An evidence row's offsets do not give its quote: text[start:end] != quote.",
    "quote-word": "An evidence quote or a passage has no letter or digit (a space, a dash), "
                  "so it supports nothing.",
    "date-range": "A date falls outside the years 1800–2100 and the record gives no "
                  "date_override saying why it is right.",
    "quote-not-in-evidence": "A direct quote's text is not inside any of its evidence spans.",
    "needs-review": "A drafted record still carries its NEEDS REVIEW note.",
    # dates and references
    "edtf": "A date is not EDTF of an accepted form, names no real day, or is an interval "
            "that ends before it starts.",
    "old-date-field": "A record gives date_earliest/date_latest (or start), which EDTF's "
                      "'date' replaced; the hint shows the same interval in EDTF.",
    "citation-field": "A citation names a field its record does not have.",
    "citation-missing": "A field whose value rests on a reference (a date with date_basis "
                        "'reference', a URL, a Wikidata id) has no citation for that field.",
    # ids across releases
    "retired-entry": "An entry of data/retired.yaml is malformed: an unknown or missing key, "
                     "a table without ids of its own, or an id listed twice.",
    "retired-missing": "An id of the previous release is gone from the build, and "
                       "data/retired.yaml does not list it as retired.",
    "retired-reused": "An id that data/retired.yaml lists as retired is in the build again.",
    "previous-release": "The previous release, whose ids the build keeps, cannot be read or "
                        "does not match its manifest.",
    # the install
    "missing-extra": "An optional feature (plots, the polars backend…) was used without the "
                     "packages of its extra; the message names the extra to install.",
}


def schema_error_types() -> frozenset[str]:
    """The error types of pydantic, which a value rejected by a contribution schema carries.

    Each is documented by pydantic (``missing``, ``string_type``, ``extra_forbidden``…).
    """
    from typing import get_args

    from pydantic_core.core_schema import ErrorType

    return frozenset(get_args(ErrorType))
