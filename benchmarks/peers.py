"""The measurements of issue 16, each against its peer on the same input.

Used by ``run.py``: every pair is run side by side, interleaved (A, B, A, B, …), and
compared by medians, so that a load on the machine weighs on both alike; the ratios
are the contract, the seconds show the load.

- hints: ``check_corpus`` with 1,000 dangling references against 200k actors, and
  the same tables without them;
- YAML: the build of 100k and 1M records (seconds and peak resident memory);
- start-up: fresh ``usc-events`` processes against fresh processes of their peers;
- validation: ``check_corpus`` against pandera-polars with the same rules;
- scan: ``usc_events.scan`` against the engine's own read of the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PYTHON = sys.executable


def interleaved(actions: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Seconds of each action, run in turn ``repeat`` times."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- target 1: hints against many keys -----------------------------------------------------


def hint_tables(actors: int, statements: int, dangling: int) -> tuple[dict[str, Any],
                                                                       dict[str, Any]]:
    """Statement tables with ``actors`` actors: clean, and with ``dangling`` speakers misspelt."""
    import generate
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    clean = generate.statement_tables(statements, actors=actors)
    data = clean["statements"]
    rows = np.linspace(0, statements - 1, dangling).astype(np.int64)
    speakers = data.column("speaker_id").combine_chunks()
    wrong = pc.binary_join_element_wise(pc.utf8_slice_codeunits(speakers.take(rows), 0, 3),
                                        pc.utf8_slice_codeunits(speakers.take(rows), 4), "")
    mask = np.zeros(statements, dtype=bool)
    mask[rows] = True
    replaced = pc.replace_with_mask(speakers, pa.array(mask), wrong)
    broken = dict(clean)
    broken["statements"] = data.set_column(data.schema.get_field_index("speaker_id"),
                                           "speaker_id", replaced)
    return clean, broken


def worker_hints(actors: str, statements: str, dangling: str) -> dict[str, Any]:
    from usc_events.build.rules import check_corpus

    clean, broken = hint_tables(int(actors), int(statements), int(dangling))
    found: dict[str, Any] = {}

    def run(name: str, tables: dict[str, Any]) -> Callable[[], None]:
        def action() -> None:
            found[name] = check_corpus(tables)
        return action

    times = interleaved({"clean": run("clean", clean), "broken": run("broken", broken)}, 3)
    hinted = [f for f in found["broken"] if f.code == "foreign-key"]
    return {"clean": times["clean"], "broken": times["broken"],
            "clean_findings": len(found["clean"]), "dangling": len(hinted),
            "with_hint": sum(1 for f in hinted if f.hint)}


# --- target 2: the YAML build --------------------------------------------------------------


def _peak_of_children() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def status(key: str) -> int:
    """A field of /proc/self/status, in bytes (0 where there is no /proc).

    ``VmHWM`` is this process's own peak resident size; ``ru_maxrss`` would also count
    what the process that started it held when it did.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def worker_yaml_build(data: str) -> dict[str, Any]:
    from usc_events.build.builder import build

    start, cpu = time.perf_counter(), _cpu()
    corpus = build(Path(data))
    seconds = time.perf_counter() - start
    own, workers = (after - before for after, before in zip(_cpu(), cpu, strict=True))
    return {"seconds": seconds, "peak": status("VmHWM"),
            "worker_peak": _peak_of_children(), "cpu": own, "worker_cpu": workers,
            "rows": {t: d.num_rows for t, d in corpus.tables.items()}}


