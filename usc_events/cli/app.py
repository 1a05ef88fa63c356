"""The ``usc-events`` command line.

Exit codes: 0 success; 1 the data is invalid, or a check or search found a
difference or nothing; 2 usage errors (typer's own, and a UsageProblem: an optional
feature used without its extra (see :mod:`usc_events.extras`), an argument too long,
an output folder usc-events will not replace).
"""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from usc_events.cli.cite import register as register_cite_command
from usc_events.cli.console import err, out, plain, speak_cli, usage
from usc_events.cli.contribute import register as register_contrib_commands
from usc_events.cli.explore import register as register_query_commands
from usc_events.cli.panels import EXPLORE, MAINTAIN, in_panel_order, new_app
from usc_events.cli.releases import register as register_release_commands

app = new_app(
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
    from usc_events.errors import UnsafeOutput
    from usc_events.store.parquet import check_out_dir, compare, write

    target = out_dir or _default_out(data)
    if not check:
        try:
            check_out_dir(target, data)
        except UnsafeOutput as error:
            raise usage(str(error)) from None
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
    write(corpus, target, data)
    total = sum(t.num_rows for t in corpus.tables.values())
    out.print(
        f"Built {len(corpus.tables)} tables ({total} rows), dataset {corpus.version}.",
        highlight=False,
    )


@app.command(rich_help_panel=EXPLORE)
def info(
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="List at most N documents [default: all].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Dataset version, each table with its row count, and the documents."""
    from rich.table import Table
    from rich.text import Text

    import usc_events
    from usc_events.cli import render
    from usc_events.store.load import PACKAGE
    from usc_events.store.manifest import listed_documents

    manifest = usc_events.manifest()
    documents = listed_documents(manifest, PACKAGE)
    shown = documents[:limit]
    if as_json:
        payload: dict[str, Any] = {
            "dataset_version": manifest["dataset_version"],
            "schema_version": manifest["schema_version"],
            "package_version": usc_events.__version__,
            "tables": {t: manifest["tables"][t]["rows"] for t in usc_events.tables()},
            "documents": shown,
        }
        import json

        out.print_json(json.dumps(payload, default=str))
        return
    counts = Table.grid(padding=(0, 2))
    counts.add_column()
    counts.add_column(justify="right")
    for name in usc_events.tables():
        counts.add_row(name, str(manifest["tables"][name]["rows"]))
    about = [
        f"{render.flat(d['outlet'])} · {d['kind']} · published "
        + _interval(d["published_earliest"], d["published_latest"])
        for d in shown
    ]
    render.show(
        render.heading(
            f"usc-events dataset {manifest['dataset_version']} "
            f"(schema {manifest['schema_version']}, package {usc_events.__version__})"
        ),
        render.heading("Tables"),
        render.indent(counts),
        render.heading(f"Documents ({len(documents)})"),
        render.listing([[d["document_id"]] for d in shown], [Text(a) for a in about], full=True),
    )
    if len(shown) < len(documents):
        left = len(documents) - len(shown)
        more = render.count(left, "more document")
        render.show(Text(f"… and {more} (raise --limit to see them)"))


def _interval(earliest: Any, latest: Any) -> str:
    if earliest is None:
        return "date unknown"
    low, high = f"{earliest:%Y-%m-%d %H:%M}", f"{latest:%Y-%m-%d %H:%M}"
    return f"{low} UTC" if low == high else f"{low} – {high} UTC"


register_query_commands(app)
register_cite_command(app)
app.command(rich_help_panel=MAINTAIN)(build)
register_release_commands(app)
register_contrib_commands(app)
in_panel_order(app)


def main() -> None:
    """Entry point: run the app, turning expected errors into one clear message."""
    try:
        app()
    except Exception as error:  # told apart, and any unexpected one raised again, below
        sys.exit(_explain(error))


def _explain(error: Exception) -> int:
    """Print an expected error's message and give the exit status; raise any other error.

    The error classes are imported here, so that a command that fails on nothing
    (``--help`` above all) does not import them.
    """
    from usc_events.errors import DataInvalid, UsageProblem, UscEventsError

    if isinstance(error, DataInvalid):
        for violation in error.violations:
            err.print(plain(violation), highlight=False, markup=False)
        count = len(error.violations)
        err.print(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was written.",
            highlight=False,
        )
        return 1
    if isinstance(error, UsageProblem):  # a missing extra, a path that names nothing
        err.print(f"error: {plain(error)}", highlight=False, markup=False)
        return 2
    if isinstance(error, UscEventsError | ValueError):
        err.print(f"error: {plain(speak_cli(error))}", highlight=False, markup=False)
        return 1
    raise error

