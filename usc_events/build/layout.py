"""The layout of ``data/``: which table each file adds to, and the files to read, in order.

``data/`` holds:

- ``dataset.yaml``: the dataset version;
- ``sources/``: each source text, byte for byte, beside a ``<stem>.yaml`` with its
  metadata and boilerplate passages;
- ``records/<table>/*.yaml``: lists of curated records, each with its evidence
  written as a document id and a verbatim quote; ``records/<table>/*.csv``: the
  same records as CSV rows, for bulk additions (see :mod:`usc_events.build.csv_reader`).

Contribution files given besides (inside or outside ``data/``) are read after the
folder's own files, so an id that they reuse is reported in them.
"""

from __future__ import annotations

from pathlib import Path

from usc_events.errors import Violation
from usc_events.schema.models import TABLE_MODELS

#: Tables whose records contributors write as YAML lists under ``records/<table>/``.
RECORD_TABLES: tuple[str, ...] = tuple(
    t for t in TABLE_MODELS if t not in ("documents", "passages", "evidence", "citations")
)


def table_of(path: Path) -> str | None:
    """The table a contribution file adds to, told by its folder; None if it is none.

    ``records/<table>/*.yaml`` and ``records/<table>/*.csv`` add records to
    ``<table>``; ``sources/*.yaml`` describes a document (``"documents"``).
    """
    folder = path.parent.name
    if folder in RECORD_TABLES and path.suffix in (".yaml", ".csv"):
        return folder
    if folder == "sources" and path.suffix == ".yaml":
        return "documents"
    return None


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to the data folder's parent, else to the working folder."""
    for base in ([root.parent] if root is not None else []) + [Path.cwd().resolve()]:
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def version_file(data_dir: Path) -> Path:
    """The file that gives the dataset version."""
    return data_dir / "dataset.yaml"


def source_files(data_dir: Path | None, extra: list[Path]) -> list[Path]:
    """The documents' metadata files: the folder's own, then those of ``extra``."""
    theirs = [p for p in extra if table_of(p) == "documents"]
    own = sorted((data_dir / "sources").glob("*.yaml")) if data_dir is not None else []
    return [p for p in own if p not in theirs] + theirs


def source_texts(data_dir: Path | None) -> list[Path]:
    """Every file of ``sources/`` that is not a metadata file: the texts it should describe."""
    if data_dir is None:
        return []
    return [p for p in sorted((data_dir / "sources").glob("*")) if p.suffix != ".yaml"]


def record_files(data_dir: Path | None, extra: list[Path]) -> list[tuple[str, Path]]:
    """Each records file with its table, table by table: the folder's own, then ``extra``."""
    records = data_dir / "records" if data_dir is not None else None
    files: list[tuple[str, Path]] = []
    for table in RECORD_TABLES:
        theirs = [p for p in extra if table_of(p) == table]
        own = (
            sorted([*(records / table).glob("*.yaml"), *(records / table).glob("*.csv")])
            if records is not None
            else []
        )
        files += [(table, path) for path in [p for p in own if p not in theirs] + theirs]
    return files


def unknown_folders(data_dir: Path | None) -> list[Violation]:
    """A violation for each folder of ``records/`` that names no table."""
    if data_dir is None:
        return []
    folders = sorted(p for p in (data_dir / "records").glob("*") if p.is_dir())
    return [
        Violation(
            display_path(folder, data_dir),
            None,
            None,
            None,
            f"unknown table folder; expected one of: {', '.join(RECORD_TABLES)}",
            "unknown-table",
        )
        for folder in folders
        if folder.name not in RECORD_TABLES
    ]
