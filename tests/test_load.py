"""Loading the packaged tables: backends, types, typed records, manifest verification."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import usc_events
from usc_events.schema.columns import arrow_schema, columns, pandera_schema
from usc_events.schema.models import TABLE_MODELS

PACKAGE = Path(usc_events.__file__).parent


def test_tables_lists_every_table_in_model_order() -> None:
    assert usc_events.tables() == list(TABLE_MODELS)


@pytest.mark.parametrize("table", list(TABLE_MODELS))
def test_every_table_loads_in_every_backend_with_the_schema_types(table: str) -> None:
    arrow = usc_events.load(table, backend="arrow")  # type: ignore[arg-type]
    assert isinstance(arrow, pa.Table)
    assert arrow.schema.equals(arrow_schema(table), check_metadata=True)
    assert arrow.num_rows == usc_events.manifest()["tables"][table]["rows"] > 0

    frame = usc_events.load(table)  # type: ignore[arg-type]
    assert isinstance(frame, pd.DataFrame)
    pandera_schema(table).validate(frame)

    polars = usc_events.load(table, backend="polars")  # type: ignore[arg-type]
    assert isinstance(polars, pl.DataFrame)
    for column in columns(table):
        dtype = polars.schema[column.name]
        if column.is_list:
            assert isinstance(dtype, pl.List)
        elif column.scalar is dt.date:
            assert dtype == pl.Date
        elif column.scalar is dt.datetime:
            assert isinstance(dtype, pl.Datetime) and dtype.time_zone == "UTC"


def test_pandas_keeps_dates_as_dates_and_lists_as_lists() -> None:
    meetings = usc_events.load("meetings")
    first = meetings["date_earliest"].iloc[0]
    assert type(first) is dt.date
    actors = usc_events.load("actors")
    assert all(type(a) is list for a in actors["aliases"])


@pytest.mark.parametrize("table", list(TABLE_MODELS))
def test_records_are_typed_models(table: str) -> None:
    records = usc_events.records(table)  # type: ignore[call-overload]
    assert records and all(isinstance(r, TABLE_MODELS[table]) for r in records)


def test_unknown_table_and_backend_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown table 'meeting'; the tables are: documents, "):
        usc_events.load("meeting")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown backend 'excel'; choose pandas, polars or arrow"):
        usc_events.load("meetings", backend="excel")  # type: ignore[call-overload]


def _copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "site" / "usc_events"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _load_in(site: Path, table: str) -> subprocess.CompletedProcess[str]:
    code = f"import usc_events; print(usc_events.load({table!r}, backend='arrow').num_rows)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(site), "PATH": ""},
    )


def test_an_altered_table_is_refused(tmp_path: Path) -> None:
    package = _copy_package(tmp_path)
    path = package / "data" / "actors.parquet"
    content = bytearray(path.read_bytes())
    content[-20] ^= 0xFF
    path.write_bytes(bytes(content))
    result = _load_in(package.parent, "actors")
    assert result.returncode == 1
    assert "usc_events.errors.TableCorrupt: actors.parquet: sha256 is " in result.stderr
    assert "the file was altered or damaged" in result.stderr


def test_a_missing_table_is_refused(tmp_path: Path) -> None:
    package = _copy_package(tmp_path)
    (package / "data" / "roles.parquet").unlink()
    result = _load_in(package.parent, "roles")
    assert "TableCorrupt: roles.parquet: listed in manifest.json but missing" in result.stderr


def test_import_is_light() -> None:
    code = (
        "import sys, usc_events; heavy = [m for m in ('pandas', 'pandera', 'polars', "
        "'duckdb', 'pyarrow', 'pydantic', 'yaml', 'typer') if m in sys.modules]; "
        "print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m.pop("documents"),
     "manifest.json in the package lists no documents; the tables were built by an older "
     "version (run 'usc-events build')"),
    (lambda m: m["documents"][1].pop("outlet"),
     "manifest.json in the package: document 2 of its listing needs exactly document_id, "
     "file_name, outlet, kind, published_earliest, published_latest"),
    (lambda m: m["documents"][0].update(published_latest="the 20th"),
     "manifest.json in the package: document 1 of its listing: a date bound is not an ISO "
     "8601 time (Invalid isoformat string: 'the 20th')"),
])
def test_a_listing_of_the_documents_in_another_shape_is_refused(change: Any,
                                                                  message: str) -> None:
    import copy

    from usc_events.errors import TableCorrupt
    from usc_events.store.load import bundled_manifest
    from usc_events.store.manifest import listed_documents

    manifest = copy.deepcopy(bundled_manifest())
    change(manifest)
    with pytest.raises(TableCorrupt) as raised:
        listed_documents(manifest, "the package")
    assert str(raised.value) == message
