"""Terminal output for people: it fits the terminal, never breaks an id, drops nothing silently.

The commands run as a person runs them (a real process with ``COLUMNS`` set); the ids
each output must show are taken from the corpus through the Python API.
"""

from __future__ import annotations

import importlib
import itertools
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import pytest
import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

import usc_events
import usc_events.errors
from usc_events.cli.panels import PANELS, in_panel_order
from usc_events.cli.render import dates
from usc_events.query.corpus import Corpus
from usc_events.schema.models import TABLE_MODELS

WIDTHS = (80, 120)


def _cli(*args: str, columns: int = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb",
           "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args], capture_output=True,
                          encoding="utf-8", check=False, env=env)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return usc_events.open(backend="arrow")


@pytest.fixture(scope="module")
def all_ids(corpus: Corpus) -> set[str]:
    """Every primary key of every table: the ids an output may print."""
    return {str(value) for name, model in TABLE_MODELS.items()
            for value in corpus.tables[name].column(model.primary_key).to_pylist()}


# --- the checks ------------------------------------------------------------------------

_BOX = re.compile(r"[│┃┆┊|]")
_EDGE = "\"'“”‘’()[],;:.…·"


def _cells(line: str) -> list[str]:
    """A line split into the cells of a drawn table (a line without borders is one cell)."""
    return [cell.strip() for cell in _BOX.split(line)]


def broken_ids(text: str, ids: Iterable[str]) -> list[str]:
    """The ids that ``text`` splits across lines: a piece ends one line, the rest begins the next.

    Lines are compared cell by cell where they are rows of a drawn table (so an id
    folded inside a narrow column is found), else whole.
    """
    lines = text.splitlines()
    found = []
    for upper, lower in itertools.pairwise(lines):
        above, below = _cells(upper), _cells(lower)
        pairs = zip(above, below, strict=True) if len(above) == len(below) else [
            (upper.strip(), lower.strip())]
        for left, right in pairs:
            if not left or not right:
                continue
            tail = left.split()[-1].lstrip(_EDGE)
            head = right.split()[0].rstrip(_EDGE)
            for record_id in ids:
                cut = len(tail)
                if 0 < cut < len(record_id) and record_id.startswith(tail) and (
                        record_id[cut:].startswith(head) or head.startswith(record_id[cut:])):
                    found.append(f"{record_id}: {tail!r} | {head!r}")
    return found


def whole(record_id: str, text: str) -> bool:
    """Whether ``record_id`` stands whole on some line of ``text``."""
    return re.search(rf"(?<![\w-]){re.escape(record_id)}(?![\w-])", text) is not None


def _check(text: str, columns: int, expected: Iterable[str], ids: set[str]) -> None:
    too_wide = [line for line in text.splitlines() if cell_len(line) > columns]
    assert too_wide == [], too_wide
    assert broken_ids(text, ids) == []
    missing = [i for i in expected if not whole(i, text)]
    assert missing == []


