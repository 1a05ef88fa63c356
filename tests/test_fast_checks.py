"""The fast path (Arrow compute over whole columns) agrees with the plain one (row by row).

The plain checker (``benchmarks/plain.py``) validates each row with its pydantic
model and checks the cross-table rules with Python sets and slicing; the
benchmark times it against :func:`usc_events.build.rules.check_corpus`. Here both
run on small synthetic corpora (``benchmarks/generate.py``), intact and broken
at random, and must report the same findings.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from usc_events.build.builder import build
from usc_events.build.rules import check_corpus
from usc_events.build.span_kernels import contains_pairwise, span_mismatches
from usc_events.schema.columns import arrow_schema, columns

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _module(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name.split('_', 1)[1]}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = _module("benchmarks_generate")
plain = _module("benchmarks_plain")
BASE = generate.corpus(60, seed=3)


def _fast(tables: dict[str, pa.Table]) -> list[tuple[str, int, str, str]]:
    return sorted((f.table, f.row, f.field, f.code) for f in check_corpus(tables))


def _plain(tables: dict[str, pa.Table]) -> list[tuple[str, int, str, str]]:
    return sorted(plain.check_corpus(tables))


@pytest.mark.parametrize("statements", [1, 60, 1000])
def test_generated_corpora_pass_every_rule(statements: int) -> None:
    tables = generate.corpus(statements, seed=statements)
    assert tables["statements"].num_rows == statements
    assert tables["evidence"].num_rows > statements
    assert check_corpus(tables) == []
    assert _plain(tables) == []


def test_a_generated_yaml_corpus_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tables = generate.corpus(300, seed=1)
    records = generate.write_yaml(tables, tmp_path / "data")
    built = build(tmp_path / "data").tables
    # Large corpora are parsed by worker processes; here too, when the threshold is lowered.
    monkeypatch.setattr("usc_events.build.worker_pool.MIN_BYTES", 0)
    in_workers = build(tmp_path / "data").tables
    assert all(in_workers[t].equals(built[t], check_metadata=True) for t in built)
    assert records == sum(tables[t].num_rows for t in generate.sizes(300))
    for table, data in tables.items():
        assert built[table].num_rows == data.num_rows, table
    assert sorted(built["evidence"].column("quote").to_pylist()) == \
        sorted(tables["evidence"].column("quote").to_pylist())


def test_a_large_statements_chunk_is_valid_with_its_tables() -> None:
    tables = generate.corpus(200, seed=0)
    sizes = generate.sizes(200)
    chunk = generate.statements_chunk(100, 50, sizes["actors"], sizes["meetings"], seed=9)
    assert chunk.schema == arrow_schema("statements")
    assert chunk.column("statement_id")[0].as_py() == "statement-100"
    subset = {t: tables[t] for t in ("actors", "meetings", "topics")} | {"statements": chunk}
    assert check_corpus(subset) == []


# --- random damage -------------------------------------------------------------------------

ODD_STRINGS = ["", "Not A Slug", "x", "actor-0", "meeting-1", "topic-2", "doc-0", "statement-3",
               "inferred", "stated", "direct_quote", "NEEDS REVIEW: check", "ev-000000000001"]


def _values_for(table: str, name: str) -> st.SearchStrategy[Any]:
    column = next(c for c in columns(table) if c.name == name)
    scalar: st.SearchStrategy[Any]
    if column.scalar is str:
        existing = BASE[table].column(name)
        pool = pa.compute.list_flatten(existing) if column.is_list else existing
        known = [v for v in pool.to_pylist() if v is not None][:20]
        scalar = st.sampled_from(ODD_STRINGS + known) if known else st.sampled_from(ODD_STRINGS)
    elif column.scalar is int:
        scalar = st.integers(-3, 400)
    elif column.scalar is float:
        scalar = st.floats(-10, 10, allow_nan=False)
    elif column.scalar is dt.date:
        scalar = st.dates(dt.date(1999, 12, 25), dt.date(2026, 1, 10))
    elif column.scalar is dt.datetime:
        scalar = st.datetimes(dt.datetime(2023, 12, 31), dt.datetime(2024, 2, 1),
                              timezones=st.just(dt.UTC))
    else:  # pragma: no cover - no other scalar types in the schema
        raise AssertionError(column.scalar)
    if column.is_list:
        return st.one_of(st.none(), st.lists(st.one_of(st.none(), scalar), max_size=3))
    return st.one_of(st.none(), scalar)


@st.composite
def _damage(draw: st.DrawFn) -> dict[str, pa.Table]:
    rows = {table: data.to_pylist() for table, data in BASE.items()}
    for _ in range(draw(st.integers(0, 4))):
        table = draw(st.sampled_from(sorted(t for t, r in rows.items() if r)))
        action = draw(st.sampled_from(["set", "set", "set", "drop", "copy", "shift"]))
        row = draw(st.integers(0, len(rows[table]) - 1))
        if action == "drop":
            del rows[table][row]
        elif action == "copy":
            rows[table].append(dict(rows[table][row]))
        elif action == "shift" and table == "evidence":
            for name in draw(st.sampled_from([("start",), ("end",), ("start", "end")])):
                if rows[table][row][name] is not None:  # a null set by an earlier step
                    rows[table][row][name] += draw(st.integers(-2, 2))
        else:
            name = draw(st.sampled_from([c.name for c in columns(table)]))
            rows[table][row][name] = draw(_values_for(table, name))
    return {
        table: pa.Table.from_arrays(
            [pa.array([r[f.name] for r in data], f.type) for f in arrow_schema(table)],
            schema=arrow_schema(table),
        )
        for table, data in rows.items()
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damage())
def test_the_fast_path_finds_what_the_plain_one_finds(tables: dict[str, pa.Table]) -> None:
    assert _fast(tables) == _plain(tables)


@pytest.mark.parametrize(("large", "repeating"), [(0, 0.0), (0, 1.0), (10**9, 1.0)])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=_damage())
def test_duckdb_and_arrow_and_either_encoding_give_the_same_findings(
        tables: dict[str, pa.Table], large: int, repeating: float) -> None:
    """DuckDB's key checks (from ``LARGE`` values) and Arrow's agree, and so do checking a
    column on its distinct values (``repeating`` 1.0: always) and on every value (0.0)."""
    from usc_events.build import column_kernels, rules

    saved = column_kernels.LARGE, rules.REPEATING
    column_kernels.LARGE, rules.REPEATING = large, repeating
    try:
        found = check_corpus(tables)
    finally:
        column_kernels.LARGE, rules.REPEATING = saved
    assert [(f.table, f.row, f.field, f.code, f.message, f.hint) for f in found] == [
        (f.table, f.row, f.field, f.code, f.message, f.hint) for f in check_corpus(tables)]
    assert sorted((f.table, f.row, f.field, f.code) for f in found) == _plain(tables)


@pytest.mark.parametrize(("rows", "distinct", "encoded"), [
    (1_000_000, 20_000, True),  # the first 10,000 show many repeats
    (1_000_000, 200_000, True),  # they look all but distinct, yet each value comes 5 times
    (1_000_000, 1_000_000, False),  # every value distinct
    (8_000, 3_000, True),  # short: its values are counted, not estimated
    (8_000, 6_000, False),
])
def test_a_column_is_checked_on_its_distinct_values_where_they_repeat(
        rows: int, distinct: int, encoded: bool) -> None:
    from usc_events.build.rules import _encoded, _items

    speakers = np.random.default_rng(7).permutation(np.arange(rows) % distinct)
    data = pa.table({"speaker_id": pa.array([f"actor-{i}" for i in speakers])})
    column = next(c for c in columns("statements") if c.name == "speaker_id")
    assert _encoded(column, _items(column, data)) is encoded


def _in_chunks(data: pa.Table, size: int) -> pa.Table:
    """The same rows, in chunks of ``size``: the distinct values are found across chunks."""
    if data.num_rows <= size:
        return data
    return pa.concat_tables([data.slice(i, size) for i in range(0, data.num_rows, size)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damage(), st.integers(1, 7))
def test_chunked_tables_give_the_same_findings(tables: dict[str, pa.Table], size: int) -> None:
    chunked = {t: _in_chunks(d, size) for t, d in tables.items()}
    assert _fast(chunked) == _plain(tables)


def test_the_rules_give_the_same_findings_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {table: data.to_pylist() for table, data in BASE.items()}
    rows["statements"][0]["speaker_id"] = "nobody"
    rows["statements"][2]["statement_id"] = rows["statements"][3]["statement_id"]
    rows["actors"][1]["actor_id"] = "Not A Slug"
    tables = {t: pa.Table.from_pylist(r, schema=arrow_schema(t)) for t, r in rows.items()}
    threaded = check_corpus(tables)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    alone = check_corpus(tables)
    assert [(f.table, f.row, f.field, f.code, f.message, f.hint) for f in threaded] == [
        (f.table, f.row, f.field, f.code, f.message, f.hint) for f in alone]
    assert {f.code for f in alone} >= {"foreign-key", "duplicate-id", "pattern"}


def test_damage_is_found_by_both() -> None:
    """A fixed set of broken values, so that the agreement is not only on clean corpora."""
    rows = {table: data.to_pylist() for table, data in BASE.items()}
    rows["statements"][0]["speaker_id"] = "nobody"
    rows["statements"][1]["date_latest"] = dt.date(1990, 1, 1)
    rows["statements"][2]["statement_id"] = rows["statements"][3]["statement_id"]
    rows["statements"][4]["kind"] = "rumour"
    rows["statements"][6]["text"] = "words nobody said"
    rows["evidence"][5]["start"] += 1
    rows["evidence"][6]["end"] = 10**6
    tables = {t: pa.Table.from_pylist(r, schema=arrow_schema(t)) for t, r in rows.items()}
    fast = _fast(tables)
    assert fast == _plain(tables)
    assert {code for *_, code in fast} == {"foreign-key", "interval-order", "duplicate-id", "enum",
                                          "quote-not-in-evidence", "span-mismatch"}


# --- the span comparison itself ---------------------------------------------------------------

TEXT_ALPHABET = st.sampled_from(list("ab xé“”—😀\n"))


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.one_of(st.none(), st.text(TEXT_ALPHABET, max_size=30)), min_size=1,
                   max_size=4),
    spans=st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 4)),
                             st.integers(-2, 34), st.integers(-2, 34),
                             st.one_of(st.none(), st.text(TEXT_ALPHABET, max_size=14)),
                             st.booleans()), max_size=25),
    chunked=st.booleans(),
)
def test_span_mismatches_agrees_with_slicing(texts: list[str | None], spans: list[Any],
                                             chunked: bool) -> None:
    rows = []
    for document, start, end, quote, exact in spans:
        text = texts[document] if document is not None and document < len(texts) else None
        if exact and text is not None and 0 <= start <= end:
            quote = text[start:end]  # a span that should match, where it is in range
        rows.append((document, start, end, quote))
    expected = []
    for document, start, end, quote in rows:
        text = texts[document] if document is not None and document < len(texts) else None
        if text is None or quote is None:
            expected.append(False)
        else:
            expected.append(not (0 <= start <= end <= len(text) and text[start:end] == quote))
    array = pa.array(texts, pa.string())
    values: pa.Array | pa.ChunkedArray = (
        pa.chunked_array([array[:1], array[1:]]) if chunked else array
    )
    got = span_mismatches(values, pa.array([r[0] for r in rows], pa.int32()),
                          pa.array([r[1] for r in rows], pa.int64()),
                          pa.array([r[2] for r in rows], pa.int64()),
                          pa.array([r[3] for r in rows], pa.string()))
    assert isinstance(got, np.ndarray)
    assert got.tolist() == expected


def test_long_spans_and_short_spans_are_compared_whole() -> None:
    text = "x" * 40 + "“a long quotation that is longer than twelve bytes”" + " tail"
    start = 40
    quote = "“a long quotation that is longer than twelve bytes”"
    end = start + len(quote)
    wrong = quote[:-2] + "X”"  # same length, differs only near the end
    got = span_mismatches(pa.array([text]), pa.array([0, 0, 0, 0]), pa.array([start] * 4),
                          pa.array([end, end, start + 3, start + 3]),
                          pa.array([quote, wrong, quote[:3], "“aX"]))
    assert got.tolist() == [False, True, False, True]


def test_contains_pairwise() -> None:
    assert contains_pairwise(pa.array(["abc", "abc", None, "abc"]),
                             pa.array(["b", "x", "a", None])) == [True, False, False, False]
    assert contains_pairwise(pa.array(["“é”"]), pa.array(["é"])) == [True]


# --- the column kernels -----------------------------------------------------------------------

CONTROL_ALPHABET = st.sampled_from(["a", "é", "😀", " ", "\t", "\n", "\r", "\x00", "\x1b",
                                    "\x1f", "\x7f", "\u0085"])


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(st.none(), st.text(CONTROL_ALPHABET, max_size=6)), max_size=12),
       start=st.integers(0, 4), size=st.integers(1, 5))
def test_control_bytes_tell_what_the_free_text_pattern_tells(
        texts: list[str | None], start: int, size: int) -> None:
    """Never False where a value breaks the pattern, on sliced and chunked arrays alike;
    False wherever no value does (nulls hold no bytes in arrays built by Arrow)."""
    from usc_events.build.column_kernels import may_hold_controls
    from usc_events.schema.types import FREE_TEXT_PATTERN

    whole = pa.array(texts, pa.string())
    sliced = whole.slice(min(start, len(texts)))
    chunked = pa.chunked_array([sliced[i:i + size] for i in range(0, len(sliced), size)],
                               pa.string())
    for values in (whole, sliced, chunked):
        breaks = not pa.compute.all(
            pa.compute.match_substring_regex(values, FREE_TEXT_PATTERN)).as_py() \
            if values.null_count < len(values) else False
        assert may_hold_controls(values) == breaks


def test_missing_keys_are_the_same_in_duckdb_and_arrow() -> None:
    from usc_events.build import column_kernels

    values = pa.chunked_array([["a", None, "b"], ["zz", "a", "c", None, "zz"]])
    keys = pa.array(["a", "b", None, "c"])
    arrow = column_kernels.missing(values, keys)
    saved = column_kernels.LARGE
    column_kernels.LARGE = 0
    try:
        assert column_kernels.missing(values, keys) == arrow == [3, 7]
    finally:
        column_kernels.LARGE = saved


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "dé", ""])),
                       max_size=10),
       size=st.integers(1, 4), one_array=st.booleans())
def test_repeats_are_found_in_chunks_joined_or_not(
        values: list[str | None], size: int, one_array: bool) -> None:
    """Whether a value is given twice, nulls aside, whether the chunks are joined or not."""
    from usc_events.build import column_kernels

    chunked = pa.chunked_array([values[i:i + size] for i in range(0, len(values), size)],
                               pa.string())
    given_values = [v for v in values if v is not None]
    saved = column_kernels._ONE_ARRAY
    column_kernels._ONE_ARRAY = saved if one_array else 0
    try:
        found = column_kernels.has_repeats(chunked)
    finally:
        column_kernels._ONE_ARRAY = saved
    assert found == (len(set(given_values)) < len(given_values))