def _cpu() -> tuple[float, float]:
    """CPU seconds (user and system) of this process and of its children that ended."""
    import resource

    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def worker_yaml_floor(data: str) -> dict[str, Any]:
    """Where the YAML build's time goes, in one process: libyaml's events, ``read_yaml``
    (values alone, for these files of plain data), the full reader (values and the line
    and column of each), the whole build, and the other parsers' reading of the same files
    (with how many files' values differ from ``read_yaml``'s)."""
    import yaml

    from usc_events.build.yaml_reader import parse_yaml, read_text, read_yaml

    files = sorted(Path(data).rglob("*.yaml"))
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def events() -> None:
        for path in files:
            loader = loader_class(path.read_text(encoding="utf-8"))
            next_event = loader.get_event
            while next_event() is not None:
                pass
            loader.dispose()

    values: dict[str, list[Any]] = {}

    def reader() -> None:
        values["read_yaml"] = [read_yaml(path, path.name).value for path in files]

    def with_lines() -> None:
        values["with lines"] = [parse_yaml(read_text(path, path.name), path.name).value
                                for path in files]

    def one_process() -> None:
        from usc_events.build import worker_pool
        from usc_events.build.builder import build

        worker_pool.MIN_BYTES, before = 2**62, worker_pool.MIN_BYTES  # no workers
        try:
            build(Path(data))
        finally:
            worker_pool.MIN_BYTES = before

    actions = {"events": events, "read_yaml": reader, "with lines": with_lines,
               "build, one process": one_process}
    try:
        import ryml  # rapidyaml: a tree in C++, but no line or column per node in Python

        def rapid() -> None:
            for path in files:
                ryml.parse_in_arena(path.read_bytes())

        def rapid_values() -> None:
            values["rapidyaml, values"] = [_ryml_values(ryml, path) for path in files]

        actions["rapidyaml"] = rapid
        actions["rapidyaml, values"] = rapid_values
    except ImportError:
        pass
    try:
        import yaml_rs  # a parser in Rust: values only (YAML 1.2), no line or column per value

        def rust_values() -> None:
            values["yaml-rs"] = [yaml_rs.loads(path.read_text(encoding="utf-8"))
                                 for path in files]

        actions["yaml-rs"] = rust_values
    except ImportError:
        pass
    try:
        import pyyaml_rs  # yaml-rust behind PyYAML's API: values only, no events or nodes

        def rust() -> None:
            for path in files:
                pyyaml_rs.safe_load(path.read_text(encoding="utf-8"))

        actions["pyyaml-rs"] = rust
    except ImportError:
        pass
    times = interleaved(actions, 1)
    expected = values.pop("read_yaml")
    return {**{name: seconds[0] for name, seconds in times.items()},
            "differ": {name: sum(a != b for a, b in zip(got, expected, strict=True))
                       for name, got in values.items()},
            "files": len(files), "bytes": sum(f.stat().st_size for f in files)}


def _ryml_values(ryml: Any, path: Path) -> Any:
    """The values of a YAML file read from rapidyaml's tree, node by node, in Python.

    A quoted scalar is a string; a plain one is resolved and built as PyYAML's safe
    loader does (YAML 1.1: ``yes`` is true, ``2025-01-20`` a date). This is what reading
    the tree costs through the binding, one call per node and property, before any
    line, check or located message.
    """
    import yaml

    loader = yaml.SafeLoader("")
    plain: dict[str, Any] = {}
    buffer = bytearray(path.read_bytes())  # the tree's scalars point into it
    tree = ryml.parse_in_place(buffer)
    kind, key, val, first, after = (tree.type, tree.key, tree.val, tree.first_child,
                                    tree.next_sibling)
    none, is_map, is_seq, quoted = ryml.NONE, ryml.MAP, ryml.SEQ, ryml.VALQUO

    def scalar(text: str) -> Any:
        if text not in plain:
            tag = loader.resolve(yaml.ScalarNode, text, (True, False))
            plain[text] = loader.construct_object(yaml.ScalarNode(tag, text), deep=True)
        return plain[text]

    def node(at: int) -> Any:
        flags = kind(at)
        if flags & is_map:
            mapping, child = {}, first(at)
            while child != none:
                mapping[str(key(child), "utf-8")] = node(child)
                child = after(child)
            return mapping
        if flags & is_seq:
            items, child = [], first(at)
            while child != none:
                items.append(node(child))
                child = after(child)
            return items
        text = val(at)
        if text is None:
            return None
        value = str(text, "utf-8")
        return value if flags & quoted else scalar(value)

    root = tree.root_id()
    if kind(root) & ryml.STREAM == ryml.STREAM:
        root = first(root)
    return node(root)


# --- target 3: fresh processes -------------------------------------------------------------


def fresh_processes(commands: dict[str, list[str]], repeat: int, cwd: Path) -> dict[str,
                                                                                   list[float]]:
    """Wall time of fresh processes, interleaved, ``repeat`` times each.

    The project's modules are compiled to bytecode first, as installing a wheel does:
    where ``PYTHONDONTWRITEBYTECODE`` is set, each process would otherwise compile them.
    """
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(cwd / "usc_events")], check=True,
                   env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    return times


def startup_commands(table_file: Path) -> dict[str, list[str]]:
    cli = [PYTHON, "-m", "usc_events.cli"]
    read_table = ("import pyarrow.parquet as pq\n"
                  f"pq.ParquetFile({str(table_file)!r}).read()")
    # What `validate` cannot avoid importing: typer and its part that runs a command, the
    # records' pydantic models, PyYAML and pyarrow.compute, and pandas where it is installed
    # (pyarrow imports it behind its conversions of Python values).
    validate_needs = "typer, typer._adapters, yaml, usc_events.schema.models, pyarrow.compute"
    return {
        "validate": [*cli, "validate"],
        "info": [*cli, "info"],
        "show": [*cli, "show", "han-zheng"],
        "search": [*cli, "search", "tariffs"],
        "help": [*cli, "--help"],
        "read one table": [PYTHON, "-c", read_table],
        "import typer": [PYTHON, "-c", "import typer"],
        # What the commands cannot avoid, to read the ratios by (not targets): what `info`
        # must import to run a command and print a table, and what `validate` must import
        # and read, with pandas and without.
        "info's floor": [PYTHON, "-c", "import typer, typer._adapters, rich.table, "
                         "rich.console"],
        "validate's floor": [PYTHON, "-c", f"import {validate_needs}, pandas\n{read_table}"],
        "validate, pandas hidden": [PYTHON, "-c", _RUN_CLI.format(
            before=_NO_PANDAS, args="'validate'")],
        "validate's floor, pandas hidden": [
            PYTHON, "-c", f"import sys\n{_NO_PANDAS}\nimport {validate_needs}\n{read_table}"],
    }


