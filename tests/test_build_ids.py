"""Every derived id is computed by the function of usc_events.build.ids its column names."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import usc_events
from usc_events.build import ids
from usc_events.schema.models import TABLE_MODELS, Derived


def _derived() -> list[tuple[str, str, Derived]]:
    """(table, column, marker) for every column the schema declares derived."""
    found = []
    for table, definition in TABLE_MODELS.items():
        for name, field in definition.model_fields.items():
            found += [(table, name, m) for m in field.metadata if isinstance(m, Derived)]
    return found


BY_FUNCTION = [(t, c, d.by) for t, c, d in _derived() if d.by is not None]


def test_the_schema_names_an_id_function_for_each_derived_id() -> None:
    assert {(t, c) for t, c, _ in BY_FUNCTION} == {
        ("passages", "passage_id"),
        ("meeting_participants", "participant_id"),
        ("evidence", "evidence_id"),
    }


@pytest.mark.parametrize(("table", "column", "by"), BY_FUNCTION)
def test_each_named_function_exists_in_build_ids(table: str, column: str, by: str) -> None:
    function = getattr(ids, by, None)
    assert callable(function), f"{table}.{column}: usc_events.build.ids has no {by}()"
    assert function.__module__ == ids.__name__


@pytest.mark.parametrize(("table", "column", "by"), BY_FUNCTION)
def test_each_function_gives_the_shipped_ids(table: str, column: str, by: str) -> None:
    function: Callable[..., Any] = getattr(ids, by)
    arguments = list(inspect.signature(function).parameters)
    rows = usc_events.load(table, backend="arrow").to_pylist()
    assert rows, f"the shipped {table} table is empty: nothing to compare"
    for row in rows:
        assert function(**{a: row[a] for a in arguments}) == row[column], row
