"""Check contribution files against the schemas and against the shipped corpus.

:func:`validate` is the build's own checking, run without writing anything: the
contribution files are read after the corpus they add to (the ``data/`` folder,
or the packaged tables when there is none), so a reused id is reported in the
contribution, and what validates is what builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usc_events.errors import DataInvalid, UsageProblem, UscEventsError, Violation


@dataclass
class Report:
    """The outcome of a validation: the files checked and every violation found."""

    files: list[str]
    violations: list[Violation] = field(default_factory=list)
    #: Rows per table of the corpus the contribution builds into, when it is valid.
    rows: dict[str, int] = field(default_factory=dict)
    #: What the contribution was checked against: a data folder or the packaged tables.
    against: str = ""

    @property
    def valid(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def summary(self) -> str:
        """One line: the outcome in figures."""
        checked = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''} checked"
        if self.valid:
            total = sum(self.rows.values())
            return f"OK: {checked} against {self.against}; no problems ({total} rows would build)."
        count = len(self.violations)
        files = len({v.file for v in self.violations})
        return (
            f"{count} problem{'s' if count != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''} ({checked} against {self.against}); "
            "nothing was written."
        )

    def as_json(self) -> dict[str, Any]:
        """The report as plain data, for bots."""
        return {
            "valid": self.valid,
            "against": self.against,
            "files": self.files,
            "problems": [
                {
                    "file": v.file,
                    "line": v.line,
                    "column": v.column,
                    "record": v.record,
                    "field": v.field,
                    "value": v.value,
                    "message": v.message,
                    "hint": v.hint,
                    "code": v.code,
                }
                for v in self.violations
            ],
            "rows": self.rows,
            "summary": self.summary(),
        }


def contribution_files(paths: Sequence[Path]) -> list[Path]:
    """The contribution files named by ``paths`` (files, or folders searched recursively).

    Raises
    ------
    UsageProblem
        For a path that does not exist, a file that is no contribution file, or a
        folder holding none.
    """
    from usc_events.build.layout import table_of

    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageProblem(f"{path}: no such file or folder")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and table_of(p))
            if not inside:
                raise UsageProblem(
                    f"{path}: holds no contribution file (records/<table>/*.yaml or *.csv, "
                    "sources/*.yaml)"
                )
            found.extend(inside)
        elif table_of(path) is None:
            raise UsageProblem(
                f"{path}: cannot tell what this file contributes; record files go in "
                "records/<table>/ (.yaml or .csv), a document's metadata in sources/ (.yaml)"
            )
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


def validate(paths: Sequence[Path], data_dir: Path) -> Report:
    """Check ``paths`` (or, when empty, the whole of ``data_dir``) without writing anything.

    With a ``data_dir`` folder, the contribution is checked together with it;
    without one, together with the packaged tables.

    Raises
    ------
    UsageProblem
        When there is nothing to check or it cannot be read.
    """
    from usc_events.build.builder import build, build_onto
    from usc_events.build.layout import table_of

    if not paths and not data_dir.is_dir():
        raise UsageProblem(
            f"{data_dir}: no data folder here; run in the repository, or give --data or PATHS"
        )
    files = contribution_files(paths) if paths else []
    packaged: tuple[dict[str, Any], str] | None = None
    if data_dir.is_dir():
        shown = files or sorted(p for p in data_dir.rglob("*") if p.is_file() and table_of(p))
        report = Report([_shown(p) for p in shown], against=f"{data_dir.as_posix()}/")
    else:
        packaged = _packaged()
        report = Report([_shown(p) for p in files], against="the packaged tables")
    try:
        corpus = build(data_dir, files) if packaged is None else build_onto(*packaged, files)
    except DataInvalid as error:
        report.violations = error.violations
        if any(v.code == "unreadable" for v in error.violations):
            unreadable = [str(v) for v in error.violations if v.code == "unreadable"]
            raise UsageProblem("; ".join(unreadable)) from None
        return report
    report.rows = {table: data.num_rows for table, data in corpus.tables.items()}
    return report


def _shown(path: Path) -> str:
    resolved = path.resolve()
    cwd = Path.cwd().resolve()
    return resolved.relative_to(cwd).as_posix() if resolved.is_relative_to(cwd) else str(path)


def _packaged() -> tuple[dict[str, Any], str]:
    from usc_events.releases.versions import load, manifest
    from usc_events.schema.names import TABLE_NAMES

    try:
        tables: dict[str, Any] = {t: load(t, backend="arrow") for t in TABLE_NAMES}
        return tables, str(manifest()["dataset_version"])
    except UscEventsError as error:
        raise UsageProblem(
            f"no data folder, and the packaged tables cannot be read ({error})"
        ) from None