#: A finder that makes ``import pandas`` fail, as where pandas is not installed.
_NO_PANDAS = ("class NoPandas:\n    def find_spec(self, name, path=None, target=None):\n"
              "        if name.split('.')[0] == 'pandas':\n            raise ImportError(name)\n"
              "sys.meta_path.insert(0, NoPandas())")

#: A CLI run in a process that first does ``before`` (to measure what a dependency costs).
_RUN_CLI = ("import os, runpy, sys\n{before}\nsys.argv = ['usc-events', {args}]\n"
            "try:\n    runpy.run_module('usc_events.cli', run_name='__main__')\n"
            "except SystemExit:\n    pass")


# --- target 4: pandera-polars with the same rules ------------------------------------------


def pandera_schema(table: str, keys: dict[str, Any]) -> Any:
    """A pandera-polars schema of ``table`` with the rules of ``check_corpus`` for it.

    Types, required columns, patterns, vocabularies, lengths, minimums, the unique
    primary key, every foreign key (lists element by element) and the date order.
    """
    import pandera.polars as pa_pl
    import polars as pl

    from usc_events.schema.columns import arrow_schema, columns

    types = pl.from_arrow(arrow_schema(table).empty_table()).schema

    def member(name: str, target: str, known: Any, is_list: bool) -> Any:
        def check(data: Any) -> Any:
            column = pl.col(name)
            if is_list:
                inside = column.list.eval(pl.element().is_in(known) | pl.element().is_null())
                return data.lazyframe.select(inside.list.all() | column.is_null())
            return data.lazyframe.select(column.is_in(known) | column.is_null())
        return pa_pl.Check(check, name=f"{name} in {target}")

    schema: dict[str, Any] = {}
    for c in columns(table):
        checks = []
        if not c.is_list:
            if c.pattern:
                checks.append(pa_pl.Check.str_matches(c.pattern))
            if c.enum:
                checks.append(pa_pl.Check.isin(list(c.enum)))
            if c.min_length:
                checks.append(pa_pl.Check.str_length(min_value=c.min_length))
            if c.minimum is not None:
                checks.append(pa_pl.Check.ge(c.minimum))
        if c.foreign_key is not None and c.foreign_key in keys:
            checks.append(member(c.name, c.foreign_key, keys[c.foreign_key], c.is_list))
        schema[c.name] = pa_pl.Column(types[c.name], nullable=c.nullable, unique=c.primary_key,
                                      checks=checks)
    frame_checks = []
    names = [c.name for c in columns(table)]
    for low in [n for n in names if n.endswith("_earliest")]:
        high = low.removesuffix("_earliest") + "_latest"
        frame_checks.append(pa_pl.Check(
            lambda data, low=low, high=high: data.lazyframe.select(
                pl.col(low).is_null() | pl.col(high).is_null() | (pl.col(low) <= pl.col(high))),
            name=f"{low} <= {high}"))
    return pa_pl.DataFrameSchema(schema, checks=frame_checks, name=table)


def worker_validation(folder: str, repeat: str) -> dict[str, Any]:
    """``check_corpus`` and pandera-polars on the same statement tables, interleaved.

    Also timed, to tell what grows faster than the rows: the two checks that touch memory
    all over, the primary key's repeats (with polars' ``n_unique`` of the same column
    beside it) and the speaker ids looked up among the actors'.
    """
    import polars as pl
    import pyarrow.parquet as pq

    from usc_events.build.column_kernels import has_repeats, missing
    from usc_events.build.rules import check_corpus
    from usc_events.schema.columns import model

    names = ["statements", "actors", "meetings", "topics"]
    tables = {name: pq.read_table(Path(folder) / f"{name}.parquet") for name in names}
    frames = {name: pl.from_arrow(data) for name, data in tables.items()}
    keys = {name: frames[name][model(name).primary_key] for name in names}
    keys_arrow = tables["actors"].column(model("actors").primary_key)
    schemas = {name: pandera_schema(name, keys) for name in names}
    found: dict[str, Any] = {}

    def ours() -> None:
        found["ours"] = check_corpus(tables)

    def theirs() -> None:
        errors = 0
        for name in names:
            try:
                schemas[name].validate(frames[name], lazy=True)
            except Exception as error:  # pandera's SchemaErrors: count, do not stop
                errors += len(getattr(error, "failure_cases", [])) or 1
        found["theirs"] = errors

    ids = tables["statements"].column("statement_id")
    ids_polars = frames["statements"]["statement_id"]
    speakers = tables["statements"].column("speaker_id")
    times = interleaved({"ours": ours, "pandera": theirs}, int(repeat))
    parts = interleaved({"repeats": lambda: has_repeats(ids),
                         "n_unique": lambda: ids_polars.n_unique(),
                         "speakers": lambda: missing(speakers, keys_arrow)}, int(repeat))
    return {**times, **parts, "actors": tables["actors"].num_rows,
            "rows": tables["statements"].num_rows, "our_findings": len(found["ours"]),
            "pandera_failures": found["theirs"]}


