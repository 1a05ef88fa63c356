"""Build the Parquet tables from the human-editable files under ``data/``.

:func:`build` reads all of it (see :mod:`usc_events.build.layout`), locates every
quote, checks every rule of :mod:`usc_events.build.rules` and returns Arrow
tables; :mod:`usc_events.store` writes them and compares them with a fresh build.

The stages, one module each:

- :mod:`~usc_events.build.layout`: which files to read, and which table each adds to;
- :mod:`~usc_events.build.sources` and :mod:`~usc_events.build.records`: files → rows,
  gathered with their origins in a :class:`~usc_events.build.collect.Collector`;
- :mod:`~usc_events.build.ids`: every derived id;
- :mod:`~usc_events.build.findings`: the rules' findings → located violations;
- :mod:`~usc_events.build.arrow`: rows → Arrow tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.build.arrow import sorted_by_key
from usc_events.build.collect import Collector, Origin
from usc_events.build.findings import already_reported, locate_finding
from usc_events.build.gc_pause import paused_gc
from usc_events.build.layout import display_path, record_files, unknown_folders
from usc_events.build.records import Documents, read_records
from usc_events.build.retired import check_ids, read_retired, shipped
from usc_events.build.rules import check_corpus
from usc_events.build.sources import read_sources, read_version
from usc_events.build.worker_pool import WorkerPool
from usc_events.errors import DataInvalid, Violation
from usc_events.schema.columns import model

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class BuiltTables:
    """What a build gives: the checked Arrow tables and the dataset version."""

    version: str
    tables: dict[str, pa.Table]
    #: The retired ids of ``data/retired.yaml`` (table, id, retired_in, replaced_by, reason).
    retired: tuple[dict[str, Any], ...] = ()


def build(data_dir: Path, contributions: Sequence[Path] = ()) -> BuiltTables:
    """Read and check everything under ``data_dir``.

    Parameters
    ----------
    data_dir
        The data folder: ``dataset.yaml``, ``sources/``, ``records/``.
    contributions
        Further contribution files (see :func:`usc_events.build.layout.table_of`),
        inside or outside ``data_dir``. They are read after the other files, so an
        id that they reuse is reported in them.

    Raises
    ------
    DataInvalid
        Listing every violation found, each with file, line, record and field.
    """
    if not data_dir.is_dir():
        raise DataInvalid(
            [Violation(str(data_dir), None, None, None, "data folder not found", "missing-file")]
        )
    data_dir = data_dir.resolve()
    extra = [p.resolve() for p in contributions]
    collector = Collector()
    with paused_gc():
        version = read_version(data_dir, collector)
        read_sources(data_dir, extra, collector)
        _read_records(data_dir, extra, collector)
        retired = read_retired(data_dir, collector)
        check_ids(data_dir, version, collector, retired)
    return _check(collector, version, tuple(shipped(retired)))


def build_onto(
    tables: Mapping[str, pa.Table], version: str, contributions: Sequence[Path]
) -> BuiltTables:
    """Check contribution files together with tables already built (e.g. the packaged ones).

    The rows of ``tables`` come first, so an id that a contribution reuses is
    reported in the contribution.

    Raises
    ------
    DataInvalid
        Listing every violation found.
    """
    collector = Collector()
    for table, data in tables.items():
        key = model(table).primary_key
        for row in data.to_pylist():
            origin = Origin(f"the packaged {table} table", None, f"{table}:{row[key]}")
            collector.add(table, row, origin)
    documents = tables.get("documents")
    if documents is not None:
        ids, texts = documents.column("document_id"), documents.column("text")
        collector.texts.update(zip(ids.to_pylist(), texts.to_pylist(), strict=True))
    extra = [p.resolve() for p in contributions]
    read_sources(None, extra, collector)
    _read_records(None, extra, collector)
    return _check(collector, version)


def _read_records(data_dir: Path | None, extra: list[Path], collector: Collector) -> None:
    """Read every records file, a few files ahead in a pool of worker processes."""
    collector.violations += unknown_folders(data_dir)
    calls = [(t, str(path), display_path(path, data_dir))
             for t, path in record_files(data_dir, extra)]
    size = 0
    for _, path, _ in calls:
        with suppress(OSError):  # reading the file reports it
            size += Path(path).stat().st_size
    job = partial(read_records, Documents.of(collector))
    with WorkerPool(job, calls, size) as pool:
        collector.seal()  # the rows read so far become Arrow while the workers start
        for call in calls:
            collector.merge(pool(*call))


def _check(collector: Collector, version: str,
           retired: tuple[dict[str, Any], ...] = ()) -> BuiltTables:
    """Check the rows collected with every corpus rule; all violations at once."""
    tables = collector.tables()
    reported = already_reported(collector)
    violations = list(collector.violations)
    violations += [
        locate_finding(collector.origin, f) for f in check_corpus(tables) if not reported(f)
    ]
    if violations:
        raise DataInvalid(violations)
    for table, data in tables.items():  # each unsorted table let go once sorted
        tables[table] = sorted_by_key(table, data)
    return BuiltTables(version=version, tables=tables, retired=retired)
