"""The analysts' commands of ``usc-events``: show, search, timeline, sql, export, plot.

:func:`register` adds them to the typer app of :mod:`usc_events.cli.app`. Tables are
rendered with rich; ``--json`` prints machine-readable JSON instead. Errors are one
line on standard error: exit 1 when nothing is found or a value is invalid (an
unknown actor, a malformed date, an unknown table), exit 2 for a usage error (an
unknown format or plot kind).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from usc_events.cli.console import failure, out, plain, usage

if TYPE_CHECKING:
    import pyarrow as pa

    from usc_events.query.corpus import Corpus


JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
FromOption = Annotated[str | None, typer.Option(
    "--from", help="Start of the date window: YYYY-MM-DD, YYYY-MM or YYYY.")]
ToOption = Annotated[str | None, typer.Option(
    "--to", help="End of the date window (a month or year means its last day).")]
ActorOption = Annotated[list[str] | None, typer.Option(
    "--actor", help="Keep records involving this actor (id, name or alias); repeatable.")]
WithinOption = Annotated[bool, typer.Option(
    "--within", help="Keep only records whose whole date interval lies in the window "
                     "(default: any that may fall in it).")]

#: Longest text shown in one cell of a terminal table (JSON output is never cut).
CELL = 240


def _corpus() -> Corpus[pa.Table]:
    import usc_events.query.corpus

    return usc_events.query.corpus.open_corpus(backend="arrow")




def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=_plain))


def _cut(value: Any, width: int = CELL) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(plain(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def dates(earliest: dt.date | None, latest: dt.date | None) -> str:
    """A date interval as text: one day, ``a – b``, or ``undated``."""
    if earliest is None:
        return "undated"
    return earliest.isoformat() if earliest == latest else f"{earliest} – {latest}"


#: Columns kept on one line (ids and dates), so they can be read and copied whole.
ONE_LINE = frozenset({"dates", "table", "field", "kind", "basis", "stance", "status"})


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ONE_LINE)
    for row in rows:
        table.add_row(*(cell if isinstance(cell, Text) else Text(_cut(cell)) for cell in row))
    return table


# --- show --------------------------------------------------------------------------------


def show(
    id_or_name: Annotated[str, typer.Argument(help="A record id (any table) or an actor's name.")],
    table: Annotated[str | None, typer.Option(
        "--table", help="The record's table, when its id exists in several.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show one record, what it connects to, and the evidence behind it."""
    corpus = _corpus()
    found = corpus.record(id_or_name, table)
    related = corpus.related(found)
    evidence = corpus.evidence(found.record_id, found.table)
    if as_json:
        _print_json({"table": found.table, "record": found.row,
                     "related": {k: v.to_pylist() for k, v in related.items()},
                     "evidence": evidence.to_pylist()})
        return
    fields = _table(f"{found.table}: {found.record_id}", ["field", "value"],
                    [[name, value] for name, value in found.row.items()])
    out.print(fields)
    for name, data in related.items():
        if data.num_rows:
            out.print(_related_table(name, data))
    out.print(_evidence_table(evidence))


def _related_table(name: str, data: pa.Table) -> Table:
    rows = data.to_pylist()
    if name == "meetings":
        return _table("Meetings", ["meeting", "dates", "title", "participants"],
                      [[r["meeting_id"], dates(r["date_earliest"], r["date_latest"]), r["title"],
                        r["participant_names"]] for r in rows])
    if name == "statements":
        return _table("Statements", ["statement", "speaker", "kind", "dates", "text", "to whom"],
                      [[r["statement_id"], r["speaker_name"], r["kind"],
                        dates(r["date_earliest"], r["date_latest"]), r["text"], r["audience"]]
                       for r in rows])
    if name == "positions":
        return _table("Positions", ["position", "actor", "topic", "stance", "status", "summary"],
                      [[r["position_id"], r["actor_name"], r["topic_label"], r["stance"],
                        r["status"], r["summary"]] for r in rows])
    columns = data.column_names
    return _table(name.replace("_", " ").capitalize(), columns,
                  [[r[c] for c in columns] for r in rows])


def _evidence_table(evidence: pa.Table) -> Table:
    rows = []
    for r in evidence.to_pylist():
        sentence = Text(_cut(r["sentence"], 600))
        at = sentence.plain.find(" ".join(r["quote"].split()))
        if at >= 0:
            sentence.stylize("bold", at, at + len(" ".join(r["quote"].split())))
        source = r["file_name"] + (f" ({r['outlet']})" if r["outlet"] else "")
        rows.append([source, sentence, r["attribution"] or "—"])
    title = f"Evidence ({len(rows)} span{'s' if len(rows) != 1 else ''}; the quote in bold)"
    return _table(title, ["document", "sentence", "credited to"], rows)


# --- search ------------------------------------------------------------------------------


def search(
    text: Annotated[str, typer.Argument(help="Words to look for (case and accents aside).")],
    as_json: JsonOption = False,
) -> None:
    """Search statements, summaries, names and labels."""
    from usc_events.matching import fold

    hits = _corpus().search(text)
    if hits.num_rows == 0:
        raise failure(f"nothing matches {text!r}")
    if as_json:
        _print_json(hits.to_pylist())
        return
    wanted = fold(text).strip()
    rows = []
    for r in hits.to_pylist():
        cell = Text(_cut(r["text"]))
        at = fold(cell.plain).find(wanted)
        if at >= 0:
            cell.stylize("bold", at, at + len(wanted))
        rows.append([r["table"], r["record_id"], r["field"], cell])
    out.print(_table(f"{hits.num_rows} match{'es' if hits.num_rows != 1 else ''} "
                     f"for {text!r}", ["table", "id", "field", "text"], rows))


