"""The corpus's composition in figures, rendered as Markdown for its datasheet.

Everything is counted from the packaged tables and their manifest at the moment of
rendering, so the figures the datasheet prints are those of the release it documents.

Examples
--------
>>> from usc_events.docgen.datasheet import render_markdown
>>> "| `documents` |" in render_markdown()
True
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from usc_events.schema.columns import columns
from usc_events.schema.names import TABLE_NAMES

if TYPE_CHECKING:
    import pyarrow as pa


def _cell(value: Any) -> str:
    return " ".join(str(value).replace("|", "\\|").split())


def _vocabulary(table: str, column: str) -> tuple[str, ...]:
    """The allowed values of an enum column, in the order the definition gives them."""
    (found,) = (c for c in columns(table) if c.name == column)
    if found.enum is None:
        raise ValueError(f"{table}.{column} is not an enum column")
    return found.enum


def _count(data: pa.Table, *names: str) -> Counter[tuple[Any, ...]]:
    return Counter(zip(*(data.column(n).to_pylist() for n in names), strict=True))


def _tables_section(manifest: dict[str, Any], order: list[str]) -> list[str]:
    lines = [
        "| table | rows |",
        "|---|---:|",
    ]
    for table in order:
        lines.append(f"| `{table}` | {manifest['tables'][table]['rows']} |")
    return [*lines, ""]


def _documents_section(documents: pa.Table, evidence: pa.Table) -> list[str]:
    cited = _count(evidence, "document_id")
    lines = [
        "| file | outlet | author as printed | kind | date as printed | characters "
        "| evidence rows |",
        "|---|---|---|---|---|---:|---:|",
    ]
    for d in sorted(documents.to_pylist(), key=lambda d: d["file_name"]):
        lines.append(
            f"| `{d['file_name']}` | {_cell(d['outlet'] or 'not named in the text')} "
            f"| {_cell(d['author'] or 'none')} | `{d['kind']}` "
            f"| {_cell(d['published_text'] or 'none')} | {len(d['text'])} "
            f"| {cited[(d['document_id'],)]} |"
        )
    return [*lines, ""]


def _support_section(documents: pa.Table, evidence: pa.Table) -> list[str]:
    """Per evidenced table: how many records each document supports, and how many only it."""
    files = dict(
        zip(
            documents.column("document_id").to_pylist(),
            documents.column("file_name").to_pylist(),
            strict=True,
        )
    )
    order = sorted(files, key=files.__getitem__)
    cited: dict[tuple[str, str], set[str]] = {}
    for row in evidence.select(["record_type", "record_id", "document_id"]).to_pylist():
        cited.setdefault((row["record_type"], row["record_id"]), set()).add(row["document_id"])
    lines = [
        "Records of each table with evidence from each document; in brackets, how many "
        "rest on that document alone.",
        "",
        "| table | " + " | ".join(f"`{files[d]}`" for d in order) + " |",
        "|---|" + "---:|" * len(order),
    ]
    for table in _vocabulary("evidence", "record_type"):
        cells = []
        for document in order:
            sources = [docs for (t, _), docs in cited.items() if t == table and document in docs]
            alone = sum(1 for docs in sources if len(docs) == 1)
            cells.append(f"{len(sources)} ({alone})")
        lines.append(f"| `{table}` | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _statements_section(statements: pa.Table) -> list[str]:
    counts = _count(statements, "channel", "kind")
    kinds = _vocabulary("statements", "kind")
    lines = [
        "| channel | " + " | ".join(f"`{k}`" for k in kinds) + " |",
        "|---|" + "---:|" * len(kinds),
    ]
    for channel in _vocabulary("statements", "channel"):
        row = " | ".join(str(counts[(channel, k)]) for k in kinds)
        lines.append(f"| `{channel}` | {row} |")
    return [*lines, ""]


def _speakers_section(statements: pa.Table, actors: pa.Table) -> list[str]:
    names = dict(
        zip(actors.column("actor_id").to_pylist(), actors.column("name").to_pylist(), strict=True)
    )
    counts = _count(statements, "speaker_id")
    lines = ["| speaker | statements |", "|---|---:|"]
    for (speaker,), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {_cell(names.get(speaker, speaker))} | {n} |")
    return [*lines, ""]


def _enum_counts(data: pa.Table, table: str, column: str) -> list[str]:
    counts = _count(data, column)
    lines = [f"| {column} | rows |", "|---|---:|"]
    for value in _vocabulary(table, column):
        lines.append(f"| `{value}` | {counts[(value,)]} |")
    if None in {key[0] for key in counts}:
        lines.append(f"| null | {counts[(None,)]} |")
    return [*lines, ""]


def _attribution_section(evidence: pa.Table) -> list[str]:
    counts = _count(evidence, "attribution")
    credited = sum(n for (who,), n in counts.items() if who is not None)
    lines = [
        f"{credited} of {evidence.num_rows} evidence rows record an attribution: whom "
        "the document credits for what the quote says (an agency, a ministry, a "
        f"spokesperson). The other {evidence.num_rows - credited} record none.",
        "",
        "| credited to | evidence rows |",
        "|---|---:|",
    ]
    ranked = sorted(
        ((who, n) for (who,), n in counts.items() if who is not None),
        key=lambda item: (-item[1], item[0]),
    )
    for who, n in ranked:
        lines.append(f"| {_cell(who)} | {n} |")
    return [*lines, ""]


def render_markdown() -> str:
    """The composition of the packaged corpus as Markdown.

    Returns
    -------
    str
        The release's versions; the rows of every table; each source document with
        its outlet, author, kind, printed date, length and evidence rows; the records
        each document supports; the statements by channel and kind, and by speaker;
        the positions by status; the dating of the meetings; and whom the evidence is
        credited to. Headings are level 3.

    Raises
    ------
    usc_events.errors.TableCorrupt
        When the packaged tables are missing or do not match their manifest.
    """
    from usc_events.store.load import bundled_manifest, read_bundled

    manifest = bundled_manifest()
    documents = read_bundled("documents")
    evidence = read_bundled("evidence")
    statements = read_bundled("statements")
    positions = read_bundled("positions")
    meetings = read_bundled("meetings")
    lines = [
        "<!-- Generated by usc_events.docgen.datasheet.render_markdown(); do not edit. -->",
        "",
        f"Figures of dataset version {manifest['dataset_version']} "
        f"(schema {manifest['schema_version']}), counted from the packaged tables when "
        "this page was built.",
        "",
        "### Rows per table",
        "",
        *_tables_section(manifest, list(TABLE_NAMES)),
        "### Source documents",
        "",
        *_documents_section(documents, evidence),
        "### Records supported by each document",
        "",
        *_support_section(documents, evidence),
        "### Statements by channel and kind",
        "",
        *_statements_section(statements),
        "### Statements by speaker",
        "",
        *_speakers_section(statements, read_bundled("actors")),
        "### Positions by status",
        "",
        *_enum_counts(positions, "positions", "status"),
        "### How the meetings are dated",
        "",
        *_enum_counts(meetings, "meetings", "date_basis"),
        "### Whom the evidence is credited to",
        "",
        *_attribution_section(evidence),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"
