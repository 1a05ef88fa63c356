"""Query tables larger than memory: a Parquet dataset partitioned by year, scanned lazily.

:func:`write_partitioned` writes each table as a folder of Parquet files, split
hive-style by the year of ``date_earliest`` (``statements/year=2025/…``; undated
rows in ``year=__HIVE_DEFAULT_PARTITION__``, as Hive and Spark name the null
partition) and sorted by actor within each file, so that a filter on the year,
the dates or the actor skips whole files and row groups. Tables without dates
are written as one unpartitioned folder.

:func:`scan` opens such a folder (or a packaged table) without reading it: as a
pyarrow dataset, a polars LazyFrame or a DuckDB relation. Filters given to those
are pushed down to the Parquet reader. Spark and Dask read the same files; see
``docs/scaling.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from usc_events.extras import require
from usc_events.schema.names import DATED_TABLES, TABLE_NAMES, TableName

if TYPE_CHECKING:
    import duckdb
    import polars as pl
    import pyarrow as pa
    import pyarrow.dataset as ds

ScanBackend = Literal["arrow", "polars", "duckdb"]

#: The partition column added to dated tables: the year of ``date_earliest``.
PARTITION = "year"
#: The folder name of the partition of rows without a date (Hive's and Spark's default).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: Rows per Parquet row group: small enough that statistics skip most of a file.
ROW_GROUP_SIZE = 64 * 1024


def _sort_keys(table: str) -> list[tuple[str, str]]:
    """Actor first (where the table names one), then the primary key."""
    from usc_events.schema.columns import columns, model

    actor = next((c.name for c in columns(table)
                  if c.foreign_key == "actors" and not c.is_list), None)
    keys = [actor] if actor else []
    keys.append(model(table).primary_key)
    return [(key, "ascending") for key in keys]


def _partitioning() -> ds.Partitioning:
    import pyarrow as pa
    import pyarrow.dataset as ds

    return ds.partitioning(pa.schema([(PARTITION, pa.int32())]), flavor="hive")


def write_partitioned(
    tables: Mapping[str, pa.Table], out_dir: Path | str, *, part: str = "0"
) -> dict[str, int]:
    """Write ``tables`` under ``out_dir``, one folder per table; dated tables split by year.

    Parameters
    ----------
    tables:
        Table name to Arrow table, e.g. :func:`usc_events.build.builder.build`'s tables.
    out_dir:
        The dataset root; created if missing.
    part:
        A label put in the file names (``part-<part>-<n>.parquet``). Calling again with
        another label adds files to the same dataset, so a table too large for memory
        can be written chunk by chunk; calling with the same label replaces those files.

    Returns
    -------
    dict
        Rows written per table.

    Examples
    --------
    >>> import tempfile, usc_events
    >>> from usc_events.store.scan import scan, write_partitioned
    >>> folder = tempfile.mkdtemp()
    >>> rows = write_partitioned({"meetings": usc_events.load("meetings", backend="arrow")}, folder)
    >>> scan("meetings", folder).count_rows() == rows["meetings"]
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    root = Path(out_dir)
    written: dict[str, int] = {}
    for table, data in tables.items():
        if table not in TABLE_NAMES:
            raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLE_NAMES)}")
        data = data.sort_by(_sort_keys(table))
        options: dict[str, Any] = {}
        if table in DATED_TABLES:
            year = pc.cast(pc.year(data.column("date_earliest")), pa.int32())
            data = data.append_column(pa.field(PARTITION, pa.int32()), year)
            options["partitioning"] = _partitioning()
        ds.write_dataset(
            data,
            root / table,
            format="parquet",
            basename_template=f"part-{part}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
            max_rows_per_group=ROW_GROUP_SIZE,
            min_rows_per_group=min(ROW_GROUP_SIZE, max(data.num_rows, 1)),
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            **options,
        )
        written[table] = data.num_rows
    return written


def _source(table: TableName, path: Path | str | None) -> tuple[Path, bool]:
    """The file or folder to read, and whether it is partitioned by year."""
    if path is None:
        from usc_events.store.load import bundled_path

        return bundled_path(table), False
    folder = Path(path) / table
    if not folder.is_dir():
        raise ValueError(f"{Path(path).name or path}: no folder {table}/ in it; write the "
                         "dataset with usc_events.store.scan.write_partitioned")
    return folder, table in DATED_TABLES


@overload
def scan(table: TableName, path: Path | str | None = ...,
         backend: Literal["arrow"] = ...) -> ds.Dataset: ...
@overload
def scan(table: TableName, path: Path | str | None, backend: Literal["polars"]) -> pl.LazyFrame: ...
@overload
def scan(table: TableName, path: Path | str | None,
         backend: Literal["duckdb"]) -> duckdb.DuckDBPyRelation: ...


def scan(
    table: TableName, path: Path | str | None = None, backend: ScanBackend = "arrow"
) -> ds.Dataset | pl.LazyFrame | duckdb.DuckDBPyRelation:
    """Open ``table`` lazily: nothing is read until the query runs.

    Parameters
    ----------
    table:
        A table name, e.g. ``"statements"``.
    path:
        The root of a dataset written by :func:`write_partitioned`; by default the
        table shipped with the package.
    backend:
        ``"arrow"`` (a ``pyarrow.dataset.Dataset``), ``"polars"`` (a ``LazyFrame``)
        or ``"duckdb"`` (a relation on a new in-memory connection). Partitioned
        tables have an extra ``year`` column; filter on it, or on the dates, and
        only the matching files are read.

    Examples
    --------
    >>> import pyarrow.dataset as ds, usc_events
    >>> statements = usc_events.scan("statements")
    >>> kinds = statements.to_table(columns=["kind"], filter=ds.field("kind") == "direct_quote")
    >>> set(kinds.column("kind").to_pylist()) <= {"direct_quote"}
    True
    """
    if table not in TABLE_NAMES:
        raise ValueError(f"unknown table {table!r}; the tables are: {', '.join(TABLE_NAMES)}")
    if backend not in ("arrow", "polars", "duckdb"):
        raise ValueError(f"unknown backend {backend!r}; choose arrow, polars or duckdb")
    source, partitioned = _source(table, path)
    if backend == "arrow":
        import pyarrow.dataset as ds

        return ds.dataset(source, format="parquet",
                          partitioning=_partitioning() if partitioned else None)
    files = str(source / "**" / "*.parquet") if source.is_dir() else str(source)
    if backend == "polars":
        require("polars")
        import polars as pl

        if partitioned:
            return pl.scan_parquet(files, hive_partitioning=True,
                                   hive_schema={PARTITION: pl.Int32})
        return pl.scan_parquet(files, hive_partitioning=False)
    import duckdb

    connection = duckdb.connect()
    literal = "'" + files.replace("'", "''") + "'"
    hive = (f"hive_partitioning = true, hive_types = {{'{PARTITION}': 'INTEGER'}}" if partitioned
            else "hive_partitioning = false")
    return connection.sql(f"SELECT * FROM read_parquet({literal}, {hive})")
