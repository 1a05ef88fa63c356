"""A column of another Arrow type than the schema's is a finding, never an exception.

One case per kind of type in the schema: strings, integers, floats, booleans, dates,
instants and lists; each column is replaced by the same values in another type.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from usc_events.build.builder import build
from usc_events.build.finding import Finding
from usc_events.build.rules import check_corpus
from usc_events.schema.columns import arrow_type, columns


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pa.Table]:
    from conftest import write_corpus

    return dict(build(write_corpus(tmp_path_factory.mktemp("corpus"))).tables)


def _replace(data: pa.Table, name: str, make: Callable[[pa.ChunkedArray], pa.Array]) -> pa.Table:
    values = make(data.column(name))
    index = data.column_names.index(name)
    return data.set_column(index, pa.field(name, values.type), values)


def _as_strings(values: pa.ChunkedArray) -> pa.Array:
    return pa.array([None if v is None else str(v) for v in values.to_pylist()], pa.string())


CASES: dict[str, tuple[str, str, Callable[[pa.ChunkedArray], pa.Array], bool]] = {
    # name: (table, column, replacement, whether the other rules still run on the table)
    "string as large_string": ("actors", "name", lambda v: v.cast(pa.large_string()), True),
    "string as dictionary": ("actors", "kind",
                             lambda v: pc.dictionary_encode(v).combine_chunks(), True),
    "string as int64": ("topics", "label", lambda v: pa.array([7] * len(v), pa.int64()), True),
    "int64 as int32": ("evidence", "start", lambda v: v.cast(pa.int32()), True),
    "int64 as string": ("evidence", "end", _as_strings, True),
    "date32 as string": ("references", "accessed", _as_strings, True),
    "date32 as timestamp[s]": ("references", "accessed",
                               lambda v: v.cast(pa.timestamp("s")), True),
    "date32 as string that is no date": (
        "references", "accessed", lambda v: pa.array(["soon"] * len(v), pa.string()), False),
    "timestamp[us, UTC] as timestamp[s]": (
        "documents", "published_earliest", lambda v: v.cast(pa.timestamp("s", tz="UTC")), True),
    "timestamp[us, UTC] as string": ("documents", "published_latest", _as_strings, True),
    "list<string> as string": ("actors", "aliases",
                               lambda v: pa.array(["; ".join(x) for x in v.to_pylist()]), False),
    "list<string> as large_list": (
        "actors", "aliases", lambda v: v.cast(pa.large_list(pa.string())), True),
}


def test_the_cases_cover_every_kind_of_type_the_schema_uses() -> None:
    from usc_events.schema.models import TABLE_MODELS

    used = {str(arrow_type(c)) for t in TABLE_MODELS for c in columns(t)}
    covered = {str(next(arrow_type(c) for c in columns(t) if c.name == n))
               for t, n, _, _ in CASES.values()} | {"double"}
    assert used <= covered


@pytest.mark.parametrize("name", CASES)
def test_a_column_of_another_type_is_a_finding(built: dict[str, pa.Table], name: str) -> None:
    table, column, make, checked = CASES[name]
    tables = dict(built)
    tables[table] = _replace(tables[table], column, make)
    found = tables[table].schema.field(column).type
    expected = next(arrow_type(c) for c in columns(table) if c.name == column)
    findings = check_corpus(tables)
    assert Finding(table, 0, column, f"column has Arrow type {found}; expected {expected}",
                   "column-type") in findings
    typed = [f for f in findings if f.code == "column-type"]
    assert len(typed) == 1
    others = [f for f in findings if f.code != "column-type"]
    if checked:  # the values themselves are fine: nothing else is reported
        assert others == [] or all(f.table != table for f in others), others


def test_a_date_column_given_as_strings_is_still_checked_on_its_values(
    built: dict[str, pa.Table],
) -> None:
    tables = dict(built)
    references = tables["references"]
    accessed = _as_strings(references.column("accessed"))
    tables["references"] = _replace(references, "accessed", lambda _: accessed)
    assert [f.code for f in check_corpus(tables)] == ["column-type"]


@pytest.mark.parametrize("other", [pa.float32(), pa.int64(), pa.string()])
def test_a_float_column_of_another_type(built: dict[str, pa.Table], other: pa.DataType) -> None:
    tables = dict(built)
    positions = tables["positions"]
    tables["positions"] = _replace(positions, "value", lambda v: v.cast(other))
    assert [f for f in check_corpus(tables) if f.code == "column-type"] == [
        Finding("positions", 0, "value", f"column has Arrow type {other}; expected double",
                "column-type")]
