"""The generated documentation: the data dictionary and the datasheet's figures.

The data dictionary is checked against the tables as they are actually stored (the
packaged Parquet files), so a column missing from the page, or shown with another type,
nullability or key, fails here. The site itself is built by CI (`mkdocs build --strict`).
"""

from __future__ import annotations

import doctest
import re
from enum import StrEnum
from pathlib import Path

import pyarrow as pa
import pytest

import usc_events
from usc_events.docgen import datasheet, dictionary
from usc_events.schema import models, vocabularies
from usc_events.schema.columns import columns

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def page() -> str:
    return dictionary.render_markdown()


def _level(line: str) -> int:
    return len(line) - len(line.lstrip("#")) if line.startswith("#") else 0


def _section(page: str, heading: str) -> str:
    """The text of the section whose heading line starts with ``heading``."""
    lines = page.splitlines()
    (start,) = [i for i, line in enumerate(lines) if line.startswith(heading)]
    level = _level(lines[start])
    end = next(
        (i for i in range(start + 1, len(lines)) if 0 < _level(lines[i]) <= level), len(lines)
    )
    return "\n".join(lines[start:end])


def _rows(section: str) -> dict[str, list[str]]:
    """The cells of each row of the section's column table, by column name.

    Cells are separated by " | "; the page escapes a pipe in prose and a code span
    (a pattern) holds no pipe between spaces.
    """
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z0-9_]+)` \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line[2:-2].split(" | ")]
    return rows


def _stored_type(data_type: pa.DataType) -> str:
    if pa.types.is_list(data_type):
        return f"list<{data_type.value_type}>"
    return str(data_type)


@pytest.mark.parametrize("table", usc_events.tables())
def test_dictionary_lists_every_column_of_every_table_with_its_stored_type(
    page: str, table: str
) -> None:
    stored = usc_events.load(table, backend="arrow").schema
    rows = _rows(_section(page, f"## `{table}`"))
    assert list(rows) == stored.names
    for field in stored:
        name, type_cell, null_cell = rows[field.name][:3]
        assert name == f"`{field.name}`"
        assert type_cell == f"`{_stored_type(field.type)}`"
        assert null_cell == ("yes" if field.nullable else "no")


@pytest.mark.parametrize("table", usc_events.tables())
def test_dictionary_gives_keys_enum_values_and_meanings(page: str, table: str) -> None:
    section = _section(page, f"## `{table}`")
    rows = _rows(section)
    definition = models.TABLE_MODELS[table]
    assert f"Primary key: `{definition.primary_key}`." in section
    for column in columns(table):
        _, _, _, key, constraints, meaning = rows[column.name]
        assert ("primary key" in key) == column.primary_key
        if column.foreign_key:
            target = models.TABLE_MODELS[column.foreign_key]
            assert f"[`{target.table}`](#table-{target.table}).`{target.primary_key}`" in key
        else:
            assert "→" not in key
        for value in column.enum or ():
            assert f"`{value}`" in constraints
        if column.pattern:
            assert column.pattern in constraints
        assert meaning == " ".join(column.description.split())


def _vocabularies() -> list[type[StrEnum]]:
    return [
        item
        for item in vars(vocabularies).values()
        if isinstance(item, type) and issubclass(item, vocabularies.Vocabulary) and len(item)
    ]


@pytest.mark.parametrize("vocabulary", _vocabularies(), ids=lambda v: v.__name__)
def test_every_vocabulary_value_has_a_meaning_on_the_page(
    page: str, vocabulary: type[vocabularies.Vocabulary]
) -> None:
    section = _section(page, f"### {vocabulary.__name__} ")
    for member in vocabulary:
        assert member.meaning.strip(), f"{vocabulary.__name__}.{member.name} has no meaning"
        assert f"| `{member.value}` | {member.meaning} |" in section


def test_every_enum_column_uses_a_vocabulary_with_meanings() -> None:
    for table in usc_events.tables():
        for column in columns(table):
            if column.enum:
                assert column.vocabulary is not None
                assert issubclass(column.vocabulary, vocabularies.Vocabulary), (
                    f"{table}.{column.name}: {column.vocabulary.__name__} should subclass "
                    "Vocabulary so that each value states its meaning"
                )


def test_dictionary_lists_every_foreign_key_under_relationships(page: str) -> None:
    section = _section(page, "## Relationships")
    for table in usc_events.tables():
        for column in columns(table):
            if column.foreign_key:
                target = models.TABLE_MODELS[column.foreign_key]
                assert f"| `{table}.{column.name}`" in section
                assert f"`{target.table}.{target.primary_key}` |" in section


def test_vocabulary_members_keep_their_string_values() -> None:
    assert vocabularies.MeetingKind("phone_call") is vocabularies.MeetingKind.phone_call
    assert vocabularies.MeetingKind.phone_call == "phone_call"
    assert vocabularies.MeetingKind.phone_call.value == "phone_call"
    assert vocabularies.MeetingKind.phone_call.meaning


@pytest.fixture(scope="module")
def figures() -> str:
    return datasheet.render_markdown()


def test_datasheet_figures_give_the_rows_of_every_table(figures: str) -> None:
    manifest = usc_events.manifest()
    for table in usc_events.tables():
        assert f"| `{table}` | {manifest['tables'][table]['rows']} |" in figures


def test_datasheet_figures_list_every_document_with_its_evidence(figures: str) -> None:
    documents = usc_events.load("documents", backend="arrow").to_pylist()
    evidence = usc_events.load("evidence", backend="arrow").column("document_id").to_pylist()
    for document in documents:
        row = next(line for line in figures.splitlines() if f"`{document['file_name']}`" in line)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[-2] == str(len(document["text"]))
        assert cells[-1] == str(evidence.count(document["document_id"]))


def test_datasheet_figures_count_statements_by_channel_and_kind(figures: str) -> None:
    statements = usc_events.load("statements", backend="arrow").to_pylist()
    section = _section(figures, "### Statements by channel and kind")
    total = 0
    for line in section.splitlines():
        if line.startswith("| `"):
            total += sum(int(cell) for cell in line.strip("|").split("|")[1:])
    assert total == len(statements)


def test_datasheet_prose_describes_every_shipped_document() -> None:
    """A release that adds a document must describe it in the datasheet."""
    text = (ROOT / "docs" / "datasheet.md").read_text(encoding="utf-8")
    assert "<!-- usc-events: corpus-figures -->" in text
    for document in usc_events.load("documents", backend="arrow").to_pylist():
        assert f"`{document['file_name']}`" in text, document["file_name"]


@pytest.mark.parametrize("module", [dictionary, datasheet], ids=lambda m: m.__name__)
def test_examples_in_docstrings_run(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


def test_datasheet_figures_count_statements_by_speaker(figures: str) -> None:
    names = {a.actor_id: a.name for a in usc_events.records("actors")}
    speakers = [s.speaker_id for s in usc_events.records("statements")]
    section = _section(figures, "### Statements by speaker")
    for speaker in set(speakers):
        assert f"| {names[speaker]} | {speakers.count(speaker)} |" in section


def test_the_readme_shows_pictures_that_exist() -> None:
    """Every image the README shows is in the repository, as a PNG."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert pictures, "the README shows the evidence pages"
    for picture in pictures:
        assert (ROOT / picture).read_bytes().startswith(b"\x89PNG"), picture
