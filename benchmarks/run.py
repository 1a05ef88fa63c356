"""Run every benchmark and write ``docs/performance.md``: ``python benchmarks/run.py``.

Each figure is measured in this one run, on this machine, side by side with what
it is compared to; each measurement that needs a clean process runs in a fresh
one (``run.py worker NAME``). Synthetic corpora come from ``generate.py``; the
large ones are cached in the system's temporary folder (``usc-events-bench``),
so a second run skips generating them. Options: ``--out FILE`` (default
``docs/performance.md``), ``--quick`` (smaller sizes, to try the script out).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
PYTHON = sys.executable
#: Every process started runs this checkout's code, whatever is installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}

import peers  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "usc-events-bench"
#: Bump when generate.py changes what it writes, so stale caches are not reused.
CACHE_VERSION = "1"

QUERY_ACTOR = "actor-4242"
QUERY_YEAR = 2015


# --- measuring inside a worker process -----------------------------------------------------


def _reset_peak() -> bool:
    """Reset the process's peak resident size (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _measure(action: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds, peak extra resident bytes, and the result of ``action()``."""
    gc.collect()
    base = peers.status("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    return seconds, max(0, peers.status("VmHWM") - base), result


def _tables(folder: Path, names: list[str]) -> dict[str, Any]:
    import pyarrow.parquet as pq

    return {name: pq.read_table(folder / f"{name}.parquet") for name in names}


STATEMENT_TABLES = ["statements", "actors", "meetings", "topics"]


def worker_validate(folder: str) -> dict[str, Any]:
    from usc_events.build.rules import check_corpus

    tables = _tables(Path(folder), STATEMENT_TABLES)
    seconds, peak, findings = _measure(lambda: check_corpus(tables))
    times = [seconds] + [_measure(lambda: check_corpus(tables))[0] for _ in range(2)]
    return {"seconds": times, "peak": peak, "findings": len(findings),
            "rows": tables["statements"].num_rows,
            "statements_bytes": tables["statements"].nbytes,
            "tables_bytes": sum(t.nbytes for t in tables.values())}


def worker_plain(folder: str) -> dict[str, Any]:
    import plain

    tables = _tables(Path(folder), STATEMENT_TABLES)
    seconds, peak, findings = _measure(lambda: plain.check_corpus(tables))
    return {"seconds": seconds, "peak": peak, "findings": len(findings)}


def worker_spans(folder: str) -> dict[str, Any]:
    import pyarrow.compute as pc

    from usc_events.build.rules import check_corpus
    from usc_events.build.span_kernels import span_mismatches
    from usc_events.schema.models import TABLE_MODELS

    tables = _tables(Path(folder), list(TABLE_MODELS))
    evidence, documents = tables["evidence"], tables["documents"]

    def verify() -> int:
        index = pc.index_in(evidence.column("document_id"),
                            value_set=documents.column("document_id"))
        return int(span_mismatches(documents.column("text"), index, evidence.column("start"),
                                   evidence.column("end"), evidence.column("quote")).sum())

    runs = [_measure(verify) for _ in range(3)]
    whole, whole_peak, findings = _measure(lambda: check_corpus(tables))
    return {"seconds": [r[0] for r in runs], "peak": runs[0][1], "mismatches": runs[0][2],
            "rows": evidence.num_rows, "documents": documents.num_rows,
            "text_bytes": documents.column("text").nbytes,
            "corpus_seconds": whole, "corpus_peak": whole_peak, "corpus_findings": len(findings),
            "corpus_rows": sum(t.num_rows for t in tables.values()),
            "corpus_bytes": sum(t.nbytes for t in tables.values())}


def _query_filter_arrow(with_year: bool = True) -> Any:
    import pyarrow.dataset as ds

    condition = ((ds.field("speaker_id") == QUERY_ACTOR)
                 & (ds.field("date_earliest") >= dt.date(QUERY_YEAR, 1, 1))
                 & (ds.field("date_earliest") <= dt.date(QUERY_YEAR, 12, 31)))
    return condition & (ds.field("year") == QUERY_YEAR) if with_year else condition


def worker_scan(root: str, backend: str) -> dict[str, Any]:
    import usc_events

    def query() -> int:
        if backend in ("arrow", "arrow-no-year"):
            found = usc_events.scan("statements", root, "arrow").to_table(
                filter=_query_filter_arrow(backend == "arrow"))
            return found.num_rows
        if backend == "polars":
            import polars as pl

            lazy = usc_events.scan("statements", root, "polars")
            return lazy.filter(
                (pl.col("year") == QUERY_YEAR) & (pl.col("speaker_id") == QUERY_ACTOR)
                & pl.col("date_earliest").is_between(dt.date(QUERY_YEAR, 1, 1),
                                                     dt.date(QUERY_YEAR, 12, 31))
            ).collect().height
        relation = usc_events.scan("statements", root, "duckdb")
        return len(relation.filter(
            f"year = {QUERY_YEAR} AND speaker_id = '{QUERY_ACTOR}' AND date_earliest "
            f"BETWEEN DATE '{QUERY_YEAR}-01-01' AND DATE '{QUERY_YEAR}-12-31'").fetchall())

    # Import the backend first: its import is not part of the query.
    if backend == "polars":
        import polars  # noqa: F401
    elif backend == "duckdb":
        import duckdb  # noqa: F401
    else:
        import pyarrow.dataset  # noqa: F401
    base = peers.status("VmRSS")
    start = time.perf_counter()
    rows = query()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows, "peak_total": peers.status("VmHWM"),
            "rss_before": base}


