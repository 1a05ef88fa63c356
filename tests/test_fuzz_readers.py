"""Random YAML and CSV thrown at the readers and the validator: only the project's errors.

Each example is written to a contribution file and read by ``read_yaml``/``read_csv``,
by ``records.parse`` (the contribution model) and by ``validate`` against a small
corpus. Whatever the text, the outcome is data, violations or a
:class:`~usc_events.errors.UscEventsError`; any other exception fails the test. The budget
is fixed (a set number of examples, no deadline per example) so that CI time is bounded.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FILES, write_corpus
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from usc_events.build.collect import Collector
from usc_events.build.csv_reader import read_csv
from usc_events.build.records import parse
from usc_events.build.yaml_reader import read_yaml
from usc_events.contrib.validate import validate
from usc_events.errors import UscEventsError

BUDGET = settings(max_examples=150, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Pieces of YAML that reach the readers' corners: tags, anchors, merges, flow, BOM, depth.
YAML_TOKENS = [
    "- ", ": ", "\n", "  ", "\t", "#", "# yaml-language-server: $schema=x\n", "\ufeff",
    "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "<<: ", "!!int ", "!!bool ", "!!float ",
    "!!timestamp ", "!!null ", "!!str ", "!!python/object:os.system ", "!x ", "? ", "|\n",
    ">\n", "---\n", "...\n", '""', "~", "null", "true", "0x1F", "1e400", "2025-13-45",
    "2025-03-03", "topic_id", "label", "description", "evidence", "document_id", "quote",
    "doc-a", "tariffs", "\x00", "\x85", "\u2028", "é", "%YAML 1.1\n", "%TAG ! x\n",
]
CSV_TOKENS = [",", '"', "\n", "\r\n", "\r", " ", "\ufeff", "topic_id", "label", "description",
              "tariffs", "a;b", "[]", "=1+1", "\x00", "é", "null", ""]


def _data() -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                        st.text(max_size=20), st.dates())
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["topic_id", "label", "description", "evidence",
                                           "document_id", "quote", "x"]) | st.text(max_size=5),
                          inner, max_size=5),
        max_leaves=25,
    )


TAGS = ["", "!!int ", "!!bool ", "!!float ", "!!timestamp ", "!!null ", "!!str ", "!!seq ",
        "!!map ", "!!binary ", "!!set ", "!x ", "&a ", "*a "]
SCALARS = ['""', "''", "", "~", "x", "1", "-0", "yes", "2025-03-03", "2025-02-30", "[]", "{}",
           "1e999", ".nan", "0o8", "-", "'unterminated", "[" * 80 + "]" * 80]


def _records() -> st.SearchStrategy[str]:
    """Record files one step from valid: a field given a tagged or odd scalar, nesting."""
    field = st.tuples(st.sampled_from(["topic_id", "label", "description", "evidence", "x"]),
                      st.sampled_from(TAGS), st.sampled_from(SCALARS))
    record = st.lists(field, min_size=1, max_size=4).map(
        lambda fields: "- " + "\n  ".join(f"{k}: {t}{v}" for k, t, v in fields))
    return st.tuples(st.sampled_from(["", "\ufeff", "# yaml-language-server: $schema=x\n"]),
                     st.lists(record, max_size=4)).map(lambda t: t[0] + "\n".join(t[1]) + "\n")


def _yaml_texts() -> st.SearchStrategy[str]:
    dumped = _data().map(lambda v: yaml.safe_dump(v, allow_unicode=True))
    tokens = st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=4), max_size=60).map("".join)
    mutated = st.tuples(dumped, tokens, st.integers(0, 400)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2]:])
    return st.one_of(_records(), dumped, tokens, mutated, st.text(max_size=200))


def _csv_texts() -> st.SearchStrategy[str]:
    header = st.lists(st.sampled_from(["topic_id", "label", "description", "x", ""]),
                      max_size=5).map(",".join)
    body = st.lists(st.sampled_from(CSV_TOKENS) | st.text(max_size=4), max_size=80).map("".join)
    return st.one_of(st.tuples(header, body).map("\n".join), body, st.text(max_size=200))


@pytest.fixture(scope="module")
def corpus() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp())
    try:
        yield write_corpus(root, {"records/topics/test.yaml": FILES["records/topics/test.yaml"]})
    finally:
        shutil.rmtree(root)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / "contrib" / "records" / "topics" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    return path


def _outcomes(path: Path, data: Path) -> None:
    reader = read_csv if path.suffix == ".csv" else None
    try:
        if reader is None:
            read_yaml(path, path.name)
        else:
            read_csv(path, path.name, "topics")
    except UscEventsError:
        pass
    parse(path, path.name, "topics", Collector())
    try:
        report = validate([path], data)
    except UscEventsError:
        return
    for violation in report.violations:
        assert violation.file and violation.message and violation.code


@BUDGET
@given(text=_yaml_texts())
@example(text="# yaml-language-server: $schema=../../schemas/topics.json\n")
@example(text="\ufeff")
@example(text='- topic_id: x\n  label: !!int ""\n')
@example(text='- topic_id: x\n  label: !!bool ""\n')
@example(text='- topic_id: x\n  label: !!timestamp ""\n')
@example(text="".join("  " * i + "-\n" for i in range(600)))
def test_random_yaml_gives_only_the_projects_errors(corpus: Path, text: str) -> None:
    _outcomes(_write(corpus.parent, "fuzz.yaml", text), corpus)


@BUDGET
@given(text=_csv_texts())
def test_random_csv_gives_only_the_projects_errors(corpus: Path, text: str) -> None:
    _outcomes(_write(corpus.parent, "fuzz.csv", text), corpus)
