"""The analysts' commands of ``usc-events``: show, search, timeline, sql, plot, export.

:func:`register` adds them to the typer app of :mod:`usc_events.cli.app`, in the
Explore panel of ``--help``. Output is laid out for people by
:mod:`usc_events.cli.render` (field lists and lists that fit the terminal and never
break an id); ``--json`` prints machine-readable JSON instead. Errors are one line on
standard error: exit 1 when nothing is found or a value is invalid (an unknown actor,
a malformed date, an unknown table), exit 2 for a usage error (an unknown format or
plot kind). When filters leave nothing, the message says what each of them left.
"""

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from usc_events.cli.console import failure, out, usage
from usc_events.cli.panels import EXPLORE

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa
    from rich.console import RenderableType
    from rich.text import Text

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
FullOption = Annotated[bool, typer.Option(
    "--full", help="Print every field whole (by default long text is shortened, "
                   "marked '… (use --full)').")]
LimitOption = Annotated[int | None, typer.Option(
    "--limit", min=1, help="Print at most N entries [default: all].")]
KindOption = Annotated[list[str] | None, typer.Option(
    "--kind", help="meeting, statement or position; repeatable [default: all three].")]

def _corpus() -> "Corpus[pa.Table]":
    import usc_events.query.corpus

    return usc_events.query.corpus.open_corpus(backend="arrow")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _print_json(payload: Any) -> None:
    import json

    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=_plain))


def _more(total: int, shown: int, noun: str = "entry", plural: str = "entries") -> "list[Text]":
    """The line saying how many entries ``--limit`` left out, if it left any."""
    from rich.text import Text

    if shown >= total:
        return []
    left = total - shown
    return [Text(f"… and {left} more {noun if left == 1 else plural} (raise --limit to see them)")]


# --- show --------------------------------------------------------------------------------


def show(
    id_or_name: Annotated[str, typer.Argument(help="A record id (any table) or an actor's name.")],
    table: Annotated[str | None, typer.Option(
        "--table", help="The record's table, when its id exists in several.")] = None,
    full: FullOption = False,
    as_json: JsonOption = False,
) -> None:
    """Show one record, what it connects to, and the evidence and references behind it."""
    from usc_events.cli import render

    corpus = _corpus()
    found = corpus.record(id_or_name, table)
    related = corpus.related(found)
    evidence = corpus.evidence(found.record_id, found.table)
    cited = corpus.citations(found.record_id, found.table)
    if as_json:
        _print_json({"table": found.table, "record": found.row,
                     "related": {k: v.to_pylist() for k, v in related.items()},
                     "evidence": evidence.to_pylist(), "citations": cited.to_pylist()})
        return
    render.show(render.heading(f"{found.table}: {found.record_id}"),
                render.fields(found.row.items(), None if full else render.FIELD))
    for name, data in related.items():
        if data.num_rows:
            render.show(_related(name, data.to_pylist(), None if full else render.LINE))
    render.show(_evidence(evidence.to_pylist(), None if full else render.SENTENCE),
                _references(cited.to_pylist(), None if full else render.LINE))


def _related(name: str, rows: list[dict[str, Any]], limit: int | None) -> "list[RenderableType]":
    """Records related to the one shown, as a list: each id on its own line, then details."""
    from usc_events.cli import render
    from usc_events.cli.render import dates, flat, shorten

    items: list[RenderableType] = []
    for r in rows:
        if name == "meetings":
            items += render.entry(r["meeting_id"], [
                f"{dates(r['date_earliest'], r['date_latest'])} · {flat(r['title'])}",
                f"with {flat(r['participant_names'])}"])
        elif name == "statements":
            to = f" to {flat(r['audience'])}" if r["audience"] else ""
            items += render.entry(r["statement_id"], [
                f"{dates(r['date_earliest'], r['date_latest'])} · {flat(r['kind'])} · "
                f"{flat(r['speaker_name'])}{to}", shorten(flat(r["text"]), limit)])
        elif name == "positions":
            items += render.entry(r["position_id"], [
                f"{flat(r['actor_name'])} on {flat(r['topic_label'])}: {flat(r['stance'])} "
                f"({flat(r['status'])}) · {dates(r['date_earliest'], r['date_latest'])}",
                shorten(flat(r["summary"]), limit)])
        elif name == "participants":
            items += render.entry(r["actor_id"], [f"{flat(r['name'])} ({flat(r['role'])})"])
        else:
            first, *rest = r
            items += render.entry(flat(r[first]), [shorten(
                " · ".join(f"{c}: {flat(r[c])}" for c in rest), limit)])
    title = name.replace("_", " ").capitalize()
    return [render.heading(f"{title} ({len(rows)})"), *items]


