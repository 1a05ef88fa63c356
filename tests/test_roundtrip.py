"""Record → Parquet → record is lossless, whatever the text, nulls, lists and dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usc_events.schema.columns import Column, arrow_schema, columns, model
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.types import FREE_TEXT_PATTERN

#: Text that tends to break naive pipelines: curly quotes, NBSP, ellipsis, CJK, RTL, emoji.
TRICKY = "“”‘’\u00a0…—–漢正汉字عربي🙂 \t\nabcXYZ\"'\\"
#: The control characters that free text may not hold (all of C0 but tab and newline).
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n")


def _scalar(column: Column) -> st.SearchStrategy[Any]:
    if column.enum:
        return st.sampled_from(column.enum)
    if column.pattern and column.pattern != FREE_TEXT_PATTERN:
        return st.from_regex(column.pattern, fullmatch=True)
    if column.scalar is str:
        return st.text(
            alphabet=st.sampled_from(TRICKY) | st.characters(
                codec="utf-8", exclude_characters=CONTROL if column.pattern else ""),
            min_size=column.min_length or 0,
            max_size=40,
        )
    if column.scalar is int:
        return st.integers(min_value=column.minimum or 0, max_value=2**53)
    if column.scalar is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if column.scalar is dt.date:
        return st.dates()
    if column.scalar is dt.datetime:
        return st.datetimes(
            min_value=dt.datetime(1900, 1, 1),
            max_value=dt.datetime(2200, 1, 1),
            timezones=st.just(dt.UTC),
        )
    raise AssertionError(column)


def _value(column: Column) -> st.SearchStrategy[Any]:
    value = st.lists(_scalar(column), max_size=4) if column.is_list else _scalar(column)
    return st.none() | value if column.nullable else value


def rows(table: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    row = st.fixed_dictionaries({c.name: _value(c) for c in columns(table)})
    return st.lists(row, min_size=1, max_size=5)


@pytest.mark.parametrize("table", list(TABLE_MODELS))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_records_survive_parquet(table: str, data: st.DataObject, tmp_path: Path) -> None:
    definition = model(table)
    originals = [definition.model_validate(row) for row in data.draw(rows(table))]
    arrow = pa.Table.from_pylist([r.model_dump() for r in originals], schema=arrow_schema(table))
    path = tmp_path / f"{table}.parquet"
    pq.write_table(arrow, path)
    back = pq.read_table(path)
    assert back.schema.equals(arrow_schema(table), check_metadata=True)
    assert [definition.model_validate(row) for row in back.to_pylist()] == originals
