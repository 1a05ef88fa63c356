"""Contributor input that used to crash or mislead the readers: each gives a located error.

Comment-only and BOM-only files, tagged empty scalars, deep nesting, ragged CSV at scale,
and locations after a rejected record (issue 17, items 4 to 6).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import FILES, write_corpus

from usc_events.build.builder import build
from usc_events.build.collect import Collector
from usc_events.build.records import parse
from usc_events.build.yaml_loader import MAX_DEPTH
from usc_events.build.yaml_reader import read_yaml
from usc_events.errors import DataInvalid

TOPICS = "records/topics/test.yaml"


def _violations(data: Path) -> list[str]:
    with pytest.raises(DataInvalid) as caught:
        build(data)
    return [str(v) for v in caught.value.violations]


def test_a_file_of_only_its_schema_comment_holds_no_records(tmp_path: Path) -> None:
    extra = "records/topics/new.yaml"
    data = write_corpus(tmp_path, {extra: "# yaml-language-server: $schema=../../x.json\n"})
    corpus = build(data)
    assert corpus.tables["topics"].num_rows == 1


def test_a_file_of_only_a_bom_is_empty(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, {TOPICS: "\ufeff"})
    assert _violations(data) == ["data/records/topics/test.yaml: file is empty [empty-file]"]


def test_a_bom_before_records_is_read(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, {TOPICS: "\ufeff" + FILES[TOPICS]})
    assert build(data).tables["topics"].num_rows == 1


@pytest.mark.parametrize(("tag", "kind"), [("int", "int"), ("bool", "bool"),
                                           ("timestamp", "timestamp"), ("float", "float")])
def test_tagged_empty_scalars_are_located(tmp_path: Path, tag: str, kind: str) -> None:
    text = f'- topic_id: tariffs\n  label: !!{tag} ""\n  description: Duties on imports.\n'
    data = write_corpus(tmp_path, {TOPICS: text})
    [message] = _violations(data)
    assert message.startswith("data/records/topics/test.yaml:2:10: topics:tariffs label: ")
    assert message.endswith("[yaml-value]")
    if kind in ("int", "bool", "timestamp"):
        assert f"'' is not a valid value: not a valid {kind}" in message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 1000, 3000])
def test_any_nesting_depth_gives_its_own_error(tmp_path: Path, depth: int) -> None:
    block = tmp_path / "block.yaml"
    block.write_text("".join("  " * i + "-\n" for i in range(depth)))
    flow = tmp_path / "flow.yaml"
    flow.write_text("- topic_id: x\n  label: " + "[" * depth + "]" * depth + "\n")
    for path in (block, flow):
        try:
            problems = [(p.code, p.message) for p in read_yaml(path, path.name).problems]
        except DataInvalid as error:  # libyaml's own limit, reported as such
            problems = [(v.code, v.message) for v in error.violations]
        assert len(problems) == 1
        code, message = problems[0]
        assert code in ("yaml-depth", "yaml-syntax")
        assert "nest" in message


def test_nesting_past_the_limit_is_located_at_the_deep_value(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join("  " * i + "-\n" for i in range(MAX_DEPTH + 3)))
    [problem] = read_yaml(path, "deep.yaml").problems
    assert (problem.code, problem.line, problem.column) == ("yaml-depth", MAX_DEPTH + 1,
                                                           2 * MAX_DEPTH + 1)
    assert problem.message == f"lists and mappings are nested more than {MAX_DEPTH} levels deep"


def test_locations_after_a_rejected_record_are_the_records_own(tmp_path: Path) -> None:
    topics = (
        "- topic_id: tariffs\n  label: Tariffs\n  description: Duties on imports.\n"
        "- topic_id: Bad Id\n  label: Broken\n  description: Fails the schema.\n"
        "- topic_id: chips\n  label: Chips\n  description: Export controls.\n"
        "  evidence:\n    - document_id: doc-a\n      quote: not in the text at all\n"
    )
    data = write_corpus(tmp_path, {TOPICS: topics})
    found = _violations(data)
    assert found[0].startswith("data/records/topics/test.yaml:4:13: topics:Bad Id topic_id:")
    assert found[1].startswith("data/records/topics/test.yaml:12:14: topics:chips "
                               "evidence.0.quote:")


def test_problems_of_a_file_are_matched_to_items_in_linear_time(tmp_path: Path) -> None:
    rows = 20_000
    path = tmp_path / "topics.yaml"
    path.write_text("".join(f"- topic_id: t{i}\n  label: !!int \"\"\n" for i in range(rows)))
    collector = Collector()
    start = time.perf_counter()
    assert parse(path, "topics.yaml", "topics", collector) == []
    elapsed = time.perf_counter() - start
    assert len(collector.violations) == rows
    assert collector.violations[-1].line == 2 * rows
    assert elapsed < 20  # quadratic matching took minutes at this size


@pytest.mark.parametrize("fmt", ["csv", "sqlite"])
def test_export_into_a_folder_that_cannot_be_written_is_one_line(tmp_path: Path,
                                                                 fmt: str) -> None:
    import os
    import subprocess
    import sys

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "usc_events.cli", "export", "--format", fmt,
         "--out", str(blocker / "out")],
        capture_output=True, text=True, check=False, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "cannot write the export" in line and "a-file" in line
