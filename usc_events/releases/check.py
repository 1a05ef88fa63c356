"""A downloaded data version is checked on first use as a build checks its tables.

Hashes only prove that the files are the ones the server published; a server may publish
anything. So before a downloaded version is used, its tables go through what
``usc-events build`` checks: the manifest (plain file names, versions, every table listed),
each table's Arrow schema (no column the schema lacks; types), and every rule of
:mod:`usc_events.build.rules` (patterns, vocabularies, unique ids, foreign keys, evidence
spans…). The result is recorded in the version folder (:data:`CHECKED`, keyed by the
sha256 of ``release.json`` and the package version), so the check runs once per download;
a version that fails is refused every time with the same message, naming the version, the
table and the finding.

A version of the same schema major version but an earlier minor one may lack the
nullable columns added since; one of a later minor version may have columns this package
does not know. Either is accepted; another major version is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events._files import sha256_of, write_atomically
from usc_events.errors import TableCorrupt, VersionRejected
from usc_events.releases.cache import CHECKED, read_json
from usc_events.releases.make import RELEASE_MANIFEST
from usc_events.schema.names import TABLE_NAMES, version_key

if TYPE_CHECKING:
    import pyarrow as pa

def _key(folder: Path) -> dict[str, str]:
    from usc_events._version import __version__

    return {"release_sha256": sha256_of(folder / RELEASE_MANIFEST), "checked_by": __version__}


def checked(folder: Path, version: str) -> Path:
    """``folder`` once the tables of data version ``version`` in it pass a build's checks.

    Raises
    ------
    VersionRejected
        When they do not: the message names the version and the first finding (its table,
        row, field and code) and how many there are.
    """
    key = _key(folder)
    record = read_json(folder / CHECKED)
    if isinstance(record, dict) and all(record.get(k) == v for k, v in key.items()) \
            and isinstance(record.get("problems"), list):
        problems = [str(p) for p in record["problems"]]
    else:
        problems = problems_of(folder, version)
        write_atomically(folder / CHECKED, json.dumps({**key, "problems": problems},
                                                      indent=2) + "\n")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise VersionRejected(f"data version {version} is not used: it fails the checks of a "
                              f"build: {problems[0]}{more}")
    return folder


def problems_of(folder: Path, version: str) -> list[str]:
    """Every problem of the tables in ``folder`` that a build would not let through."""
    from usc_events.build.rules import check_corpus
    from usc_events.schema.models import SCHEMA_VERSION
    from usc_events.store.manifest import MANIFEST, read_manifest

    try:
        manifest = read_manifest(folder, f"data version {version}")
    except TableCorrupt as error:
        return [str(error)]
    theirs, ours = version_key(manifest["schema_version"]), version_key(SCHEMA_VERSION)
    if theirs[0] != ours[0]:
        return [f"{MANIFEST}: schema_version is {manifest['schema_version']}, but this "
                f"usc-events reads schema {SCHEMA_VERSION}: use a usc-events release that "
                f"reads schema {theirs[0]}.x"]
    problems = []
    if manifest["dataset_version"] != version:
        problems.append(f"{MANIFEST}: dataset_version is {manifest['dataset_version']}, "
                        f"expected {version}")
    released = read_json(folder / RELEASE_MANIFEST) or {}
    tables = _read_tables(folder, manifest, released.get("files", {}), problems)
    complete = {}
    for table, data in tables.items():
        shaped = _shape(table, data, theirs[1] - ours[1], problems)
        if shaped is not None:
            complete[table] = shaped
    problems.extend(f"{finding.table}: row {finding.row + 1}, {finding.field}: "
                    f"{finding.message} [{finding.code}]" for finding in check_corpus(complete))
    return problems


def _shape(table: str, data: pa.Table, minor: int, problems: list[str]) -> pa.Table | None:
    """``data`` with its columns as the schema has them, for the rules; None if it cannot be.

    ``minor`` is the release's schema minor version less this package's: below 0, the
    nullable columns added since may be absent (they are added, null, for the check); above
    0, columns added since may be present.
    """
    import pyarrow as pa

    from usc_events.schema.columns import arrow_type, columns

    known = {column.name: column for column in columns(table)}
    unknown = [name for name in data.column_names if name not in known]
    if unknown and minor <= 0:
        problems.append(f"{table}: column(s) {', '.join(map(repr, unknown))} are not in the "
                        "table's definition [extra-column]")
    missing = [column for column in known.values() if column.name not in data.column_names]
    if any(minor >= 0 or not column.nullable for column in missing):
        names = ", ".join(repr(column.name) for column in missing)
        problems.append(f"{table}: column(s) {names} of the table's definition are missing "
                        "[missing-column]")
        return None
    for column in missing:
        data = data.append_column(column.name, pa.nulls(data.num_rows, arrow_type(column)))
    return data


def _read_tables(folder: Path, manifest: dict[str, Any], released: Any,
                 problems: list[str]) -> dict[str, pa.Table]:
    """The tables that can be read, verified; the problems of the others."""
    import pyarrow as pa

    from usc_events.store.manifest import MANIFEST, verified_table

    tables: dict[str, pa.Table] = {}
    for table in TABLE_NAMES:
        entry = manifest["tables"].get(table)
        if entry is None:
            problems.append(f"{MANIFEST}: lists no table {table}")
            continue
        if entry["file"] not in released:
            problems.append(f"{table}: {entry['file']} is not listed in {RELEASE_MANIFEST}, "
                            "so its download was not verified")
            continue
        try:
            data = verified_table(folder, manifest, table)
        except TableCorrupt as error:
            problems.append(f"{table}: {error}")
            continue
        except (pa.ArrowException, OSError) as error:
            problems.append(f"{table}: {entry['file']} is not a readable Parquet file ({error})")
            continue
        tables[table] = data
    return tables


__all__ = ["CHECKED", "checked", "problems_of"]
