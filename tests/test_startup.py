"""Everyday commands start light: no pandas behind them, and only the tables they show.

pyarrow imports pandas behind conversions of Python values; ``store.python_values``
gives the same results without them, and these tests hold it to pyarrow's own
conversions. Each command runs in a fresh process, which reports what it imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usc_events.query.corpus import open_corpus
from usc_events.store.load import read_bundled
from usc_events.store.python_values import python_rows, string_table, strings

ROOT = Path(__file__).resolve().parents[1]

_REPORT = """
import sys
sys.argv = ["usc-events", *sys.argv[1:]]
from usc_events.cli import main
try:
    main()
except SystemExit as end:
    code = end.code or 0
else:
    code = 0
print("EXIT", code, "PANDAS" if "pandas" in sys.modules else "NO-PANDAS", file=sys.stderr)
print("LOADED", *sorted(name for name in HEAVY if name in sys.modules), file=sys.stderr)
"""

#: Libraries that take a tenth of a second or more to import, each.
HEAVY = ("rich", "pyarrow", "pydantic", "numpy", "pandas", "duckdb", "yaml")


def _run(args: list[str]) -> tuple[str, set[str]]:
    """A fresh ``usc-events`` process's exit line, and which of :data:`HEAVY` it imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{_REPORT}", *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.stdout.strip(), done.stderr
    *_, exit_line, loaded = done.stderr.splitlines()
    return exit_line, set(loaded.split()[1:])


@pytest.mark.parametrize("args", [["info"], ["info", "--json"], ["show", "han-zheng"],
                                  ["show", "han-zheng", "--json"], ["search", "tariffs"],
                                  ["--help"]])
def test_everyday_commands_never_import_pandas(args: list[str]) -> None:
    exit_line, _ = _run(args)
    assert exit_line == "EXIT 0 NO-PANDAS"


# A command's own help runs typer's parsing of the app's options, which builds pydantic
# validators (typer 0.29 does); the app's help does not. info prints with rich what the
# manifest says.
@pytest.mark.parametrize(("args", "needed"), [(["--help"], set()),
                                              (["cache", "--help"], {"pydantic"}),
                                              (["show", "--help"], {"pydantic"}),
                                              (["info"], {"pydantic", "rich"}),
                                              (["info", "--json"], {"pydantic", "rich"})])
def test_help_and_info_import_only_what_they_need(args: list[str], needed: set[str]) -> None:
    exit_line, loaded = _run(args)
    assert exit_line == "EXIT 0 NO-PANDAS"
    assert loaded <= needed


def test_showing_a_record_of_a_given_table_reads_only_what_it_shows() -> None:
    corpus = open_corpus(backend="arrow")
    found = corpus.record("han-zheng", "actors")
    assert corpus.tables.read() == ["actors"]  # type: ignore[attr-defined]
    corpus.related(found)
    corpus.evidence("han-zheng", "actors")
    read = set(corpus.tables.read())  # type: ignore[attr-defined]
    assert {"passages", "references", "citations", "discrepancies", "roles"}.isdisjoint(read)


def test_a_lazy_corpus_answers_as_one_read_whole() -> None:
    from usc_events.query.corpus import Corpus
    from usc_events.schema.names import TABLE_NAMES

    whole = Corpus({t: read_bundled(t) for t in TABLE_NAMES}, version="x", backend="arrow")
    lazy = open_corpus(backend="arrow")
    for query in ("han-zheng", "tariffs"):
        assert lazy.search(query).equals(whole.search(query))
    assert lazy.evidence("han-zheng").equals(whole.evidence("han-zheng"))
    assert lazy.sql("select count(*) as n from evidence").equals(
        whole.sql("select count(*) as n from evidence"))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.none() | st.text(max_size=12), max_size=40))
def test_strings_are_the_array_pyarrow_makes(values: list[str | None]) -> None:
    made = strings(values)
    made.validate(full=True)
    assert made.equals(pa.array(values, pa.string()))
    assert string_table({"a": values}).equals(pa.table({"a": pa.array(values, pa.string())}))


@pytest.mark.parametrize("table", ["documents", "references", "meetings", "statements",
                                   "actors", "evidence"])
def test_rows_are_the_ones_pyarrow_gives(table: str) -> None:
    data = read_bundled(table)  # type: ignore[arg-type]
    ours, theirs = python_rows(data), data.to_pylist()
    assert ours == theirs
    for mine, its in zip(ours, theirs, strict=True):
        for name, value in mine.items():
            if hasattr(value, "tzinfo") and value.tzinfo is not None:
                assert value.utcoffset() == its[name].utcoffset()
                assert str(value.tzinfo) == str(its[name].tzinfo)
