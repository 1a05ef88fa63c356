"""Tidy frames for notebooks: records with their names and their sources as list columns,
checked against an independent join of the loaded tables."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pytest

import usc_events
from usc_events.errors import InvalidValue
from usc_events.query.corpus import Corpus
from usc_events.query.frames import FRAME_TABLES, SOURCE_COLUMNS
from usc_events.schema.models import TABLE_MODELS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return usc_events.open()


def _rows(table: str) -> list[dict[str, Any]]:
    return usc_events.load(table, backend="arrow").to_pylist()  # type: ignore[arg-type]


def _expected_sources(table: str, record_id: str) -> dict[str, list[Any]]:
    documents = {d["document_id"]: d for d in _rows("documents")}
    spans = [e for e in _rows("evidence")
             if e["record_type"] == table and e["record_id"] == record_id]
    ids = sorted({e["document_id"] for e in spans})
    cited = sorted({c["reference_id"] for c in _rows("citations")
                    if c["record_type"] == table and c["record_id"] == record_id})
    urls = {r["reference_id"]: r["url"] for r in _rows("references")}
    return {
        "document_ids": ids,
        "outlets": [documents[i]["outlet"] for i in ids],
        "document_urls": [documents[i]["url"] for i in ids],
        "attributions": sorted({e["attribution"] for e in spans if e["attribution"]}),
        "reference_ids": cited,
        "reference_urls": [urls[r] for r in cited],
    }


@pytest.mark.parametrize("table", FRAME_TABLES)
def test_every_record_has_its_sources_in_list_columns(corpus: Corpus, table: str) -> None:
    frame = corpus.frame(table)
    key = TABLE_MODELS[table].primary_key
    assert sorted(frame[key]) == sorted(r[key] for r in _rows(table))
    assert list(frame.columns[-len(SOURCE_COLUMNS):]) == list(SOURCE_COLUMNS)
    for row in frame.to_dict("records"):
        got = {c: list(row[c]) for c in SOURCE_COLUMNS}
        assert got == _expected_sources(table, row[key]), row[key]
        if TABLE_MODELS[table].needs_evidence:
            assert got["document_ids"], f"{table}:{row[key]} has no evidence"


def test_which_sources_report_han_zhengs_statements_needs_no_join(corpus: Corpus) -> None:
    frame = corpus.frame("statements")
    han = frame[frame.speaker_name == "Han Zheng"]
    assert len(han) == sum(s["speaker_id"] == "han-zheng" for s in _rows("statements"))
    outlets = set(han.outlets.explode().dropna())
    documents = {d["document_id"]: d["outlet"] for d in _rows("documents")}
    expected = {documents[e["document_id"]] for e in _rows("evidence")
                if e["record_type"] == "statements"
                and e["record_id"] in set(han.statement_id)}
    assert outlets == expected and "Azernews" in outlets
    assert {"speaker_name", "meeting_title", "topic_labels", "date_earliest",
            "date_latest"} <= set(frame.columns)
    credited = set(han.attributions.explode().dropna())
    assert credited == {e["attribution"] for e in _rows("evidence")
                        if e["record_type"] == "statements" and e["attribution"]
                        and e["record_id"] in set(han.statement_id)}


def test_the_helpers_add_the_same_sources_when_asked(corpus: Corpus) -> None:
    plain = corpus.statements("Han Zheng")
    sourced = corpus.statements("Han Zheng", with_sources=True)
    assert list(sourced.columns) == [*plain.columns, *SOURCE_COLUMNS]
    frame = corpus.frame("statements").set_index("statement_id")
    for row in sourced.to_dict("records"):
        assert list(row["document_urls"]) == list(frame.loc[row["statement_id"],
                                                            "document_urls"])
    positions = corpus.positions(topic="tiktok-ban", with_sources=True)
    assert all(len(ids) > 0 for ids in positions.document_ids)
    meetings = corpus.meetings("Han Zheng", with_sources=True)
    assert "han-vance-meeting" in set(meetings.meeting_id)
    assert all(len(urls) == len(ids) for urls, ids in zip(
        meetings.document_urls, meetings.document_ids, strict=True))


def test_roles_and_participants_carry_names(corpus: Corpus) -> None:
    roles = corpus.frame("roles").set_index("role_id")
    assert roles.loc["han-zheng-vice-president", "actor_name"] == "Han Zheng"
    assert roles.loc["han-zheng-vice-president", "organization_name"] == "China"
    taking_part = corpus.frame("meeting_participants").set_index("participant_id")
    row = taking_part.loc["han-vance-meeting.jd-vance"]
    assert row["actor_name"] == "J.D. Vance"
    assert row["meeting_title"] == corpus.record("han-vance-meeting").row["title"]


def test_a_table_without_sources_is_refused_by_name(corpus: Corpus) -> None:
    with pytest.raises(InvalidValue, match=r"^table='statement' is not a table whose records "
                                           r"have sources; choose one of actors, .*; did you "
                                           r"mean 'statements'"):
        corpus.frame("statement")
    with pytest.raises(InvalidValue, match="table='documents'"):
        corpus.frame("documents")


def test_frames_come_in_the_corpus_backend() -> None:
    frame = usc_events.open(backend="polars").frame("positions")
    assert isinstance(frame, pl.DataFrame)
    assert frame.schema["document_ids"] == pl.List(pl.String)
    assert isinstance(usc_events.open().frame("positions"), pd.DataFrame)


def test_the_corpus_shows_itself_in_jupyter(corpus: Corpus) -> None:
    from html.parser import HTMLParser

    cells: list[str] = []

    class Cells(HTMLParser):
        def handle_data(self, data: str) -> None:
            if data.strip():
                cells.append(data.strip())

    Cells().feed(corpus._repr_html_())
    assert corpus.version in " ".join(cells[:3])
    for table in usc_events.tables():
        at = cells.index(table)
        assert cells[at + 1] == str(usc_events.manifest()["tables"][table]["rows"])
