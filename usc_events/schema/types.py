"""The building blocks of the table definitions: identifier types, markers, date columns.

:mod:`usc_events.schema.models` writes each table with these; :mod:`usc_events.schema.columns`
reads the markers (``ForeignKey``, ``WrittenAs``, ``Derived``) back out of the models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, StringConstraints

from usc_events.schema.vocabularies import DateBasis, DatePrecision, RecordType

# --- identifier patterns ---------------------------------------------------------

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTICIPANT_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$"
EVIDENCE_ID_PATTERN = r"^ev-[0-9a-f]{12}$"
PASSAGE_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*@[0-9]+$"
#: ``table:id`` of a record a discrepancy involves: the tables are those of
#: :class:`RecordType` but discrepancies themselves.
RECORD_REF_PATTERN = (
    "^(" + "|".join(t for t in RecordType if t != RecordType.discrepancies) + "):"
    r"[a-z0-9]+(?:[-.][a-z0-9]+)*$"
)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
ParticipantId = Annotated[str, StringConstraints(pattern=PARTICIPANT_ID_PATTERN)]
EvidenceId = Annotated[str, StringConstraints(pattern=EVIDENCE_ID_PATTERN)]
PassageId = Annotated[str, StringConstraints(pattern=PASSAGE_ID_PATTERN)]
RecordRef = Annotated[str, StringConstraints(pattern=RECORD_REF_PATTERN)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
WikidataId = Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Z]{2})?$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
CameoCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,4}$")]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$")]
#: Free text: anything but the C0 control characters (NUL, escape, carriage return…);
#: tab and newline are allowed. The same pattern is checked by pydantic, Arrow and editors.
FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f]*$"
FreeText = Annotated[str, StringConstraints(pattern=FREE_TEXT_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, pattern=FREE_TEXT_PATTERN)]
#: A date in EDTF (ISO 8601-2 level 1) as contributors write it; parsed by
#: :func:`usc_events.schema.dates.parse_edtf`, which says what is accepted.
EdtfText = Annotated[str, StringConstraints(min_length=4)]
CitationId = Annotated[str, StringConstraints(pattern=r"^ci-[0-9a-f]{12}$")]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]


# --- markers read by usc_events.schema.columns ------------------------------------------------


@dataclass(frozen=True)
class ForeignKey:
    """The column (or each item of a list column) refers to ``table``'s primary key."""

    table: str


@dataclass(frozen=True)
class WrittenAs:
    """Contributors write this column under another key (``date`` for ``date_edtf``)."""

    key: str


@dataclass(frozen=True)
class Derived:
    """The build computes this column; contributors never write it.

    ``how`` says how, in words. ``by`` names the function of
    :mod:`usc_events.build.ids` that computes the column from the columns named
    by its parameters; it is None for columns derived otherwise (text read from a
    file, offsets located from a quote).
    """

    how: str
    by: str | None = None


# --- the date columns of dated tables (contributors write ``date`` and ``end``) ---------

DateEarliest = Annotated[
    dt.date | None, Derived("first day of date_edtf"),
    Field(description="First day date_edtf allows; null where it is open at the start."),
]
DateLatest = Annotated[
    dt.date | None, Derived("last day of date_edtf"),
    Field(description="Last day date_edtf allows; null where it is open at the end."),
]
DatePrecisionColumn = Annotated[
    DatePrecision | None, Derived("the form of date_edtf"),
    Field(description="How precisely date_edtf places it: day, month, year or interval."),
]
#: The years a date may fall in without :data:`DateOverride`; outside, a date is more
#: likely a typo (0025, 9999) than a fact, so the record must say why it is right.
PLAUSIBLE_YEARS = (1800, 2100)
DateOverride = Annotated[
    Text | None,
    Field(description=f"Why a date of the record outside {PLAUSIBLE_YEARS[0]}–"
          f"{PLAUSIBLE_YEARS[1]} is right (the build refuses such dates without it); "
          "null otherwise."),
]
DateBasisColumn = Annotated[
    DateBasis | None,
    Field(description="Whether the sources state the date, a cited reference gives it, or the "
          "curator inferred it (the note says how); null when undated."),
]
EndEdtf = Annotated[
    EdtfText | None, WrittenAs("end"),
    Field(description="When it ended, in EDTF, where the sources say; null otherwise."),
]
EndEarliest = Annotated[
    dt.date | None, Derived("first day of end_edtf"),
    Field(description="First day end_edtf allows; null where unknown."),
]
EndLatest = Annotated[
    dt.date | None, Derived("last day of end_edtf"),
    Field(description="Last day end_edtf allows; null where unknown."),
]