def _evidence(rows: list[dict[str, Any]], limit: int | None) -> "list[RenderableType]":
    """Each evidence span: its document and outlet, whom it credits, the sentence."""
    from usc_events.cli import render
    from usc_events.cli.render import count, flat, shorten

    items: list[RenderableType] = []
    for r in rows:
        credit = [f"credited to {flat(r['attribution'])}"] if r["attribution"] else []
        sentence = render.styled(shorten(flat(r["sentence"]), limit), r["quote"])
        items += render.entry(r["document_id"], [*credit, sentence],
                              aside=f"({flat(r['outlet'])})" if r["outlet"] else "")
    title = f"Evidence ({count(len(rows), 'span')}; the quote in bold)"
    return [render.heading(title), *items]


def _references(rows: list[dict[str, Any]], limit: int | None) -> "list[RenderableType]":
    """Each citation of a reference: the reference, the field it supports, its claim, URL."""
    from usc_events.cli import render
    from usc_events.cli.render import count, flat, shorten

    if not rows:
        return []
    items: list[RenderableType] = []
    for r in rows:
        supports = f"for its {flat(r['field'])}: " if r["field"] else ""
        details: list[Text | str] = [supports + shorten(flat(r["claim"]), limit)]
        items += render.entry(r["reference_id"], details + ([render.link(r["url"])]
                                                            if r["url"] else []),
                              aside=f"({flat(r['outlet'])})" if r["outlet"] else "")
    return [render.heading(f"References ({count(len(rows), 'citation')})"), *items]


# --- search ------------------------------------------------------------------------------


def search(
    text: Annotated[str, typer.Argument(help="Words to look for (case and accents aside).")],
    limit: LimitOption = None,
    full: FullOption = False,
    as_json: JsonOption = False,
) -> None:
    """Search statements, summaries, names and labels."""
    from usc_events.cli import render
    from usc_events.cli.render import count, flat

    hits = _corpus().search(text).to_pylist()
    if not hits:
        raise failure(f"nothing matches {text!r}")
    shown = hits[:limit]
    if as_json:
        _print_json(shown)
        return
    texts = [render.styled(render.snippet(flat(r["text"]), text,
                                          None if full else render.LINE), text) for r in shown]
    render.show(render.heading(f"{count(len(hits), 'match', 'matches')} for {text!r}"),
                render.listing([[r["table"], r["record_id"], r["field"]] for r in shown], texts,
                               below=True, full=True),
                _more(len(hits), len(shown), "match", "matches"))


# --- timeline ----------------------------------------------------------------------------


def _undated(row: dict[str, Any]) -> bool:
    return row["date_earliest"] is None and row["date_latest"] is None


def timeline(
    start: FromOption = None,
    end: ToOption = None,
    actor: ActorOption = None,
    within: WithinOption = False,
    kind: KindOption = None,
    long: Annotated[bool, typer.Option(
        "--long", help="More about each record: participants, location, summary.")] = False,
    full: FullOption = False,
    limit: LimitOption = None,
    as_json: JsonOption = False,
) -> None:
    """Meetings, statements and positions in date order, one line each; the undated last."""
    from rich.text import Text

    from usc_events.cli import render
    from usc_events.cli.render import count, flat, shorten
    from usc_events.query.connections import TIMELINE_KINDS

    corpus = _corpus()
    kinds = kind or list(TIMELINE_KINDS)
    rows = corpus.timeline(start=start, end=end, actor=actor, within=within,
                           kinds=kinds).to_pylist()
    if not rows:
        raise failure("nothing in the timeline matches: "
                      + _funnel(corpus, start, end, actor, within, kind))
    shown = rows[:limit]
    if as_json:
        _print_json(shown)
        return
    undated = sum(_undated(r) for r in rows)
    split = f" ({len(rows) - undated} dated, {undated} undated)" if undated else ""
    render.show(render.heading(f"Timeline{_criteria(start, end, actor, kind)}: "
                               f"{count(len(rows), 'record')}{split}"))
    extra = _details(corpus, shown, full) if long else None
    for section in (False, True):
        part = [i for i, r in enumerate(shown) if _undated(r) is section]
        if not part:
            continue
        if section:
            render.show(render.heading(f"Undated ({undated})"))
        lines = [([] if section else [_when(shown[i])]) + [shown[i]["kind"],
                                                            shown[i]["record_id"]]
                 for i in part]
        if extra is None:
            render.show(render.listing(lines, [Text(flat(shown[i]["title"])) for i in part],
                                       full=full))
        else:  # --long: the title whole (or up to render.FIELD) under its line, then more
            titles = [Text(shorten(flat(shown[i]["title"]), None if full else render.FIELD))
                      for i in part]
            render.show(render.listing(lines, titles, full=True, below=True,
                                       details=[extra[i] for i in part]))
    render.show(_more(len(rows), len(shown), "record", "records"))
    if start or end:
        hidden = sum(_undated(r) for r in corpus.timeline(actor=actor, kinds=kinds).to_pylist())
        if hidden:
            render.show(Text(f"{count(hidden, 'undated record')} matching the other filters "
                             f"{'is' if hidden == 1 else 'are'} in no date window: leave out "
                             "--from/--to to list them."))