# --- target 5: scan against the engine's own read ------------------------------------------


def scan_code(root: Path, backend: str, through_scan: bool, actor: str, year: int) -> str:
    """A whole-process script: the same filtered query, through ``scan`` or the engine."""
    folder = root / "statements"
    low, high = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if backend == "arrow":
        open_it = (f"import usc_events; d = usc_events.scan('statements', {str(root)!r})"
                   if through_scan else
                   "import pyarrow as pa, pyarrow.dataset as ds; "
                   f"d = ds.dataset({str(folder)!r}, format='parquet', partitioning="
                   "ds.partitioning(pa.schema([('year', pa.int32())]), flavor='hive'))")
        return (f"{open_it}\nimport datetime as dt, pyarrow.dataset as ds\n"
                f"f = (ds.field('year') == {year}) & (ds.field('speaker_id') == {actor!r}) & "
                f"(ds.field('date_earliest') >= dt.date({year}, 1, 1)) & "
                f"(ds.field('date_earliest') <= dt.date({year}, 12, 31))\n"
                "print(d.to_table(filter=f).num_rows)")
    if backend == "polars":
        open_it = (f"import usc_events; d = usc_events.scan('statements', {str(root)!r}, "
                   "'polars')" if through_scan else
                   f"import polars as pl; d = pl.scan_parquet({str(folder / '**' / '*.parquet')!r}"
                   ", hive_partitioning=True, hive_schema={'year': pl.Int32})")
        return (f"{open_it}\nimport datetime as dt, polars as pl\n"
                f"print(d.filter((pl.col('year') == {year}) & (pl.col('speaker_id') == "
                f"{actor!r}) & pl.col('date_earliest').is_between(dt.date({year}, 1, 1), "
                f"dt.date({year}, 12, 31))).collect().height)")
    where = (f"year = {year} AND speaker_id = '{actor}' AND date_earliest BETWEEN "
             f"DATE '{low}' AND DATE '{high}'")
    if through_scan:
        return (f"import usc_events; r = usc_events.scan('statements', {str(root)!r}, 'duckdb')\n"
                f"print(len(r.filter({where!r}).fetchall()))")
    files = str(folder / "**" / "*.parquet")
    return ("import duckdb; c = duckdb.connect()\n"
            f"print(len(c.sql(\"SELECT * FROM read_parquet('{files}', hive_partitioning = true, "
            f"hive_types = {{'year': 'INTEGER'}}) WHERE \" + {where!r}).fetchall()))")


def worker_help_parts() -> dict[str, Any]:
    """Where a fresh process's ``usc-events --help`` spends its time beyond ``import typer``."""
    import contextlib
    import io

    import typer

    start = time.perf_counter()
    from usc_events.cli.app import app
    imported = time.perf_counter()
    command = typer.main.get_command(app)
    built = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        command.main(["--help"], prog_name="usc-events")
    return {"modules": imported - start,
            "commands": built - imported, "help": time.perf_counter() - built,
            "command count": len(getattr(command, "commands", {}))}


def pandas_imported(root: Path) -> list[str]:
    """Which of the everyday commands import pandas, run each in a fresh process."""
    script = ("import sys\nsys.argv = ['usc-events', *sys.argv[1:]]\nfrom usc_events.cli import "
              "main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
              "print('PANDAS' if 'pandas' in sys.modules else 'CLEAN', file=sys.stderr)")
    env = {**os.environ, "PYTHONPATH": str(root)}
    found = []
    for args in (["info"], ["show", "han-zheng"], ["search", "tariffs"], ["--help"]):
        done = subprocess.run([PYTHON, "-c", script, *args], capture_output=True, text=True,
                              cwd=root, env=env)
        if "CLEAN" not in done.stderr.splitlines()[-1:]:
            found.append(" ".join(args))
    return found