# --- timeline ----------------------------------------------------------------------------


def timeline(
    start: FromOption = None,
    end: ToOption = None,
    actor: ActorOption = None,
    within: WithinOption = False,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="meeting, statement or position; repeatable [default: all three].")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Meetings, statements and positions in date order, intervals kept as intervals."""
    kinds = kind or ["meeting", "statement", "position"]
    events = _corpus().timeline(start=start, end=end, actor=actor, within=within, kinds=kinds)
    if events.num_rows == 0:
        raise failure("nothing in the timeline matches" + _criteria(start, end, actor))
    if as_json:
        _print_json(events.to_pylist())
        return
    rows = [[dates(r["date_earliest"], r["date_latest"]), r["date_basis"], r["kind"],
             r["record_id"], _cut(r["title"], 120), r["actor_names"]]
            for r in events.to_pylist()]
    out.print(_table(f"Timeline: {events.num_rows} record{'s' if len(rows) != 1 else ''}"
                     + _criteria(start, end, actor),
                     ["dates", "basis", "kind", "id", "title / text", "actors"], rows))


def _criteria(start: str | None, end: str | None, actor: list[str] | None) -> str:
    parts = []
    if start:
        parts.append(f"from {start}")
    if end:
        parts.append(f"to {end}")
    if actor:
        parts.append("involving " + ", ".join(actor))
    return (" " + " ".join(parts)) if parts else ""


# --- sql ---------------------------------------------------------------------------------


def sql(
    query: Annotated[str, typer.Argument(help="A SQL query; every table is under its own name.")],
    as_json: JsonOption = False,
    allow_files: Annotated[bool, typer.Option(
        "--allow-files", help="Let the query read and write files (COPY, ATTACH, read_csv…); "
        "only for SQL you trust.")] = False,
) -> None:
    """Run SQL (DuckDB) over the tables; the query reads the corpus and nothing else."""
    result = _corpus().sql(query, allow_files=allow_files)
    if as_json:
        _print_json(result.to_pylist())
        return
    columns = result.column_names
    out.print(_table(f"{result.num_rows} row{'s' if result.num_rows != 1 else ''}", columns,
                     [[r[c] for c in columns] for r in result.to_pylist()]))


# --- export ------------------------------------------------------------------------------


def export(
    fmt: Annotated[str, typer.Option(
        "--format", help="csv, json, parquet, sqlite or duckdb.")],
    out_dir: Annotated[Path, typer.Option("--out", help="The folder to write into.")],
    as_json: JsonOption = False,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV formats: write cells as they are; by default a cell beginning "
                      "with = + - @, a tab or a carriage return gets a leading ' so that "
                      "spreadsheets do not run it as a formula.")] = False,
) -> None:
    """Export every table as CSV, JSON, Parquet, or one SQLite or DuckDB database."""
    from usc_events.store.export import FORMATS, SPREADSHEET_FORMATS, export

    if fmt not in FORMATS:
        raise usage(f"unknown format {fmt!r} for --format; choose {', '.join(FORMATS)}")
    if raw and fmt not in SPREADSHEET_FORMATS:
        raise usage("--raw applies to the CSV formats only: "
                    + ", ".join(sorted(SPREADSHEET_FORMATS)))
    tables = _corpus().tables
    try:
        written = export(tables, fmt, out_dir, raw=raw)
    except OSError as error:  # a folder that cannot be written, a full disk
        where = error.filename or out_dir
        raise failure(f"{where}: cannot write the export: {error.strerror or error}") from None
    if as_json:
        _print_json([str(p) for p in written])
        return
    out.print(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {out_dir}: "
              + ", ".join(p.name for p in written), highlight=False, markup=False)


# --- plot --------------------------------------------------------------------------------

PLOTS = ("timeline", "network")


def plot(
    what: Annotated[str, typer.Argument(help="timeline or network.")],
    out_file: Annotated[Path, typer.Option("--out", help="The image to write (.png, .svg, .pdf).")],
    start: FromOption = None,
    end: ToOption = None,
    actor: ActorOption = None,
    within: WithinOption = False,
) -> None:
    """Draw the timeline (intervals as bars) or the who-met-whom network."""
    from usc_events.query import plots

    if what not in PLOTS:
        raise usage(f"unknown plot {what!r}; choose {' or '.join(PLOTS)}")
    plots.check_suffix(out_file)
    corpus = _corpus()
    title_end = _criteria(start, end, actor)
    if what == "timeline":
        events = corpus.timeline(start=start, end=end, actor=actor, within=within)
        if events.num_rows == 0:
            raise failure("nothing in the timeline matches" + title_end)
        plots.timeline(events, out_file, title=f"usc-events {corpus.version}: timeline"
                       + title_end)
    else:
        graph = corpus.network(start=start, end=end, actor=actor, within=within)
        if graph.number_of_nodes() == 0:
            raise failure("no meeting matches" + title_end)
        plots.network(graph, out_file, title=f"usc-events {corpus.version}: who met whom"
                      + title_end)
    out.print(f"Wrote {out_file}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the analysts' commands to ``app``."""
    for command in (show, search, timeline, sql, export, plot):
        app.command()(command)