def test_the_checks_find_an_id_folded_in_a_narrow_table() -> None:
    console = Console(width=40, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    table = Table()  # as the command line drew its tables before
    for column in ("dates", "kind", "id", "title"):
        table.add_column(column, overflow="fold")
    table.add_row("1971-07-09", "meeting", "kissinger-beijing-visit-1971", "Henry Kissinger visits")
    console.print(table)
    drawn = console.export_text()
    ids = {"kissinger-beijing-visit-1971"}
    assert broken_ids(drawn, ids) and not whole("kissinger-beijing-visit-1971", drawn)
    assert broken_ids("see kissinger-\nbeijing-visit-1971", ids)
    assert broken_ids("  kissinger-beijing-visit-1971\n  Henry Kissinger", ids) == []
    assert broken_ids("prose that ends in kissing\nthe next line", ids) == []


# --- every explore command at 80 and 120 columns ---------------------------------------


def _shown_by_show(corpus: Corpus, record: str) -> set[str]:
    found = corpus.record(record)
    ids = {found.record_id}
    for data in corpus.related(found).values():
        ids.update(map(str, data.column(0).to_pylist()))
    ids.update(corpus.evidence(record).column("document_id").to_pylist())
    ids.update(corpus.citations(record).column("reference_id").to_pylist())
    return ids


CASES = {
    "show a person": ["show", "han-zheng"],
    "show a meeting": ["show", "han-vance-meeting"],
    "show a discrepancy": ["show", "han-cooperation-wording"],
    "show a statement": ["show", "han-extensive-common-interests"],
    "search": ["search", "tiktok ban"],
    "timeline": ["timeline"],
    "timeline --long": ["timeline", "--long"],
    "info": ["info"],
}


def _expected(corpus: Corpus, args: list[str]) -> set[str]:
    if args[0] == "show":
        return _shown_by_show(corpus, args[1])
    if args[0] == "search":
        return set(corpus.search(args[1]).column("record_id").to_pylist())
    if args[0] == "timeline":
        return set(corpus.timeline().column("record_id").to_pylist())
    return set(corpus.tables["documents"].column("document_id").to_pylist())


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("case", list(CASES))
def test_output_fits_the_width_and_keeps_every_id_whole(case: str, columns: int,
                                                        corpus: Corpus,
                                                        all_ids: set[str]) -> None:
    args = CASES[case]
    result = _cli(*args, columns=columns)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    expected = _expected(corpus, args)
    assert expected
    _check(result.stdout, columns, expected, all_ids)
    for file_name in corpus.tables["documents"].column("file_name").to_pylist():
        assert file_name not in result.stdout  # documents go by their ids and outlets


def test_show_is_a_field_list_and_related_records_a_list() -> None:
    lines = _cli("show", "han-zheng", columns=80).stdout.splitlines()
    assert lines[0] == "actors: han-zheng"
    assert re.fullmatch(r"  actor_id +han-zheng", lines[1])
    assert "  han-vance-meeting" in lines  # a related meeting's id on its own line
    assert "  azernews-han-musk (Azernews)" in lines  # evidence by document id and outlet
    assert len(lines) < 120


def test_long_fields_are_shortened_with_a_marker_and_full_prints_them_whole(
        corpus: Corpus) -> None:
    note = corpus.record("han-vance-meeting").row["note"]
    assert len(note) > 500
    short = _cli("show", "han-vance-meeting", columns=80).stdout
    full = _cli("show", "han-vance-meeting", "--full", columns=80).stdout
    assert "… (use --full)" in short and "… (use --full)" not in full

    def joined(text: str) -> str:
        return " ".join(" ".join(text.split()).split(" "))

    assert " ".join(note.split()) in joined(full)
    assert " ".join(note.split()) not in joined(short)


def test_timeline_prints_one_line_per_record_where_there_is_room(corpus: Corpus) -> None:
    result = _cli("timeline", "--actor", "Han Zheng", "--kind", "meeting", columns=120)
    events = corpus.timeline(actor="Han Zheng", kinds=["meeting"]).to_pylist()
    lines = result.stdout.splitlines()
    assert lines[0] == f"Timeline involving Han Zheng of kind meeting: {len(events)} records"
    assert len(lines) == 1 + len(events)
    for line, event in zip(lines[1:], events, strict=True):
        when = dates(event["date_earliest"], event["date_latest"])
        assert re.match(rf"  {when} +meeting +{event['record_id']} +\S", line), line


def test_limit_caps_a_listing_and_says_how_many_are_left(corpus: Corpus) -> None:
    total = corpus.timeline().num_rows
    lines = _cli("timeline", "--limit", "3", columns=120).stdout.splitlines()
    assert len(lines) == 1 + 3 + 1
    assert lines[-1] == f"… and {total - 3} more records (raise --limit to see them)"
    hits = corpus.search("tiktok").num_rows
    search = _cli("search", "tiktok", "--limit", "1", columns=120).stdout.splitlines()
    assert search[-1] == f"… and {hits - 1} more matches (raise --limit to see them)"
    info = _cli("info", "--limit", "2", columns=120).stdout.splitlines()
    assert info[-1] == "… and 3 more documents (raise --limit to see them)"


# --- nothing dropped in silence ----------------------------------------------------------


def _undated_ids(corpus: Corpus, actor: str, table: str) -> list[str]:
    rows = corpus.tables[table].to_pylist()
    key = TABLE_MODELS[table].primary_key
    return sorted(r[key] for r in rows if r["actor_id"] == actor
                  and r["date_earliest"] is None and r["date_latest"] is None)


def test_the_timeline_lists_undated_records_in_their_own_section(corpus: Corpus) -> None:
    undated = _undated_ids(corpus, "elon-musk", "positions")
    assert undated  # Musk holds positions no source dates: they were left out before
    result = _cli("timeline", "--actor", "Musk", "--kind", "position", columns=80)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    total = corpus.timeline(actor="Musk", kinds=["position"]).num_rows
    assert lines[0] == (f"Timeline involving Musk of kind position: {total} records "
                        f"({total - len(undated)} dated, {len(undated)} undated)")
    section = lines.index(f"Undated ({len(undated)})")
    below = "\n".join(lines[section:])
    assert all(whole(i, below) for i in undated)
    assert not any(whole(i, "\n".join(lines[:section])) for i in undated)


def test_a_date_window_says_how_many_undated_records_it_cannot_hold(corpus: Corpus) -> None:
    undated = _undated_ids(corpus, "elon-musk", "positions")
    result = _cli("timeline", "--actor", "Musk", "--kind", "position", "--from", "2025",
                  columns=120)
    assert result.stdout.splitlines()[-1] == (
        f"{len(undated)} undated records matching the other filters are in no date window: "
        "leave out --from/--to to list them.")


def test_python_timeline_puts_the_undated_last_and_a_window_leaves_them_out(
        corpus: Corpus) -> None:
    rows = corpus.timeline().to_pylist()
    undated = [r for r in rows if r["date_earliest"] is None and r["date_latest"] is None]
    expected = sum(1 for name in ("meetings", "statements", "positions")
                   for r in corpus.tables[name].to_pylist()
                   if r["date_earliest"] is None and r["date_latest"] is None)
    assert len(undated) == expected > 0
    assert len(rows) == sum(corpus.tables[n].num_rows for n in ("meetings", "statements",
                                                                "positions"))
    assert rows[-len(undated):] == undated  # after every dated record
    window = corpus.timeline(start="1900", end="2100").to_pylist()
    assert len(window) == len(rows) - len(undated)
    assert usc_events.open().timeline()["date_earliest"].isna().sum() >= len(undated)


def test_filters_that_leave_nothing_say_what_each_removed(corpus: Corpus) -> None:
    result = _cli("timeline", "--actor", "Musk", "--kind", "position", "--from", "2026")
    assert result.returncode == 1
    everything = corpus.timeline().num_rows
    musk = corpus.timeline(actor="Musk").num_rows
    positions = corpus.timeline(actor="Musk", kinds=["position"]).num_rows
    assert result.stderr == (
        f"nothing in the timeline matches: {everything} records in all; --actor Musk leaves "
        f"{musk}; --kind position leaves {positions}; --from 2026 leaves 0\n")
    assert result.stdout == ""
    network = _cli("plot", "network", "--out", "n.png", "--actor", "Musk", "--to", "1900")
    meetings = corpus.timeline(kinds=["meeting"]).num_rows
    with_musk = corpus.timeline(actor="Musk", kinds=["meeting"]).num_rows
    assert network.stderr == (f"no meeting matches: {meetings} meeting records in all; "
                              f"--actor Musk leaves {with_musk}; --to 1900 leaves 0\n")


# --- --help grouped by purpose -------------------------------------------------------------

GROUPS = {
    "Explore": ["info", "show", "search", "timeline", "sql", "plot", "export", "cite"],
    "Data versions": ["versions", "download", "diff", "cache"],
    "Contribute": ["validate", "new", "schema", "propose"],
    "Maintain": ["build", "release"],
}


def _panels(help_text: str) -> dict[str, list[str]]:
    """The sections of plain help (``Name:`` and its indented entries), each entry's name."""
    panels: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in help_text.splitlines():
        opened = re.fullmatch(r"(\w[\w ]*):", line)
        if opened:
            current = panels.setdefault(opened[1], [])
        elif not line.strip():
            current = None
        elif current is not None and re.match(r"  [-\w]", line):
            current.append(line.split()[0])
    return panels


def test_help_groups_the_commands_by_purpose() -> None:
    from usc_events.cli.app import app

    result = _cli("--help", columns=120)
    assert result.returncode == 0, result.stderr
    panels = _panels(result.stdout)
    registered = {c.name or c.callback.__name__ for c in app.registered_commands  # type: ignore[union-attr]
                  } | {g.name for g in app.registered_groups}
    expected = {group: [c for c in commands if c in registered]
                for group, commands in GROUPS.items()}
    assert list(panels) == ["Options", *PANELS]
    assert {name: sorted(commands) for name, commands in panels.items() if name != "Options"} \
        == {name: sorted(commands) for name, commands in expected.items()}
    assert panels["Explore"][0] == "info"


def test_a_command_without_a_panel_is_refused() -> None:
    app = typer.Typer()
    app.command(rich_help_panel=PANELS[0])(lambda: None)

    @app.command()
    def stray() -> None:
        """No panel."""

    with pytest.raises(ValueError, match="command 'stray' has no help panel"):
        in_panel_order(app)


def test_sql_keeps_a_column_of_ids_whole_where_the_width_allows(corpus: Corpus,
                                                                all_ids: set[str]) -> None:
    query = "select position_id, status from positions order by position_id"
    result = _cli("sql", query, columns=80)
    assert result.returncode == 0, result.stderr
    ids = corpus.tables["positions"].column("position_id").to_pylist()
    assert max(map(len, ids)) > 38  # more than half the width: a table of halves folds them
    _check(result.stdout, 80, ids, all_ids)


@pytest.mark.parametrize(("raised", "status", "said"), [
    (lambda: usc_events.errors.DataInvalid([usc_events.errors.Violation(
        "data/x.yaml", 3, "actors:a", "kind", "not a kind", "enum")]), 1, "1 problem found"),
    (lambda: usc_events.errors.ExportTargetExists("out.csv exists"), 2, "error: out.csv exists"),
    (lambda: ValueError("no such column"), 1, "error: no such column"),
])
def test_main_turns_expected_errors_into_a_message_and_a_status(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        raised: Any, status: int, said: str) -> None:
    cli_app = importlib.import_module("usc_events.cli.app")

    def failing() -> None:
        raise raised()

    monkeypatch.setattr(cli_app, "app", failing)
    with pytest.raises(SystemExit) as exited:
        cli_app.main()
    assert exited.value.code == status
    assert said in capsys.readouterr().err


def test_main_lets_an_unexpected_error_through(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_app = importlib.import_module("usc_events.cli.app")

    def failing() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_app, "app", failing)
    with pytest.raises(RuntimeError, match="a bug"):
        cli_app.main()