def _when(row: dict[str, Any]) -> str:
    from usc_events.cli.render import dates

    return dates(row["date_earliest"], row["date_latest"])


def _details(corpus: "Corpus[pa.Table]", rows: list[dict[str, Any]],
             full: bool) -> "list[list[Text]]":
    """For ``timeline --long``: who, where, what, and how each record is dated."""
    from rich.text import Text

    from usc_events.cli import render
    from usc_events.cli.render import flat, shorten

    limit = None if full else render.FIELD
    meetings = {m["meeting_id"]: m for m in corpus.tables["meetings"].select(
        ["meeting_id", "location", "summary"]).to_pylist()}
    positions = {p["position_id"]: p for p in corpus.tables["positions"].select(
        ["position_id", "topic_id", "stance", "status"]).to_pylist()}
    statements = {s["statement_id"]: s for s in corpus.tables["statements"].select(
        ["statement_id", "kind", "channel", "meeting_id"]).to_pylist()}
    details = []
    for r in rows:
        who = flat(r["actor_names"])
        lines = []
        if r["kind"] == "meeting":
            m = meetings[r["record_id"]]
            lines += [f"participants: {who}", f"location: {flat(m['location'])}",
                      f"summary: {shorten(flat(m['summary']), limit)}"]
        elif r["kind"] == "statement":
            s = statements[r["record_id"]]
            lines += [f"speaker: {who}", f"{flat(s['kind'])} via {flat(s['channel'])}"
                      + (f" at {s['meeting_id']}" if s["meeting_id"] else "")]
        else:
            p = positions[r["record_id"]]
            lines += [f"held by: {who}",
                      f"{flat(p['stance'])} on {flat(p['topic_id'])} ({flat(p['status'])})"]
        if not _undated(r):
            lasted = render.until(r)
            lines.append(f"dates: {_when(r)}{', ' + lasted if lasted else ''} "
                         f"(basis: {flat(r['date_basis'])})")
        details.append([Text(line) for line in lines])
    return details


def _criteria(start: str | None, end: str | None, actor: list[str] | None,
              kind: list[str] | None = None) -> str:
    parts = []
    if start:
        parts.append(f"from {start}")
    if end:
        parts.append(f"to {end}")
    if actor:
        parts.append("involving " + ", ".join(actor))
    if kind:
        parts.append("of kind " + ", ".join(kind))
    return (" " + " ".join(parts)) if parts else ""


def _funnel(corpus: "Corpus[pa.Table]", start: str | None, end: str | None,
            actor: list[str] | None, within: bool, kind: list[str] | None,
            kinds: "Sequence[str] | None" = None) -> str:
    """What each filter left: ``77 records in all; --actor Musk leaves 12; --kind … leaves 0``.

    ``kinds`` counts only those kinds of record from the start (the network: meetings).
    """
    from usc_events.cli.render import count

    steps: list[tuple[str, dict[str, Any]]] = []
    if actor:
        steps.append((" ".join(f"--actor {a}" for a in actor), {"actor": actor}))
    if kind:
        steps.append((" ".join(f"--kind {k}" for k in kind), {"kinds": kind}))
    if start or end:
        flags = " ".join(f for f, v in (("--from " + str(start), start),
                                        ("--to " + str(end), end),
                                        ("--within", within)) if v)
        steps.append((flags, {"start": start, "end": end, "within": within}))
    chosen: dict[str, Any] = {"kinds": kinds} if kinds else {}
    noun = f"{kinds[0]} record" if kinds and len(kinds) == 1 else "record"
    parts = [f"{count(corpus.timeline(**chosen).num_rows, noun)} in all"]
    for flags, arguments in steps:
        chosen.update(arguments)
        parts.append(f"{flags} leaves {corpus.timeline(**chosen).num_rows}")
    return "; ".join(parts)


