"""The contributors' commands: ``validate``, ``schema``, ``new`` and ``propose``.

Exit codes: 0 success (valid); 1 the contribution is invalid; 2 usage errors and
input that cannot be read (a missing path, a file that is no contribution file).
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from usc_events.cli.console import err, out, plain
from usc_events.cli.panels import CONTRIBUTE


class Format(StrEnum):
    """Output formats of ``validate``."""

    text = "text"
    json = "json"


DataOption = Annotated[
    Path,
    typer.Option("--data", help="The corpus to check against [default: data/, else the "
                 "packaged tables]."),
]


def _usage(message: str, fmt: Format = Format.text) -> typer.Exit:
    if fmt is Format.json:
        import json

        out.print_json(json.dumps({"valid": False, "error": message}))
    else:
        err.print(f"error: {message}", markup=False)
    return typer.Exit(2)


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Contribution files or folders [default: the whole data/ folder]."),
    ] = None,
    data: DataOption = Path("data"),
    fmt: Annotated[Format, typer.Option("--format", help="text, or json for bots.")] = Format.text,
) -> None:
    """Check contribution files against the schemas and the corpus; write nothing.

    Every problem is reported with file:line:column, record, field, value, what was
    expected and a hint; exit 0 when valid, 1 when not, 2 when the input cannot be read.
    """
    from usc_events.contrib.validate import validate as run
    from usc_events.errors import UsageProblem

    try:
        report = run(paths or [], data)
    except UsageProblem as problem:
        raise _usage(str(problem), fmt) from None
    if fmt is Format.json:
        import json

        out.print_json(json.dumps(report.as_json(), default=str, ensure_ascii=False))
    else:
        for violation in report.violations:
            out.print(plain(violation), markup=False)
        out.print(report.summary(), markup=False)
    if not report.valid:
        raise typer.Exit(1)


def schema(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the JSON Schema files into.")
    ] = Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files in --out differ.")
    ] = False,
) -> None:
    """Write the JSON Schema of every contribution file kind (<table>.schema.json)."""
    from usc_events.contrib.templates import schema_texts, write_schemas

    if check:
        stale = [
            name
            for name, text in schema_texts().items()
            if not (out_dir / name).is_file()
            or (out_dir / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            err.print(f"differs: {out_dir / name}", markup=False)
        if stale:
            err.print("run 'usc-events schema' and commit the result.", markup=False)
            raise typer.Exit(1)
        out.print(f"The schemas in {out_dir} are up to date.", markup=False)
        return
    written = write_schemas(out_dir)
    out.print(f"Wrote {len(written)} JSON Schema files to {out_dir}.", markup=False)


def new(
    table: Annotated[str, typer.Argument(help="The table of the new record, e.g. statements.")],
) -> None:
    """Print a commented template of a new record of TABLE (documents: a source's metadata)."""
    from usc_events.contrib.templates import contribution_kinds, template

    if table not in contribution_kinds():
        raise _usage(f"unknown table {table!r}; choose one of: {', '.join(contribution_kinds())}")
    out.print(template(table), end="", markup=False)


def propose(
    article: Annotated[Path, typer.Argument(help="The new article, a UTF-8 text file.")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="A new folder to write the draft into [default: print it]."),
    ] = None,
    data: DataOption = Path("data"),
) -> None:
    """Draft a contribution from a new article, every record marked NEEDS REVIEW.

    Drafts quotes with their speakers where the sentence names them, meetings and
    calls with their participants and dates, new actors, the known actors mentioned
    and the dates in the text. Nothing is written into data/: review the draft, then
    move it there (see docs/contributing.md).
    """
    from usc_events.build.yaml_reader import read_text
    from usc_events.contrib.propose import known_corpus, propose, write_draft
    from usc_events.errors import DataInvalid

    if not article.is_file():
        raise _usage(f"{article}: no such file")
    if out_dir is not None:
        target = out_dir.resolve()
        if data.is_dir() and target.is_relative_to(data.resolve()):
            raise _usage(f"{out_dir}: drafts are never written into {data}/; choose a folder "
                         "outside it, review the draft, then move the files in")
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise _usage(f"{out_dir}: already exists and is not empty; choose a new folder")
    try:
        text = read_text(article, article.as_posix())
        actors, documents, topics = known_corpus(data if data.is_dir() else None)
    except DataInvalid as error:
        for violation in error.violations:
            err.print(plain(violation), markup=False)
        err.print("nothing was written.", markup=False)
        raise typer.Exit(1) from None
    draft = propose(text, article.read_bytes(), article.name, actors, documents, topics)
    if out_dir is None:
        for name, content in draft.files.items():
            out.print(f"# ==> {name} <==", markup=False)
            out.print(content, markup=False)
        out.print(f"# ==> sources/{draft.text_name} <== (a copy of {article.name})",
                  markup=False)
        return
    written = write_draft(draft, out_dir)
    for path in written:
        out.print(f"wrote {path.relative_to(out_dir.resolve()).as_posix()}", markup=False)
    out.print(f"Review every NEEDS REVIEW note, then run: usc-events validate {out_dir}",
              markup=False)


def register(app: typer.Typer) -> None:
    """Add the contributors' commands to ``app``."""
    app.command("validate", rich_help_panel=CONTRIBUTE)(validate)
    app.command("new", rich_help_panel=CONTRIBUTE)(new)
    app.command("schema", rich_help_panel=CONTRIBUTE)(schema)
    app.command("propose", rich_help_panel=CONTRIBUTE)(propose)
