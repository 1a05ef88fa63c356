"""Citing the dataset and its records: the facts agree with CITATION.cff, every source of
a record is cited with its URL, and each format is read back by a real parser.

Parsers: bibtexparser (BibTeX), rispy (RIS), the official CSL-JSON input schema
(``tests/data/csl-data.json``, vendored from the Citation Style Language project under
the MIT licence, see ``tests/data/csl-data.LICENSE.txt``) and citeproc-py's CSL-JSON
reader. citeproc-py also renders the dataset's citation; it cannot render a date range
within one month (a bug of citeproc-py 0.11), so records are read by it, not rendered.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema  # type: ignore[import-untyped]
import pytest
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import (
    Citation as CiteprocCitation,
)
from citeproc import (
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

import usc_events
from usc_events.errors import InvalidValue, NotFound
from usc_events.query.cite import CITE_FORMATS, Citation, Source, to_bibtex, to_ris
from usc_events.store.metadata import AUTHOR, CITED_RELEASE, LICENSE_ID, TITLE

ROOT = Path(__file__).resolve().parent.parent
CSL_SCHEMA = Path(__file__).parent / "data" / "csl-data.json"
#: Records of several tables, as (id, table); the id of a position is also a statement's.
RECORDS = [("han-vance-meeting", None), ("han-extensive-common-interests", None),
           ("musk-opposes-tiktok-ban", "positions"), ("han-zheng-vice-president", None),
           ("han-zheng", None)]
NOTHING = (None, None)


def _rows(table: str) -> list[dict[str, Any]]:
    return usc_events.load(table, backend="arrow").to_pylist()  # type: ignore[arg-type]


def _sources_of(record_id: str, table: str | None) -> tuple[dict[str, str | None],
                                                           dict[str, str]]:
    """The documents (id -> URL) and references (id -> URL) behind a record, from the
    tables themselves."""
    found = usc_events.open(backend="arrow").record(record_id, table)
    documents = {d["document_id"]: d["url"] for d in _rows("documents")}
    references = {r["reference_id"]: r["url"] for r in _rows("references")}
    quoted = {e["document_id"] for e in _rows("evidence")
              if (e["record_type"], e["record_id"]) == (found.table, record_id)}
    cited = {c["reference_id"] for c in _rows("citations")
             if (c["record_type"], c["record_id"]) == (found.table, record_id)}
    return ({d: documents[d] for d in quoted}, {r: references[r] for r in cited})


# --- the facts ----------------------------------------------------------------------------


def test_the_shipped_facts_agree_with_citation_cff_and_the_release_index() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["title"], cff["license"], cff["authors"][0]["name"]) == (TITLE, LICENSE_ID,
                                                                         AUTHOR)
    version, day = CITED_RELEASE
    assert cff["version"] == version and str(cff["date-released"]) == day
    index = json.loads((ROOT / "releases" / "versions.json").read_text(encoding="utf-8"))
    assert index["versions"][version]["created"][:10] == day
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{version}] - {day}" in changelog
    # The packaged tables are that version, so their citation carries its date.
    assert usc_events.manifest()["dataset_version"] == version


def test_the_dataset_citation_as_text() -> None:
    version, day = CITED_RELEASE
    assert usc_events.cite() == (
        f"{AUTHOR} ({day[:4]}). {TITLE} (data version {version}, released {day}) "
        f"[Data set]. Licensed {LICENSE_ID}, https://creativecommons.org/licenses/by/4.0/\n")


@pytest.mark.parametrize(("record_id", "table"), RECORDS)
def test_a_record_cites_its_table_id_version_and_every_source_with_its_url(
        record_id: str, table: str | None) -> None:
    text = usc_events.cite(record_id, table=table)
    found = usc_events.open(backend="arrow").record(record_id, table)
    assert text.startswith(f"Record {found.table}:{record_id} (")
    assert f"data version {CITED_RELEASE[0]}" in text
    documents, references = _sources_of(record_id, table)
    assert documents, "every record here has evidence"
    for source_id, url in [*documents.items(), *references.items()]:
        [line] = [line for line in text.splitlines() if line.startswith(f"  - {source_id}:")]
        if url:
            assert url in line
    listed = re.findall(r"^  - ([a-z0-9-]+):", text, re.M)
    assert sorted(listed) == sorted([*documents, *references])


# --- the formats, read back ----------------------------------------------------------------


@pytest.mark.parametrize(("record_id", "table"), [NOTHING, *RECORDS])
def test_bibtex_parses_and_names_every_source(record_id: str | None,
                                              table: str | None) -> None:
    library = bibtexparser.parse_string(usc_events.cite(record_id, "bibtex", table=table),
                                        append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    assert len({e.key for e in library.entries}) == len(library.entries)
    dataset = library.entries[0]
    assert dataset.entry_type == "misc"
    assert dataset["title"] == TITLE and dataset["version"] == CITED_RELEASE[0]
    assert dataset["year"] == CITED_RELEASE[1][:4]
    if record_id is None:
        assert len(library.entries) == 1
        return
    documents, references = _sources_of(record_id, table)
    record, *sources = library.entries[1:]
    assert record_id in record["title"]
    assert set(record["related"].split(",")) == {e.key for e in sources}
    # URLs are verbatim: read undecoded, as the url package reads them.
    raw = bibtexparser.parse_string(usc_events.cite(record_id, "bibtex", table=table))
    urls = {e["url"] for e in raw.entries[2:] if "url" in e.fields_dict}
    assert urls == {u for u in [*documents.values(), *references.values()] if u}
    assert len(sources) == len(documents) + len(references)


def test_bibtex_escapes_what_latex_would_read_as_commands() -> None:
    awkward = "AT&T's 50% {share} #1 of $x_y$ ~ ^ \\ back"
    cited = Citation("9.9.9", None, "statements", "s-1", awkward, (
        Source("document", "d-1", awkward, "O&P", "A. Writer", None, "https://x.org/a_b%20c"),))
    text = to_bibtex(cited)
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    record, source = library.entries[1:]
    # pylatexenc reads \textasciicircum as the modifier letter U+02C6; LaTeX prints "^".
    assert record["title"].replace("\u02c6", "^") == f"Record statements:s-1: {awkward}"
    assert source["title"].replace("\u02c6", "^") == awkward
    assert source["howpublished"] == "O&P"
    # A URL is verbatim (read undecoded, as the url package reads it).
    [raw] = bibtexparser.parse_string(text).entries[2:]
    assert raw["url"] == "https://x.org/a_b%20c"


@pytest.mark.parametrize(("record_id", "table"), [NOTHING, *RECORDS])
def test_ris_reads_back_with_every_source(record_id: str | None, table: str | None) -> None:
    entries = rispy.loads(usc_events.cite(record_id, "ris", table=table))
    dataset = entries[0]
    assert dataset["type_of_reference"] == "DATA"
    assert (dataset["title"], dataset["edition"], dataset["authors"]) == (
        TITLE, CITED_RELEASE[0], [AUTHOR])
    assert dataset["date"] == CITED_RELEASE[1].replace("-", "/") + "/"
    if record_id is None:
        assert len(entries) == 1
        return
    documents, references = _sources_of(record_id, table)
    assert record_id in entries[1]["title"] and entries[1]["secondary_title"] == TITLE
    sources = {e["id"]: e for e in entries[2:]}
    assert set(sources) == {*documents, *references}
    for source_id, url in [*documents.items(), *references.items()]:
        assert sources[source_id].get("urls", [None]) == [url]


def test_ris_keeps_each_value_on_its_line() -> None:
    cited = Citation("9.9.9", None, "statements", "s-1", "two\nlines", (
        Source("reference", "r-1", "a\n  title", "Outlet", None,
               (dt.date(2025, 1, 1), dt.date(2025, 1, 31)), "https://x.org",
               dt.date(2025, 2, 1), "news_report", ("date",)),))
    dataset, record, source = rispy.loads(to_ris(cited))
    assert "date" not in dataset  # no release date for an unreleased version
    assert record["title"] == "Record statements:s-1: two lines"
    assert source["title"] == "a title" and source["date"] == "2025/01//"
    assert source["access_date"] == "2025/02/01/"


@pytest.mark.parametrize(("record_id", "table"), [NOTHING, *RECORDS])
def test_csl_json_is_valid_and_read_by_citeproc(record_id: str | None,
                                                table: str | None) -> None:
    items = json.loads(usc_events.cite(record_id, "csl-json", table=table))
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert [e.message for e in validator.iter_errors(items)] == []
    assert list(validator.iter_errors([{**items[0], "licence": "x"}])), \
        "the schema must refuse a field CSL does not have"
    source = CiteProcJSON(items)
    dataset = source[items[0]["id"]]
    assert str(dataset["title"]) == TITLE and str(dataset["version"]) == CITED_RELEASE[0]
    assert dataset["issued"].year == int(CITED_RELEASE[1][:4])
    if record_id is None:
        return
    documents, references = _sources_of(record_id, table)
    urls = {str(source[i["id"]]["URL"]) for i in items[2:] if "URL" in i}
    assert urls == {u for u in [*documents.values(), *references.values()] if u}
    assert len(items) == 2 + len(documents) + len(references)


def test_citeproc_renders_the_dataset_citation() -> None:
    import citeproc

    items = json.loads(usc_events.cite(format="csl-json"))
    style = CitationStylesStyle(str(Path(citeproc.__file__).parent / "data" / "styles" /
                                    "harvard-cite-them-right.csl"), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    bibliography.register(CiteprocCitation([CitationItem(items[0]["id"])]))
    [entry] = [str(e) for e in bibliography.bibliography()]
    assert AUTHOR in entry and CITED_RELEASE[1][:4] in entry and "US–China" in entry


# --- errors and the command line -----------------------------------------------------------


def test_a_bad_format_or_record_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^format='bib' is not a citation format; choose "
                                           r"one of text, bibtex, ris, csl-json; did you mean "
                                           r"'bibtex'\?$"):
        usc_events.cite(format="bib")
    with pytest.raises(NotFound, match="did you mean: han-vance-meeting"):
        usc_events.cite("han-vance-meting")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "usc_events.cli", "cite", *args],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "80"})


@pytest.mark.parametrize("fmt", CITE_FORMATS)
def test_the_cite_command_prints_the_citation(fmt: str) -> None:
    dataset = _cli("--format", fmt)
    assert dataset.returncode == 0, dataset.stderr
    assert dataset.stdout == usc_events.cite(format=fmt)
    record = _cli("Han Zheng", "--format", fmt)
    assert record.returncode == 0, record.stderr
    assert record.stdout == usc_events.cite("han-zheng", format=fmt)
    assert record.stderr == ""


@pytest.mark.parametrize(("args", "code", "line"), [
    (["--format", "xml"], 2,
     "error: unknown format 'xml' for --format; choose text, bibtex, ris, csl-json"),
    (["zzqqxx"], 1,
     "error: no record in any table has the id or name 'zzqqxx'; try: usc-events search zzqqxx"),
])
def test_the_cite_command_refuses_in_one_line(args: list[str], code: int, line: str) -> None:
    result = _cli(*args)
    assert result.returncode == code
    assert result.stderr.splitlines() == [line] and result.stdout == ""