# --- sql ---------------------------------------------------------------------------------


def sql(
    query: Annotated[str, typer.Argument(help="A SQL query; every table is under its own name.")],
    as_json: JsonOption = False,
    allow_files: Annotated[bool, typer.Option(
        "--allow-files", help="Let the query read and write files (COPY, ATTACH, read_csv…); "
        "only for SQL you trust.")] = False,
) -> None:
    """Run SQL (DuckDB) over the tables; the query reads the corpus and nothing else."""
    from usc_events.cli import render
    from usc_events.cli.render import count

    result = _corpus().sql(query, allow_files=allow_files)
    if as_json:
        _print_json(result.to_pylist())
        return
    columns = result.column_names
    out.print(render.table(f"{count(result.num_rows, 'row')}", columns,
                           [[r[c] for c in columns] for r in result.to_pylist()]))


# --- export ------------------------------------------------------------------------------


def export(
    fmt: Annotated[str, typer.Option(
        "--format", help="csv, json, parquet, sqlite, duckdb, plover, cameo-dyads, "
        "cameo-dyads-tsv or popolo.")],
    out_path: Annotated[Path, typer.Option(
        "--out", help="The database file for sqlite and duckdb (e.g. usc_events.sqlite); "
        "the folder to write into for the other formats.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing file, or the files of the same names in a "
        "folder that is not empty.")] = False,
    as_json: JsonOption = False,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV formats: write cells as they are; by default a cell beginning "
                      "with = + - @, a tab or a carriage return gets a leading ' so that "
                      "spreadsheets do not run it as a formula.")] = False,
) -> None:
    """Export every table as CSV, JSON, Parquet, an event-data format, or one SQLite or
    DuckDB database file."""
    from usc_events.errors import ExportTargetExists
    from usc_events.store.export import FORMATS, SPREADSHEET_FORMATS, export

    if fmt not in FORMATS:
        raise usage(f"unknown format {fmt!r} for --format; choose {', '.join(FORMATS)}")
    if raw and fmt not in SPREADSHEET_FORMATS:
        raise usage("--raw applies to the CSV formats only: "
                    + ", ".join(sorted(SPREADSHEET_FORMATS)))
    tables = _corpus().tables
    try:
        written = export(tables, fmt, out_path, force=force, raw=raw)
    except ExportTargetExists as error:
        raise usage(f"{error.reason}; nothing was written (add --force to replace it)") from None
    except ValueError as error:  # a folder given as a database file, or the other way round
        raise usage(str(error)) from None
    except OSError as error:  # a folder that cannot be written, a full disk
        where = error.filename or out_path
        raise failure(f"{where}: cannot write the export: {error.strerror or error}") from None
    if as_json:
        _print_json([str(p) for p in written])
        return
    if written == [out_path]:  # one database file
        out.print(f"Wrote 1 file: {out_path}", highlight=False, markup=False)
        return
    out.print(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {out_path}: "
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
    from usc_events.cli.render import count
    from usc_events.extras import require
    from usc_events.query import plots

    if what not in PLOTS:
        raise usage(f"unknown plot {what!r}; choose {' or '.join(PLOTS)}")
    require("plots")  # before any work: without the extra, one line and exit 2
    plots.check_suffix(out_file)
    corpus = _corpus()
    title_end = _criteria(start, end, actor)
    note = ""
    if what == "timeline":
        events = corpus.timeline(start=start, end=end, actor=actor, within=within)
        if events.num_rows == 0:
            raise failure("nothing in the timeline matches: "
                          + _funnel(corpus, start, end, actor, within, None))
        plots.timeline(events, out_file, title=f"usc-events {corpus.version}: timeline"
                       + title_end)
        undated = plots.undated_count(events)
        if undated:
            note = f" ({count(undated, 'undated record')} not drawn, as the figure notes)"
    else:
        graph = corpus.network(start=start, end=end, actor=actor, within=within)
        if graph.number_of_nodes() == 0:
            raise failure("no meeting matches: " + _funnel(corpus, start, end, actor, within,
                                                           None, kinds=["meeting"]))
        plots.network(graph, out_file, title=f"usc-events {corpus.version}: who met whom"
                      + title_end)
    out.print(f"Wrote {out_file}{note}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the analysts' commands to ``app``."""
    for command in (show, search, timeline, sql, plot, export):
        app.command(rich_help_panel=EXPLORE)(command)
