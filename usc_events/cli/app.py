"""The ``usc-events`` command line.

Exit codes: 0 success; 1 the data is invalid, or a check or search found a
difference or nothing; 2 usage errors (typer's own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from usc_events.cli.console import err, out
from usc_events.cli.contribute import register as register_contrib_commands
from usc_events.cli.explore import register as register_query_commands
from usc_events.cli.releases import register as register_release_commands
from usc_events.errors import DataInvalid, UscEventsError

app = typer.Typer(
    name="usc-events",
    help="A hand-curated, evidence-linked dataset of US–China diplomatic events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataOption = Annotated[
    Path,
    typer.Option("--data", help="The data folder to read (dataset.yaml, sources/, records/)."),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", help="Where to write the tables [default: usc_events/data beside --data]."
    ),
]


def _default_out(data: Path) -> Path:
    return data.resolve().parent / "usc_events" / "data"


@app.command()
def build(
    data: DataOption = Path("data"),
    out_dir: OutOption = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if the tables differ from a fresh build."
        ),
    ] = False,
) -> None:
    """Check everything under data/ and write the Parquet tables and their manifest."""
    from usc_events.build.builder import build as build_tables
    from usc_events.store.parquet import compare, write

    target = out_dir or _default_out(data)
    corpus = build_tables(data)
    if check:
        differences = compare(corpus, target)
        if differences:
            for line in differences:
                err.print(f"[red]differs[/red] {line}", highlight=False)
            err.print(
                f"{len(differences)} table(s) differ from a fresh build of {data}; "
                "run 'usc-events build' and commit the result.",
                highlight=False,
            )
            raise typer.Exit(1)
        out.print(
            f"The tables match a fresh build of {data} (dataset {corpus.version}).", highlight=False
        )
        return
    write(corpus, target)
    total = sum(t.num_rows for t in corpus.tables.values())
    out.print(
        f"Built {len(corpus.tables)} tables ({total} rows), dataset {corpus.version}.",
        highlight=False,
    )


@app.command()
def info(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Dataset version, each table with its row count, and the documents."""
    import usc_events

    manifest = usc_events.manifest()
    from usc_events.store.python_values import python_rows

    documents = python_rows(
        usc_events.load("documents", backend="arrow").select(
            ["document_id", "file_name", "outlet", "kind", "published_earliest", "published_latest"]
        )
    )
    if as_json:
        payload: dict[str, Any] = {
            "dataset_version": manifest["dataset_version"],
            "schema_version": manifest["schema_version"],
            "package_version": usc_events.__version__,
            "tables": {t: manifest["tables"][t]["rows"] for t in usc_events.tables()},
            "documents": documents,
        }
        out.print_json(json.dumps(payload, default=str))
        return
    out.print(
        f"[bold]usc-events[/bold] dataset {manifest['dataset_version']} "
        f"(schema {manifest['schema_version']}, package {usc_events.__version__})"
    )
    counts = Table(title="Tables")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name in usc_events.tables():
        counts.add_row(name, str(manifest["tables"][name]["rows"]))
    out.print(counts)
    docs = Table(title="Documents")
    for column in ("document", "file", "outlet", "kind", "published (UTC)"):
        docs.add_column(column)
    for d in documents:
        docs.add_row(
            d["document_id"],
            d["file_name"],
            d["outlet"] or "—",
            d["kind"],
            _interval(d["published_earliest"], d["published_latest"]),
        )
    out.print(docs)


def _interval(earliest: Any, latest: Any) -> str:
    if earliest is None:
        return "unknown"
    low, high = f"{earliest:%Y-%m-%d %H:%M}", f"{latest:%Y-%m-%d %H:%M}"
    return low if low == high else f"{low} – {high}"


register_release_commands(app)
register_query_commands(app)
register_contrib_commands(app)


def main() -> None:
    """Entry point: run the app, turning expected errors into one clear message."""
    try:
        app()
    except DataInvalid as error:
        for violation in error.violations:
            err.print(str(violation), highlight=False, markup=False)
        count = len(error.violations)
        err.print(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was written.",
            highlight=False,
        )
        sys.exit(1)
    except (UscEventsError, ValueError) as error:
        err.print(f"error: {error}", highlight=False, markup=False)
        sys.exit(1)

