"""The YAML reader over libyaml's events gives what composing the nodes gave.

``read_yaml`` reads libyaml's event stream without building a node per value;
``plain_yaml.read_yaml_nodes`` is the reader as it was (the composer's nodes, read in
Python). On random token soups reaching every corner (tags, anchors, aliases, merges,
flow, depth) and on generated valid records, both give the same data, lines,
columns and problems, or the same error.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from plain_yaml import read_yaml_nodes
from test_fuzz_readers import YAML_TOKENS

from usc_events.build.yaml_reader import read_yaml
from usc_events.errors import DataInvalid

BUDGET = settings(max_examples=400, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

EXTRA_TOKENS = ["&b ", "*b", "&a [x]", "*a ", "- &a x\n- *a\n", "a: &s t\nb: *s\n",
                "? ", "? [a]\n: 1\n", "! ", "!!str &a ", "a: 1\n", "b: [1, 2]\n", "- x\n"]


def _outcome(reader: Any, path: Path) -> Any:
    try:
        data = reader(path, "f.yaml")
    except DataInvalid as error:
        return ("error", [str(v) for v in error.violations])
    except RecursionError:  # the composer's own limit; the event reader has none
        return ("recursion",)
    return ("data", _comparable(data.value), dict(data.lines), dict(data.lines.columns),
            data.problems)


def _comparable(value: Any) -> Any:
    """NaN equal to itself, so that values compare."""
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    return value


def _same(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    fast, plain = _outcome(read_yaml, path), _outcome(read_yaml_nodes, path)
    if plain == ("recursion",):
        return
    assert fast == plain, text


@BUDGET
@given(st.lists(st.sampled_from(YAML_TOKENS + EXTRA_TOKENS), max_size=30).map("".join))
@example("- topic_id: x\n  label: &a Tariffs\n  note: *a\n")
@example("- &k key: 1\n  *k : 2\n")
@example("a: &x 1\nb: &x 2\n")
@example("a: *y\n")
@example("a: 1\n---\nb: 2\n")
@example("- &a [1, 2]\n- *a\n- *a\n")
@example("? &a [k]\n: 1\nb: *a\n")
@example("<<: {a: 1}\nb: 2\n")
@example("a:\n  b: !!int x\n  c: !!bool ''\n  d: !!timestamp 2025-13-45\n")
@example("".join("  " * i + "-\n" for i in range(70)))
@example("- a: " + "[" * 70 + "]" * 70 + "\n")
def test_token_soup_reads_the_same(tmp_path: Path, text: str) -> None:
    _same(tmp_path, text)


_KEYS = st.sampled_from(["topic_id", "label", "description", "evidence", "quote", "x", "y"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=15),
                     st.dates(min_value=dt.date(1900, 1, 1)),
                     st.floats(allow_nan=False, allow_infinity=False))
_DATA = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=20)


@BUDGET
@given(_DATA, st.booleans())
def test_plain_data_reads_the_same(tmp_path: Path, data: Any, flow: bool) -> None:
    import yaml

    _same(tmp_path, yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True))


def test_generated_records_read_the_same(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    folder = tmp_path / "data"
    generate.write_yaml(generate.corpus(200), folder)
    files = sorted((folder / "records").rglob("*.yaml")) + sorted(
        (folder / "sources").glob("*.yaml"))
    assert len(files) > 5
    for path in files:
        fast, plain = _outcome(read_yaml, path), _outcome(read_yaml_nodes, path)
        assert fast[0] == "data"
        assert fast == plain
