"""The year-partitioned Parquet dataset and the lazy scans over it (arrow, polars, DuckDB, Dask)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

import usc_events
from usc_events.store.scan import NULL_PARTITION, PARTITION, scan, write_partitioned

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _generate():  # type: ignore[no-untyped-def]
    name = "benchmarks_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / "generate.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


CORPUS = _generate().corpus(400, seed=5)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dataset")
    write_partitioned(CORPUS, folder)
    return folder


def _by_id(table: pa.Table, key: str) -> pa.Table:
    if PARTITION in table.column_names:
        table = table.drop_columns([PARTITION])
    return table.sort_by(key)


def test_dated_tables_are_split_by_year_with_undated_rows_apart(root: Path) -> None:
    folders = {p.name for p in (root / "statements").iterdir()}
    years = pc.unique(pc.year(CORPUS["statements"].column("date_earliest"))).to_pylist()
    assert folders == {f"{PARTITION}={y}" for y in years if y is not None} | {
        f"{PARTITION}={NULL_PARTITION}"}
    assert {p.name for p in (root / "actors").iterdir()} == {"part-0-0.parquet"}


@pytest.mark.parametrize("table", ["statements", "meetings", "actors", "evidence", "documents"])
def test_every_backend_reads_back_the_same_rows(root: Path, table: str) -> None:
    from usc_events.schema.columns import model

    key = model(table).primary_key
    original = CORPUS[table].sort_by(key)
    arrow = scan(table, root).to_table()  # type: ignore[arg-type]
    polars = scan(table, root, "polars").collect().to_arrow()  # type: ignore[arg-type]
    duck = scan(table, root, "duckdb").to_arrow_table()  # type: ignore[arg-type]
    for read in (arrow, polars, duck):
        assert read.num_rows == original.num_rows
        assert _by_id(read, key).to_pylist() == original.to_pylist()


def test_the_partition_column_is_the_year_of_date_earliest(root: Path) -> None:
    data = scan("statements", root).to_table(columns=["date_earliest", PARTITION])
    years = pc.cast(pc.year(data.column("date_earliest")), pa.int32())
    assert data.column(PARTITION).type == pa.int32()
    assert data.column(PARTITION).to_pylist() == years.to_pylist()
    assert data.column(PARTITION).null_count == CORPUS["statements"]["date_earliest"].null_count


def test_a_filter_by_actor_and_date_gives_what_filtering_in_memory_gives(root: Path) -> None:
    import polars as pl

    statements = CORPUS["statements"]
    actor = statements.column("speaker_id")[7].as_py()
    low, high = dt.date(2005, 1, 1), dt.date(2015, 12, 31)
    expected = statements.filter(
        pc.and_(pc.equal(statements["speaker_id"], actor),
                pc.and_(pc.greater_equal(statements["date_earliest"], low),
                        pc.less_equal(statements["date_earliest"], high)))
    ).column("statement_id").to_pylist()
    assert expected, "the generated corpus should have a match"
    condition = ((ds.field("speaker_id") == actor) & (ds.field("date_earliest") >= low)
                 & (ds.field("date_earliest") <= high)
                 & (ds.field(PARTITION) >= low.year) & (ds.field(PARTITION) <= high.year))
    arrow = scan("statements", root).to_table(filter=condition)
    polars = scan("statements", root, "polars").filter(
        (pl.col("speaker_id") == actor) & pl.col("date_earliest").is_between(low, high)
        & pl.col(PARTITION).is_between(low.year, high.year)).collect()
    duck = scan("statements", root, "duckdb").filter(
        f"speaker_id = '{actor}' AND date_earliest BETWEEN DATE '{low}' AND DATE '{high}' "
        f"AND {PARTITION} BETWEEN {low.year} AND {high.year}").to_arrow_table()
    for found in (arrow.column("statement_id").to_pylist(),
                  polars.get_column("statement_id").to_list(),
                  duck.column("statement_id").to_pylist()):
        assert sorted(found) == sorted(expected)


def test_files_are_sorted_by_actor_so_statistics_can_skip_row_groups(root: Path) -> None:
    import pyarrow.parquet as pq

    for path in (root / "statements").rglob("*.parquet"):
        speakers = pq.read_table(path, columns=["speaker_id"]).column("speaker_id").to_pylist()
        assert speakers == sorted(speakers)


def test_a_table_written_in_chunks_reads_as_one(tmp_path: Path) -> None:
    statements = CORPUS["statements"]
    write_partitioned({"statements": statements.slice(0, 150)}, tmp_path, part="a")
    write_partitioned({"statements": statements.slice(150)}, tmp_path, part="b")
    assert scan("statements", tmp_path).count_rows() == statements.num_rows
    # the same label again replaces those files instead of adding rows
    write_partitioned({"statements": statements.slice(150)}, tmp_path, part="b")
    assert scan("statements", tmp_path).count_rows() == statements.num_rows


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside dask, with pandas 3
def test_dask_reads_the_files_unchanged(root: Path) -> None:
    import dask.dataframe as dd

    frame = dd.read_parquet(
        root / "statements",
        dataset={"partitioning": {"flavor": "hive",
                                  "schema": pa.schema([(PARTITION, pa.int32())])}},
    ).compute()
    assert sorted(frame["statement_id"]) == sorted(
        CORPUS["statements"].column("statement_id").to_pylist())
    assert int(frame[PARTITION].isna().sum()) == CORPUS["statements"]["date_earliest"].null_count


@pytest.mark.parametrize("backend", ["arrow", "polars", "duckdb"])
def test_scanning_a_packaged_table(backend: str) -> None:
    data = scan("meetings", backend=backend)  # type: ignore[call-overload]
    rows = {"arrow": lambda: data.count_rows(), "polars": lambda: data.collect().height,
            "duckdb": lambda: len(data.fetchall())}[backend]()
    assert rows == usc_events.load("meetings", backend="arrow").num_rows
    assert usc_events.scan is scan


def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown table 'meeting'"):
        scan("meeting", tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown backend 'spark'"):
        scan("meetings", tmp_path, "spark")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="no folder meetings/ in it"):
        scan("meetings", tmp_path)
    with pytest.raises(ValueError, match="unknown table 'meeting'"):
        write_partitioned({"meeting": CORPUS["meetings"]}, tmp_path)