def worker_dask(root: str) -> dict[str, Any]:
    import dask.dataframe as dd
    import pyarrow as pa

    start = time.perf_counter()
    frame = dd.read_parquet(
        Path(root) / "statements",
        filters=[("year", "==", QUERY_YEAR), ("speaker_id", "==", QUERY_ACTOR)],
        dataset={"partitioning": {"flavor": "hive",
                                  "schema": pa.schema([("year", pa.int32())])}},
    )
    frame = frame[(frame["date_earliest"] >= dt.date(QUERY_YEAR, 1, 1))
                  & (frame["date_earliest"] <= dt.date(QUERY_YEAR, 12, 31))]
    rows = len(frame.compute())
    return {"seconds": time.perf_counter() - start, "rows": rows,
            "peak_total": peers.status("VmHWM"), "version": metadata.version("dask")}


def worker_spark(root: str) -> dict[str, Any]:
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as f

    start = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("usc-events-bench")
             .config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    frame = spark.read.parquet(str(Path(root) / "statements"))
    rows = frame.filter(
        (f.col("year") == QUERY_YEAR) & (f.col("speaker_id") == QUERY_ACTOR)
        & f.col("date_earliest").between(f"{QUERY_YEAR}-01-01", f"{QUERY_YEAR}-12-31")
    ).count()
    total = frame.count()
    seconds = time.perf_counter() - started
    spark.stop()
    return {"seconds": seconds, "startup": started - start, "rows": rows, "total": total,
            "version": metadata.version("pyspark")}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "validate": worker_validate, "plain": worker_plain, "spans": worker_spans,
    "scan": worker_scan, "dask": worker_dask, "spark": worker_spark,
    "hints": peers.worker_hints, "yaml-build": peers.worker_yaml_build,
    "validation": peers.worker_validation, "yaml-floor": peers.worker_yaml_floor,
    "help-parts": peers.worker_help_parts,
}


