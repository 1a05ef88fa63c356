"""Hints for contributors: how to fix a value that a contribution model rejected.

:func:`for_validation_error` turns one pydantic error (its type, location, value
and context) into a short suggestion, derived from the table definitions: the
closest allowed value of an enum, the closest field name for an unknown field,
what an identifier pattern means, the description of a missing field.
"""

from __future__ import annotations

import re
from typing import Any

from usc_events.build.finding import closest
from usc_events.schema.columns import contribution_model, evidence_item_model, passage_item_model
from usc_events.schema.types import (
    EVIDENCE_ID_PATTERN,
    FREE_TEXT_PATTERN,
    PARTICIPANT_ID_PATTERN,
    SLUG_PATTERN,
    CameoCode,
    CountryCode,
    FileName,
    LanguageTag,
    Sha256,
    WikidataId,
)


def _pattern(annotated: Any) -> str:
    return str(annotated.__metadata__[0].pattern)


#: What each identifier pattern of :mod:`usc_events.schema.models` asks for, in words.
PATTERN_HINTS: dict[str, str] = {
    SLUG_PATTERN: "ids are lower-case letters and digits, words joined by single hyphens, "
    "e.g. 'han-zheng'",
    PARTICIPANT_ID_PATTERN: "the meeting id and the actor id joined by a dot",
    EVIDENCE_ID_PATTERN: "evidence ids are derived by the build; leave them out",
    FREE_TEXT_PATTERN: "text may hold tabs and line breaks but no other control character "
    "(U+0000 to U+001F: NUL, escape, carriage return…); remove it",
    _pattern(CountryCode): "an ISO 3166-1 alpha-2 code in capitals, e.g. 'CN' or 'US'",
    _pattern(WikidataId): "a Wikidata item id, e.g. 'Q42'",
    _pattern(LanguageTag): "a BCP 47 language tag, e.g. 'en' or 'zh-CN'",
    _pattern(Sha256): "64 lower-case hexadecimal digits",
    _pattern(CameoCode): "2 to 4 digits, written in quotes, e.g. \"040\"",
    _pattern(FileName): "the plain name of a .txt file beside this metadata file, "
    "e.g. 'my-article.txt'",
}

#: Shown when a document's ``file_name`` is a path rather than a name.
PATH_ESCAPE_HINT = (
    "a document's text must be a .txt file in the same folder as its metadata file; "
    "give its plain name: a path ('/', '\\', '..') could lead out of data/ and is refused"
)

_SIMPLE_HINTS: dict[str, str] = {
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD, e.g. 2025-01-20",
    "date_parsing": "write a date as YYYY-MM-DD, e.g. 2025-01-20",
    "date_type": "write a date as YYYY-MM-DD, e.g. 2025-01-20",
    "datetime_type": "write an instant as YYYY-MM-DDTHH:MM:SSZ, e.g. 2025-01-20T16:24:00Z",
    "datetime_from_date_parsing": "write an instant as YYYY-MM-DDTHH:MM:SSZ, "
    "e.g. 2025-01-20T16:24:00Z",
    "timezone_aware": "add the time zone, e.g. 2025-01-20T16:24:00Z or 2025-01-20T20:24:00+04:00",
    "list_type": "write a list, e.g. [a, b], or [] for none",
    "dict_type": "write a mapping of field: value",
}


def _item_model(table: str, loc: tuple[Any, ...]) -> Any:
    """The model that the last step of ``loc`` belongs to."""
    if len(loc) >= 3 and loc[0] == "evidence":
        return evidence_item_model()
    if len(loc) >= 3 and loc[0] == "passages":
        return passage_item_model()
    return contribution_model(table)


def for_validation_error(table: str, problem: Any) -> str | None:
    """A hint for one error of ``pydantic.ValidationError.errors()``, or None.

    Examples
    --------
    >>> for_validation_error("actors", {"type": "enum", "loc": ("kind",), "input": "persn",
    ...                                 "ctx": {"expected": "'person' or 'state'"}})
    "did you mean 'person'?"
    """
    kind = problem.get("type", "")
    loc = tuple(problem.get("loc", ()))
    value = problem.get("input")
    ctx = problem.get("ctx") or {}
    name = loc[-1] if loc and isinstance(loc[-1], str) else None
    if kind in ("enum", "literal_error") and value is not None:
        return closest(value, re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
    if kind == "extra_forbidden" and name is not None:
        fields = list(_item_model(table, loc).model_fields)
        guess = closest(name, fields)
        return guess or f"the fields are: {', '.join(fields)}"
    if kind == "string_pattern_mismatch":
        if name == "file_name" and isinstance(value, str) and re.search(r"[/\\]|\.\.", value):
            return PATH_ESCAPE_HINT
        return PATTERN_HINTS.get(str(ctx.get("pattern")))
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f'write it in quotes (e.g. "{value}"): unquoted, YAML reads digits as a number'
    if (kind == "missing" or (value is None and kind != "extra_forbidden")) and name is not None:
        field = _item_model(table, loc).model_fields.get(name)
        if field is not None and field.description:
            return f"{name}: {field.description}"
    return _SIMPLE_HINTS.get(kind)
