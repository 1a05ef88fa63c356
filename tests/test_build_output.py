"""What the build writes: reproducible files, an honest manifest, atomic replacement."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import edit, write_corpus

from usc_events.build.builder import build
from usc_events.store.parquet import compare, write


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "usc_events.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_two_builds_give_byte_identical_files(corpus_root: Path) -> None:
    first, second = corpus_root / "one", corpus_root / "two"
    write(build(corpus_root / "data"), first)
    write(build(corpus_root / "data"), second)
    assert _snapshot(first) == _snapshot(second)


def test_rows_gathered_in_many_batches_give_the_same_files(
        corpus_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus too large for one batch per table is written as one built in one batch."""
    from usc_events.build import arrow, collect

    whole, batched = corpus_root / "whole", corpus_root / "batched"
    write(build(corpus_root / "data"), whole)
    made: list[str] = []
    to_batch = arrow.to_batch
    monkeypatch.setattr(collect, "BATCH_ROWS", 2)
    monkeypatch.setattr(arrow, "to_batch", lambda table, rows: (
        made.append(table), to_batch(table, rows))[1])
    write(build(corpus_root / "data"), batched)
    assert len(made) > len(set(made)) > 1  # some tables came in several batches
    assert _snapshot(batched) == _snapshot(whole)


def test_manifest_records_versions_rows_and_hashes(corpus_root: Path) -> None:
    out = corpus_root / "out"
    corpus = build(corpus_root / "data")
    write(corpus, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["dataset_version"] == "0.1.0"
    assert manifest["schema_version"] == "2.1.0"
    assert set(manifest["tables"]) == set(corpus.tables)
    for entry in manifest["tables"].values():
        content = (out / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["rows"] == pq.read_metadata(out / entry["file"]).num_rows
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.parquet" for t in corpus.tables]
        + ["manifest.json", "datapackage.json", "croissant.json"]
    )


def test_tables_are_sorted_by_primary_key(corpus_root: Path) -> None:
    corpus = build(corpus_root / "data")
    ids = corpus.tables["evidence"].column("evidence_id").to_pylist()
    assert ids == sorted(ids)


def test_cli_build_writes_beside_the_data_folder(corpus_root: Path) -> None:
    result = _cli("build", cwd=corpus_root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Built 13 tables (24 rows), dataset 0.1.0."
    assert (corpus_root / "usc_events" / "data" / "manifest.json").is_file()


def test_a_failed_build_leaves_the_previous_tables_untouched(corpus_root: Path) -> None:
    assert _cli("build", cwd=corpus_root).returncode == 0
    out = corpus_root / "usc_events" / "data"
    before = _snapshot(out)
    write_corpus(
        corpus_root, edit("records/statements/test.yaml", "speaker_id: alpha", "speaker_id: gamma")
    )
    result = _cli("build", cwd=corpus_root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "data/records/statements/test.yaml:2:15: statements:alpha-frank speaker_id: 'gamma' is "
        "not the id of any record in actors [foreign-key]",
        "1 problem found; nothing was written.",
    ]
    assert _snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["data"]  # no staging folder left behind


def test_check_passes_on_fresh_tables_and_fails_on_stale_ones(corpus_root: Path) -> None:
    assert _cli("build", cwd=corpus_root).returncode == 0
    ok = _cli("build", "--check", cwd=corpus_root)
    assert ok.returncode == 0, ok.stderr
    assert "match a fresh build" in ok.stdout
    write_corpus(corpus_root, edit("records/topics/test.yaml", "label: Tariffs", "label: Duties"))
    stale = _cli("build", "--check", cwd=corpus_root)
    assert stale.returncode == 1
    assert stale.stderr.splitlines() == [
        "differs topics: 1 record(s) changed, e.g. 'tariffs'",
        "1 table(s) differ from a fresh build of data; run 'usc-events build' and commit the "
        "result.",
    ]


def test_compare_names_added_and_missing_tables(corpus_root: Path) -> None:
    out = corpus_root / "out"
    write(build(corpus_root / "data"), out)
    (out / "roles.parquet").unlink()
    write_corpus(corpus_root, {"dataset.yaml": "version: 0.2.0\n"})
    assert compare(build(corpus_root / "data"), out) == [
        "manifest.json: dataset_version is '0.1.0', a fresh build gives '0.2.0'",
        "roles: roles.parquet is missing",
    ]


def test_the_manifest_lists_the_documents_as_the_table_holds_them(corpus_root: Path) -> None:
    from usc_events.store.manifest import DOCUMENT_LISTING, listed_documents
    from usc_events.store.python_values import python_rows

    out = corpus_root / "out"
    manifest = write(build(corpus_root / "data"), out)
    table = python_rows(pq.ParquetFile(out / "documents.parquet").read().select(
        list(DOCUMENT_LISTING)))
    assert listed_documents(manifest, "out/") == table
    assert listed_documents(json.loads((out / "manifest.json").read_text()), "out/") == table
    assert [list(d) for d in listed_documents(manifest, "out/")] == [list(DOCUMENT_LISTING)] * len(
        table)


def test_a_stale_listing_of_the_documents_is_a_difference(corpus_root: Path) -> None:
    out = corpus_root / "out"
    write(build(corpus_root / "data"), out)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["documents"][0]["outlet"] = "Elsewhere"
    path.write_text(json.dumps(manifest))
    assert compare(build(corpus_root / "data"), out) == [
        "manifest.json: the documents it lists differ from a fresh build"]