def run_worker(name: str, *args: str, timeout: float = 900) -> dict[str, Any]:
    """Run one measurement in a fresh process and return what it reports."""
    done = subprocess.run([PYTHON, __file__, "worker", name, *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=ENV)
    if done.returncode != 0:
        raise RuntimeError(f"worker {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- preparing the data --------------------------------------------------------------------


def _cached(name: str, make: Callable[[Path], None]) -> Path:
    folder = CACHE / f"{name}-v{CACHE_VERSION}"
    if (folder / ".complete").is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    make(folder)
    (folder / ".complete").write_text("")
    return folder


def corpus_files(statements: int) -> Path:
    """A corpus of ``statements`` statements as one Parquet file per table."""
    def make(folder: Path) -> None:
        import generate
        import pyarrow.parquet as pq

        for table, data in generate.corpus(statements).items():
            pq.write_table(data, folder / f"{table}.parquet")
    return _cached(f"corpus-{statements}", make)


def statement_files(statements: int) -> Path:
    """Actors, topics, meetings and ``statements`` statements as Parquet (no evidence)."""
    def make(folder: Path) -> None:
        import generate
        import pyarrow.parquet as pq

        for table, data in generate.statement_tables(statements).items():
            pq.write_table(data, folder / f"{table}.parquet")
    return _cached(f"statements-{statements}", make)


def yaml_corpus(statements: int) -> Path:
    def make(folder: Path) -> None:
        import generate

        generate.write_yaml(generate.corpus(statements), folder / "data")
    return _cached(f"yaml-{statements}", make) / "data"


def partitioned_statements(statements: int, chunk: int = 1_000_000) -> Path:
    """``statements`` statements written chunk by chunk as a year-partitioned dataset."""
    def make(folder: Path) -> None:
        import generate

        from usc_events.store.scan import write_partitioned

        sizes = generate.sizes(statements)
        for number, start in enumerate(range(0, statements, chunk)):
            data = generate.statements_chunk(start, min(chunk, statements - start),
                                             sizes["actors"], sizes["meetings"])
            write_partitioned({"statements": data}, folder, part=str(number))
    return _cached(f"scan-{statements}", make)


def frictionless_package(corpus: Path, rows: int) -> Path:
    """The statement tables as CSV with a Data Package whose schemas come from the definitions."""
    def make(folder: Path) -> None:
        import pyarrow as pa
        import pyarrow.csv as pcsv
        import pyarrow.parquet as pq

        from usc_events.store.metadata import table_schema

        resources = []
        for table in STATEMENT_TABLES:
            data = pq.read_table(corpus / f"{table}.parquet")
            columns = [pa.array([None if v is None else json.dumps(v) for v in col.to_pylist()],
                                pa.string()) if pa.types.is_list(col.type) else col
                       for col in data.columns]
            pcsv.write_csv(pa.table(columns, names=data.column_names), folder / f"{table}.csv")
            resources.append({"name": table, "path": f"{table}.csv", "format": "csv",
                              "schema": table_schema(table)})
        (folder / "datapackage.json").write_text(
            json.dumps({"name": "bench", "resources": resources}), encoding="utf-8")
    return _cached(f"frictionless-{rows}", make)


# --- timing whole processes ----------------------------------------------------------------


def process_seconds(codes: dict[str, str], repeat: int) -> dict[str, list[float]]:
    """Wall time of fresh ``python -c CODE`` processes, interleaved, ``repeat`` times each."""
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(repeat):
        for name, code in codes.items():
            start = time.perf_counter()
            subprocess.run([PYTHON, "-c", code], check=True, cwd=tempfile.gettempdir(), env=ENV,
                           stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    return times


def frictionless_seconds(package: Path) -> tuple[float, bool, int]:
    command = shutil.which("frictionless", path=str(Path(PYTHON).parent)) or "frictionless"
    start = time.perf_counter()
    done = subprocess.run([command, "validate", "--json", str(package / "datapackage.json")],
                          capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout)
    rows = sum(task["stats"].get("rows", 0) for task in report["tasks"])
    return seconds, bool(report["valid"]), rows


# --- the report ----------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    versions = []
    for package in ("usc-events", "pyarrow", "numpy", "pydantic", "PyYAML", "polars", "duckdb",
                    "frictionless", "dask", "pyspark"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    import yaml

    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- Memory: {memory}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- libyaml (PyYAML's C loader): {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'}",
        f"- Libraries: {', '.join(versions)}",
    ]


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.notes: list[str] = []
        #: The rows before this index compare against a peer; the rest stand alone.
        self.split = 0
        self.load = [os.getloadavg()[0]]

    def add(self, what: str, figure: str, target: str, met: bool | None) -> None:
        verdict = "—" if met is None else ("met" if met else "**not met**")
        self.rows.append((what, figure, target, verdict))
        print(f"{what}: {figure} (target {target}: {verdict})", flush=True)


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def measure(report: Report, quick: bool) -> None:
    measure_peers(report, quick)
    report.split = len(report.rows)
    million = 100_000 if quick else 1_000_000
    big = 1_000_000 if quick else 10_000_000

    # Import cost and loading from a fresh process.
    import usc_events
    from usc_events.errors import UscEventsError

    times = process_seconds({"pass": "pass", "import": "import usc_events"}, 21)
    extra = (statistics.median(times["import"]) - statistics.median(times["pass"])) * 1000
    report.add("`import usc_events`, added to `python -c pass` (median of 21 fresh processes)",
               f"{extra:.0f} ms (python -c pass: {statistics.median(times['pass']) * 1000:.0f} ms)",
               "≤ 60 ms", extra <= 60)
    try:
        meetings = usc_events.load("meetings", backend="arrow")
        from usc_events.store.load import bundled_folder as data_dir

        path = data_dir() / usc_events.manifest()["tables"]["meetings"]["file"]
        times = process_seconds({
            "load": "import usc_events; usc_events.load('meetings', backend='arrow')",
            "pyarrow": f"import pyarrow.parquet as pq; pq.read_table({str(path)!r})",
        }, 21)
        load, alone = statistics.median(times["load"]), statistics.median(times["pyarrow"])
        report.add(f"`load('meetings', backend='arrow')` in a fresh process ({meetings.num_rows} "
                   "rows) vs. pyarrow alone reading the same file",
                   f"{load * 1000:.0f} ms vs. {alone * 1000:.0f} ms: {load / alone:.2f}×",
                   "≤ 1.3×", load / alone <= 1.3)
    except UscEventsError as error:  # no packaged tables built
        report.notes.append(f"Loading was not measured: {error}")

    # Validation of a 1M-row statements table.
    corpus = corpus_files(million)
    fast = run_worker("validate", str(corpus))
    best = min(fast["seconds"])
    rate = fast["rows"] / best
    report.add(f"Validate {fast['rows']:,} statements with every rule (`check_corpus`: types, "
               "patterns, enums, uniqueness, foreign keys to actors, meetings and topics, date "
               "order), best of 3", f"{best:.2f} s = {rate / 1e6:.2f} M rows/s "
               f"({fast['findings']} findings)", "≥ 1 M rows/s", rate >= 1e6)
    ratio = fast["peak"] / fast["statements_bytes"]
    report.add("Peak memory while validating them (resident memory above the loaded tables)",
               f"{_mb(fast['peak'])} = {ratio:.2f}× the statements table "
               f"({_mb(fast['statements_bytes'])} in memory)", "≤ 3×", ratio <= 3)
    plain_run = run_worker("plain", str(corpus))
    ratio = plain_run["seconds"] / best
    report.add("The same rules row by row with pydantic (`model_validate` per row, Python sets)",
               f"{plain_run['seconds']:.1f} s: the fast path is {ratio:.0f}× faster",
               "≥ 5×", ratio >= 5)
    try:
        package = frictionless_package(corpus, million)
        seconds, valid, rows = frictionless_seconds(package)
        ratio = seconds / best
        report.notes.append(
            "frictionless checks the same rules except the list foreign key "
            "statements.topic_ids (Table Schema has none for lists), so it does slightly less "
            "work than `check_corpus`.")
        report.add("`frictionless validate` on the same tables (CSV with the derived Table "
                   "Schemas: types, patterns, enums, required, unique, foreign keys)",
                   f"{seconds:.1f} s for {rows:,} rows (valid: {valid}): the fast path is "
                   f"{ratio:.0f}× faster", "≥ 20×", ratio >= 20)
    except (FileNotFoundError, json.JSONDecodeError, ImportError) as error:
        report.notes.append(f"frictionless was not measured: {error}")
    spans = run_worker("spans", str(corpus))
    best_spans = min(spans["seconds"])
    report.add(f"Verify {spans['rows']:,} evidence spans (text[start:end] == quote, offsets in "
               f"code points) in {spans['documents']:,} documents, best of 3",
               f"{best_spans:.2f} s ({spans['mismatches']} mismatches; peak "
               f"{_mb(spans['peak'])})", "≤ 1 s", best_spans <= 1)
    report.add(f"Whole corpus, every rule ({spans['corpus_rows']:,} rows in 11 tables, "
               f"{_mb(spans['corpus_bytes'])})",
               f"{spans['corpus_seconds']:.2f} s, peak {_mb(spans['corpus_peak'])} "
               f"({spans['corpus_findings']} findings)", "(no target)", None)

    # Beyond memory.
    start = time.perf_counter()
    cached = (CACHE / f"scan-{big}-v{CACHE_VERSION}" / ".complete").is_file()
    root = partitioned_statements(big)
    prepared = (f"generated in {time.perf_counter() - start:.0f} s" if not cached
                else "taken from the cache of an earlier run")
    files = list((root / "statements").rglob("*.parquet"))
    size = sum(f.stat().st_size for f in files)
    report.notes.append(
        f"The {big:,}-statement dataset: {len(files)} Parquet files in "
        f"{len(list((root / 'statements').iterdir()))} year partitions, {_mb(size)} on disk "
        f"({prepared}).")
    query = f"speaker_id = '{QUERY_ACTOR}' and date_earliest in {QUERY_YEAR}"
    for backend in ("arrow", "arrow-no-year", "polars", "duckdb"):
        runs = [run_worker("scan", str(root), backend) for _ in range(3)]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = max(r["peak_total"] for r in runs)
        label = (f"{backend}, filtered on year = {QUERY_YEAR} too" if backend != "arrow-no-year"
                 else "arrow, no filter on year (row-group statistics only)")
        report.add(f"`scan('statements', backend=...)` over {big:,} rows, {label}: {query}",
                   f"{seconds:.3f} s, {runs[0]['rows']} rows; peak {_mb(peak)} (whole process)",
                   "≤ 0.5 s, ≤ 500 MB", seconds <= 0.5 and peak <= 500e6)
    for name in ("dask", "spark"):
        try:
            result = run_worker(name, str(root))
        except RuntimeError as error:
            report.notes.append(f"{name} could not read the dataset here: "
                                f"{str(error).splitlines()[-1]}")
            continue
        extra_text = (f"; Spark started in {result['startup']:.0f} s and counted "
                      f"{result['total']:,} rows" if name == "spark" else "")
        report.add(f"{name} {result['version']} reads the same files, same query",
                   f"{result['seconds']:.2f} s, {result['rows']} rows{extra_text}",
                   "opens unchanged", True)


def _ratio(report: Report, what: str, ours: list[float], peer: list[float], peer_name: str,
           limit: float, extra: str = "") -> None:
    a, b = peers.median(ours), peers.median(peer)
    report.add(what, f"{a * 1000:,.0f} ms vs. {peer_name} {b * 1000:,.0f} ms: "
               f"**{a / b:.2f}×**{extra}", f"≤ {limit}×", a / b <= limit)


def measure_peers(report: Report, quick: bool) -> None:
    """Issue 16's targets, each as a ratio against its peer on the same input."""
    repeat = 5 if quick else 11
    # Target 3: fresh processes of the commands and of their peers, interleaved; more of
    # them than elsewhere, as the ratios differ by a few milliseconds a process.
    starts = 5 if quick else 21
    from usc_events.store.load import bundled_folder

    table_file = bundled_folder() / "statements.parquet"
    times = peers.fresh_processes(peers.startup_commands(table_file), starts, ROOT)
    one = times["read one table"]
    _ratio(report, f"`usc-events validate` on the shipped data (median of {starts} fresh "
           "processes)", times["validate"], one, "a process reading one table", 2.5)
    _ratio(report, "`usc-events info`", times["info"], one, "a process reading one table", 1.5)
    _ratio(report, "`usc-events --help`", times["help"], times["import typer"],
           "`python -c \"import typer\"`", 1.2)
    for name, what in (("show", "`usc-events show han-zheng`"),
                       ("search", "`usc-events search tariffs`")):
        a, b = peers.median(times[name]), peers.median(one)
        report.add(what, f"{a * 1000:,.0f} ms = {a / b:.2f}× a process reading one table",
                   "(no target; no pandas)", None)
    one_table = peers.median(one)
    info_floor, validate_floor, hidden, hidden_floor = (peers.median(times[k]) for k in (
        "info's floor", "validate's floor", "validate, pandas hidden",
        "validate's floor, pandas hidden"))
    report.notes.append(
        "What the start-up ratios are made of (same run, medians; the project's modules "
        "compiled to bytecode first, as installing a wheel does): a process that imports "
        "typer, the part of typer that runs a command (`typer._adapters`, which imports "
        f"pydantic), `rich.table` and `rich.console` takes {info_floor * 1000:.0f} ms = "
        f"{info_floor / one_table:.2f}× the process reading one table: the floor of `info`. "
        "A process that imports what `validate` must (typer, `typer._adapters`, the records' "
        "pydantic models, PyYAML and `pyarrow.compute`) and pandas, and reads one table, "
        f"takes {validate_floor * 1000:.0f} ms = "
        f"{validate_floor / one_table:.2f}×: the floor of `validate` while pyarrow imports "
        "pandas behind the calls it needs (the note on pyarrow and pandas). `validate` "
        f"with pandas hidden from pyarrow takes {hidden * 1000:.0f} ms = "
        f"{hidden / one_table:.2f}×, where the same imports but pandas and reading one "
        f"table take {hidden_floor * 1000:.0f} ms = "
        f"{hidden_floor / one_table:.2f}×, leaving "
        f"{max(0.0, 2.5 * one_table - hidden_floor) * 1000:.0f} ms under the target for "
        "reading and checking the sources, the records files and the corpus. `--help` is "
        "click's plain help in one section per panel, without typer's rich help "
        "(`typer.rich_utils`, `rich.markdown`, `markdown_it`).")
    parts = [run_worker("help-parts") for _ in range(starts)]
    modules, commands, printed = (peers.median([p[k] for p in parts]) * 1000
                                  for k in ("modules", "commands", "help"))
    report.notes.append(
        f"What `--help` adds to `import typer` (medians of {starts} fresh processes, timed "
        f"inside them): the project's "
        f"command-line modules {modules:.1f} ms, typer making the click command of each of "
        f"the {parts[0]['command count']} commands and groups from its function's signature "
        f"{commands:.1f} ms (typer makes them all before it parses the first argument), and "
        f"the help itself {printed:.1f} ms.")
    imported = peers.pandas_imported(ROOT)
    report.add("Commands that import pandas, of `info`, `show`, `search`, `--help`",
               ", ".join(imported) or "none", "none", not imported)

    # Target 1: hints against 200k keys.
    actors, statements = (20_000, 20_000) if quick else (200_000, 100_000)
    hints = run_worker("hints", str(actors), str(statements), "1000")
    added = peers.median(hints["broken"]) - peers.median(hints["clean"])
    report.add(f"`check_corpus` with 1,000 dangling speaker ids against {actors:,} actors "
               f"({statements:,} statements), added to the same check without them (median of "
               "3, interleaved)",
               f"+{added:.2f} s ({peers.median(hints['clean']):.2f} s → "
               f"{peers.median(hints['broken']):.2f} s; {hints['dangling']} findings, "
               f"{hints['with_hint']} with a hint)", "≤ +1 s", added <= 1)

    # Target 4: validation against pandera-polars, 1M and 10M rows.
    sizes = (100_000, 1_000_000) if quick else (1_000_000, 10_000_000)
    results = {}
    for rows in sizes:
        # The smaller size runs more often: its fraction of a second is the ratio's divisor.
        repeats = 3 if rows > sizes[0] else 7
        result = run_worker("validation", str(statement_files(rows)), str(repeats),
                            timeout=3600)
        results[rows] = result
        ours, theirs = peers.median(result["ours"]), peers.median(result["pandera"])
        report.add(f"Validate {rows:,} statements (and their actors, meetings, topics): "
                   "`check_corpus` vs. pandera-polars with the same rules "
                   f"(median of {repeats}, interleaved)",
                   f"{ours:.2f} s vs. {theirs:.2f} s: **{theirs / ours:.2f}× faster** "
                   f"({result['our_findings']} findings, {result['pandera_failures']} failures)",
                   "≥ 1.5× faster", theirs / ours >= 1.5)
    small, large = sizes
    growth = peers.median(results[large]["ours"]) / peers.median(results[small]["ours"])
    theirs = peers.median(results[large]["pandera"]) / peers.median(results[small]["pandera"])
    report.add(f"Validation from {small:,} to {large:,} rows", f"{growth:.1f}× the time "
               f"for {large // small}× the rows (pandera-polars: {theirs:.1f}×)", "≤ 12×",
               growth <= 12)

    def grew(part: str) -> str:
        return f"{peers.median(results[large][part]) / peers.median(results[small][part]):.1f}×"

    report.notes.append(
        "Validation grows a little faster than the rows where it touches memory all over, "
        "once what it looks at no longer fits the processor's cache (same run, medians, "
        f"from {small:,} to {large:,} rows): whether the distinct statement ids repeat, "
        f"which sorts them, grows {grew('repeats')} (polars' `n_unique` of the same column "
        f"{grew('n_unique')}); the speaker ids looked up among the actors' ids, which the "
        f"synthetic corpus makes grow with the rows ({results[small]['actors']:,} to "
        f"{results[large]['actors']:,} actors; DuckDB answers from 100,000 keys on), grow "
        f"{grew('speakers')}. pandera-polars grows {theirs:.1f}× on the same tables.")

    # Target 2: the YAML build.
    for records in ((10_000,) if quick else (100_000, 1_000_000)):
        data = yaml_corpus(records)
        runs = [run_worker("yaml-build", str(data), timeout=7200)
                for _ in range(3 if records <= 100_000 else 1)]
        seconds = peers.median([r["seconds"] for r in runs])
        peak = max(r["peak"] for r in runs)
        worker_peak = max(r["worker_peak"] for r in runs)
        total = sum(n for t, n in runs[0]["rows"].items()
                    if t not in ("documents", "passages", "evidence"))
        limit, memory = (5, None) if records <= 100_000 else (60, 3 * 2**30)
        met = seconds <= limit * total / records and (memory is None or peak <= memory)
        own, workers = (peers.median([r[k] for r in runs]) for k in ("cpu", "worker_cpu"))
        report.notes.append(
            f"The build of {total:,} records used {own + workers:.1f} s of CPU in all "
            f"(medians): its worker processes {workers:.1f} s, reading the records files; its "
            f"own process {own:.1f} s, most of it reading the sources before the workers can "
            "start and checking the corpus rules after they end. On two cores no schedule of "
            f"that work ends in less than {(own + workers) / 2:.1f} s.")
        if memory is not None:
            report.notes.append(
                f"The build of {total:,} records holds the checked records as Arrow record "
                "batches, not as a Python dict per record, and the origin of each row as its "
                "path in its file, kept once per file; a worker sends a way to read a file's "
                "lines again rather than the marks, so only the files a violation names have "
                "their lines read. Its peak is the corpus rules' check of the Arrow tables.")
        report.add(f"Build from YAML: {total:,} records "
                   f"({'median of 3' if len(runs) > 1 else 'one run'})",
                   f"{seconds:.1f} s, peak {peak / 2**30:.2f} GiB "
                   f"(each worker at most {worker_peak / 2**30:.2f} GiB)",
                   f"≤ {limit} s per {records:,} records ({limit * total / records:.1f} s "
                   f"for {total:,})" + (", ≤ 3 GiB" if memory else ""), met)

    floor = run_worker("yaml-floor", str(yaml_corpus(10_000 if quick else 100_000)),
                       timeout=3600)
    rest = floor["build, one process"] - floor["read_yaml"]
    differ = floor["differ"]
    report.notes.append(
        f"Where the YAML build's time goes ({floor['files']} files, {_mb(floor['bytes'])}, one "
        f"process): libyaml's event stream alone, no value built, takes "
        f"{floor['events']:.1f} s; `read_yaml`, which reads a file of plain data for its "
        f"values alone, {floor['read_yaml']:.1f} s; the full reader, which also keeps the "
        f"line and column of every value, {floor['with lines']:.1f} s "
        f"({differ['with lines']} files' values differ); the whole build with its files read "
        f"in that one process {floor['build, one process']:.1f} s. The build's worker "
        "processes read each records file whole, on the two cores: they parse it, validate "
        "each record with pydantic, read its EDTF dates, locate its quotes and make Arrow "
        "record batches. The work beyond the parse takes "
        f"{rest:.1f} s in one process, and the build's own process reads the sources before "
        "the workers start and checks the corpus rules after they end.")
    if "rapidyaml" in floor:
        report.notes.append(
            f"Other parsers on the same files: rapidyaml builds its tree in "
            f"{floor['rapidyaml']:.1f} s, but its Python binding gives a line and column only "
            "for a syntax error, not for each node, and reading the tree into values, one "
            "binding call per node and property, with plain scalars resolved as PyYAML's safe "
            f"loader does, takes {floor['rapidyaml, values']:.1f} s ({differ['rapidyaml, values']} "
            "files' values differ from `read_yaml`'s): slower than libyaml's events, and no "
            "faster than `read_yaml`."
            + (f" yaml-rs loads them in {floor['yaml-rs']:.1f} s, values only and no marks; "
               f"{differ['yaml-rs']} of the {floor['files']} files come out different, because "
               "it reads YAML 1.2 and turns a quoted date (\"2022-02-11\") into a date, "
               "where the data files are read as PyYAML reads them (a quoted scalar is a "
               "string; `yes` is true)." if "yaml-rs" in floor else "")
            + (f" pyyaml-rs (yaml-rust behind PyYAML's API) loads them in "
               f"{floor['pyyaml-rs']:.1f} s, values only: it has no events, nodes or marks."
               if "pyyaml-rs" in floor else ""))

    # Target 5: scan against the engine's direct read, whole processes.
    big = 1_000_000 if quick else 10_000_000
    root = partitioned_statements(big)
    for backend in ("arrow", "polars", "duckdb"):
        codes = {"scan": peers.scan_code(root, backend, True, QUERY_ACTOR, QUERY_YEAR),
                 "direct": peers.scan_code(root, backend, False, QUERY_ACTOR, QUERY_YEAR)}
        times = process_seconds(codes, repeat)
        _ratio(report, f"`scan('statements', backend='{backend}')` over {big:,} rows, whole "
               f"process, filtered query (median of {repeat})", times["scan"],
               times["direct"], f"{backend} direct", 1.2)


PANDAS_NOTE = [
    "pyarrow imports pandas, when it is installed, behind some of its own calls: converting "
    "Python values (`pa.array`, `pa.scalar`, `pa.table` of lists, `Table.from_pylist`, a Python "
    "value given to a compute function), turning a timestamp with a time zone into Python "
    "(`to_pylist`), and importing `pyarrow.dataset` (`pq.read_table` goes through it). "
    "`info`, `show`, `search` and `--help` avoid all three (`store.python_values` lays strings "
    "into Arrow buffers and reads zoned timestamps as UTC instants; tables are read with "
    "`ParquetFile`); a test checks `sys.modules` after each command.",
    "`validate` and `build` still import pandas behind two calls they need: "
    "`pa.array` of each column's values (`build.arrow.to_batch`, the checked records "
    "becoming Arrow record batches) and `pa.array` of a vocabulary's values (`build.rules`, "
    "the enum rule). "
    "`scan(backend='arrow')` returns a `pyarrow.dataset.Dataset`, whose import imports "
    "pandas; the direct read it is compared with imports the same module.",
]


def write(report: Report, out: Path, seconds: float, quick: bool) -> None:
    report.load.append(os.getloadavg()[0])
    table = ["| what | measured | target | |", "|---|---|---|---|"]
    lines = [
        "# Performance",
        "",
        "Written by `python benchmarks/run.py`"
        + (" --quick (smaller sizes)" if quick else "")
        + f" on {dt.date.today().isoformat()}; the whole run took {seconds / 60:.1f} minutes.",
        "Every figure below comes from that one run; each compared pair ran side by side.",
        "",
        "**The ratios are the contract.** The machine is shared (two cores; load average "
        f"{report.load[0]:.1f} when the run began and {report.load[1]:.1f} when it ended), so "
        "seconds vary from run to run. Each measurement that has a peer runs interleaved with "
        "it (A, B, A, B, …) and the two are compared by their medians, so that a load weighs on "
        "both alike; a figure without a peer (the YAML build) is seconds and shows the load.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Against their peers",
        "",
        *table,
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in report.rows[:report.split]],
        "",
        "## Other figures",
        "",
        *table,
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in report.rows[report.split:]],
        "",
        "## Notes",
        "",
        "- The peers are installed with the `bench` extra (`pip install -e .[bench]`: "
        "polars, pandera-polars, rapidyaml, yaml-rs); frictionless, Dask and Spark with "
        "`test`, `dask` and `spark`.",
        "- The corpora are synthetic (`benchmarks/generate.py`): per N statements, N/50 actors, "
        "N/20 meetings with two participants each, 40 topics, one evidence quote per record and "
        "documents of 200 sentences; they pass every rule.",
        "- Validation, span verification and the row-by-row comparison each run in a fresh "
        "process on tables read from Parquet; peak memory is the rise of the process's peak "
        "resident size (VmHWM, reset before the call) above its size with the tables loaded.",
        "- The hints are measured in `check_corpus`, where `build` and `validate` compute them: "
        "the same tables with and without the misspelt ids, interleaved.",
        "- pandera-polars validates the same tables converted to polars once (not timed) with a "
        "schema written from the same column definitions (`benchmarks/peers.py`): types, "
        "required columns, patterns, vocabularies, lengths, minimums, unique primary keys, "
        "every foreign key (lists element by element) and the date order.",
        "- The YAML build's peak is the build process's own peak resident size; the peak of "
        "each of its worker processes (two, one per core) is given beside it.",
        *[f"- {note}" for note in PANDAS_NOTE],
        *[f"- {note}" for note in report.notes],
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        print(json.dumps(WORKERS[sys.argv[2]](*sys.argv[3:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    start = time.perf_counter()
    report = Report()
    measure(report, options.quick)
    write(report, options.out, time.perf_counter() - start, options.quick)


if __name__ == "__main__":
    main()
