"""The query helpers, against the shipped corpus, with answers checked against the sources.

Where a helper's answer could grow as curators add records, the test checks the
facts the source documents state (Han Zheng met J.D. Vance) and checks the rest
against an independent computation over the loaded tables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import usc_events
from usc_events.errors import Ambiguous, NotFound, QueryError
from usc_events.query.corpus import Corpus


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return usc_events.open(backend="arrow")


def _rows(table: str) -> list[dict[str, Any]]:
    return usc_events.load(table, backend="arrow").to_pylist()  # type: ignore[arg-type]


def _meetings_of(actor: str) -> set[str]:
    return {p["meeting_id"] for p in _rows("meeting_participants") if p["actor_id"] == actor}


# --- actors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "actor_id"), [
    ("han-zheng", "han-zheng"),
    ("Han Zheng", "han-zheng"),
    ("HAN ZHENG", "han-zheng"),
    ("Hán Zhèng", "han-zheng"),
    ("J.D. Vance", "jd-vance"),
    ("j. d. vance", "jd-vance"),
    ("JD Vance", "jd-vance"),
    ("Musk", "elon-musk"),
    ("elon musk", "elon-musk"),
    ("Donald Trump", "donald-trump"),
])
def test_actors_resolve_by_id_name_or_alias_whatever_the_case_and_accents(
        corpus: Corpus, name: str, actor_id: str) -> None:
    assert corpus.resolve(name) == actor_id


def test_an_alias_resolves_to_its_actor(corpus: Corpus) -> None:
    for actor in _rows("actors"):
        for alias in actor["aliases"]:
            try:
                assert corpus.resolve(alias) == actor["actor_id"], alias
            except Ambiguous:  # the alias is also another actor's name or alias
                owners = [a["actor_id"] for a in _rows("actors") if alias in a["aliases"]
                          or alias == a["name"]]
                assert len(owners) > 1 or actor["actor_id"] in owners


def test_an_unknown_actor_is_an_error_suggesting_the_closest_names(corpus: Corpus) -> None:
    with pytest.raises(NotFound) as raised:
        corpus.resolve("Han Zhen")
    message = str(raised.value)
    assert message == "no actor matches 'Han Zhen'; did you mean: Han Zheng (han-zheng)?"
    assert "\n" not in message


def test_a_name_shared_by_several_actors_lists_them(corpus: Corpus) -> None:
    with pytest.raises(Ambiguous) as raised:
        corpus.resolve("Zheng")
    assert "Han Zheng (han-zheng)" in str(raised.value)
    assert "han-zheng-delegation" in str(raised.value)


# --- meetings -------------------------------------------------------------------------------


def test_the_meetings_han_zheng_took_part_in(corpus: Corpus) -> None:
    meetings = corpus.meetings("Han Zheng")
    ids = meetings.column("meeting_id").to_pylist()
    # What the sources report: Han met Vance, Musk and US business groups in Washington.
    assert {"han-vance-meeting", "han-musk-meeting", "han-us-business-leaders-meeting"} <= set(ids)
    assert set(ids) == _meetings_of("han-zheng")
    for row in meetings.to_pylist():
        assert "han-zheng" in row["participants"]
        assert "Han Zheng" in row["participant_names"]
    vance = next(r for r in meetings.to_pylist() if r["meeting_id"] == "han-vance-meeting")
    assert sorted(vance["participants"]) == ["han-zheng", "jd-vance"]


def test_meetings_of_several_actors_need_all_of_them_unless_any(corpus: Corpus) -> None:
    both = corpus.meetings(["Han Zheng", "J.D. Vance"]).column("meeting_id").to_pylist()
    assert both == sorted(_meetings_of("han-zheng") & _meetings_of("jd-vance"))
    assert "han-vance-meeting" in both
    either = corpus.meetings(["Han Zheng", "Elon Musk"], match="any")
    assert set(either.column("meeting_id").to_pylist()) == (
        _meetings_of("han-zheng") | _meetings_of("elon-musk"))


def test_a_date_window_keeps_the_meetings_whose_interval_overlaps_it(corpus: Corpus) -> None:
    low, high = dt.date(2025, 1, 20), dt.date(2025, 1, 20)
    found = set(corpus.meetings(start="2025-01-20", end="2025-01-20").column(
        "meeting_id").to_pylist())
    expected = {m["meeting_id"] for m in _rows("meetings")
                if m["date_latest"] >= low and m["date_earliest"] <= high}
    assert found == expected
    assert "trump-inauguration" in found
    within = set(corpus.meetings(start="2025-01", end="2025-01", within=True).column(
        "meeting_id").to_pylist())
    assert within == {m["meeting_id"] for m in _rows("meetings")
                      if m["date_earliest"] >= dt.date(2025, 1, 1)
                      and m["date_latest"] <= dt.date(2025, 1, 31)}


def test_meetings_are_sorted_by_date_with_intervals_intact(corpus: Corpus) -> None:
    rows = corpus.meetings().to_pylist()
    assert [(r["date_earliest"], r["date_latest"]) for r in rows] == sorted(
        (r["date_earliest"], r["date_latest"]) for r in rows)
    by_id = {m["meeting_id"]: m for m in _rows("meetings")}
    for row in rows:
        assert (row["date_earliest"], row["date_latest"]) == (
            by_id[row["meeting_id"]]["date_earliest"], by_id[row["meeting_id"]]["date_latest"])


@pytest.mark.parametrize("value", ["2025-13", "20 January 2025", "2025-02-30", "yesterday"])
def test_a_malformed_date_is_a_one_line_error(corpus: Corpus, value: str) -> None:
    with pytest.raises(ValueError, match=r"^invalid start date .*: expected YYYY-MM-DD"):
        corpus.meetings(start=value)


def test_a_window_ending_before_it_starts_is_refused(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="the end 2025-01-01 is before the start 2025-02-01"):
        corpus.timeline(start="2025-02", end="2025-01-01")


# --- statements and positions ---------------------------------------------------------------


def test_what_han_zheng_said_and_to_whom(corpus: Corpus) -> None:
    said = corpus.statements("Han Zheng").to_pylist()
    assert {s["statement_id"] for s in said} == {
        s["statement_id"] for s in _rows("statements") if s["speaker_id"] == "han-zheng"}
    common = next(s for s in said if s["statement_id"] == "han-extensive-common-interests")
    assert common["kind"] == "direct_quote"
    assert "extensive common interests" in common["text"]
    assert common["meeting_title"] == "Han Zheng meets J.D. Vance"
    assert common["audience"] == ["J.D. Vance"]


def test_statements_by_topic_kind_and_window(corpus: Corpus) -> None:
    tariffs = corpus.statements(topic="tariffs").to_pylist()
    assert tariffs and all("tariffs" in s["topic_ids"] for s in tariffs)
    assert len(tariffs) == sum("tariffs" in s["topic_ids"] for s in _rows("statements"))
    quotes = corpus.statements(kind="direct_quote").column("kind").to_pylist()
    assert set(quotes) == {"direct_quote"}
    in_window = corpus.statements(start="2025-01-01", end="2025-01-31").to_pylist()
    assert all(s["date_earliest"] is not None for s in in_window)


def test_a_topic_resolves_by_label_and_an_unknown_one_suggests(corpus: Corpus) -> None:
    label = next(t["label"] for t in _rows("topics") if t["topic_id"] == "tiktok-ban")
    assert corpus.resolve_topic(label.upper()) == "tiktok-ban"
    with pytest.raises(NotFound, match=r"^no topic matches 'tarifs'; did you mean: "):
        corpus.statements(topic="tarifs")


def test_an_unknown_statement_kind_is_refused(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match=r"^kind='quote' is not a statement kind; choose one of "
                                         r"direct_quote, paraphrase; did you mean 'direct_quote'\?$"):
        corpus.statements(kind="quote")


def test_where_musk_and_trump_stand_on_tiktok(corpus: Corpus) -> None:
    positions = corpus.positions(["Musk", "Trump"], topic="tiktok-ban").to_pylist()
    musk = [p for p in positions if p["actor_id"] == "elon-musk"]
    # "his longstanding opposition to the TikTok ban" (the sources).
    assert musk and {p["stance"] for p in musk} == {"oppose"}
    trump = {p["stance"] for p in positions if p["actor_id"] == "donald-trump"}
    assert trump
    matrix = corpus.stance_matrix(["Elon Musk", "Donald Trump"], ["tiktok-ban"]).to_pylist()
    assert matrix[0] == {"actor_id": "elon-musk", "actor_name": "Elon Musk",
                         "tiktok-ban": "oppose"}
    assert matrix[1]["tiktok-ban"] == " / ".join(sorted(trump))


def test_the_stance_matrix_agrees_with_the_positions(corpus: Corpus) -> None:
    matrix = corpus.stance_matrix().to_pylist()
    stances: dict[tuple[str, str], set[str]] = {}
    for p in _rows("positions"):
        stances.setdefault((p["actor_id"], p["topic_id"]), set()).add(p["stance"])
    assert {r["actor_id"] for r in matrix} == {a for a, _ in stances}
    for row in matrix:
        for topic, cell in row.items():
            if topic in ("actor_id", "actor_name"):
                continue
            expected = stances.get((row["actor_id"], topic))
            assert cell == (" / ".join(sorted(expected)) if expected else None)


# --- evidence -------------------------------------------------------------------------------


def test_the_evidence_behind_a_meeting_quotes_its_sources_in_context(corpus: Corpus) -> None:
    evidence = corpus.evidence("han-vance-meeting").to_pylist()
    expected = [e for e in _rows("evidence") if e["record_type"] == "meetings"
                and e["record_id"] == "han-vance-meeting"]
    assert {e["evidence_id"] for e in evidence} == {e["evidence_id"] for e in expected}
    texts = {d["document_id"]: d for d in _rows("documents")}
    for row in evidence:
        document = texts[row["document_id"]]
        assert row["file_name"] == document["file_name"]
        assert document["text"][row["start"]:row["end"]] == row["quote"]
        assert row["quote"] in row["sentence"]
        assert row["sentence"] in document["text"]
        assert len(row["sentence"]) < len(document["text"])


def test_evidence_says_whom_the_source_credits(corpus: Corpus) -> None:
    credited = [e for e in _rows("evidence") if e["attribution"]]
    assert credited, "the shipped corpus credits some of its facts"
    sample = credited[0]
    found = corpus.evidence(sample["record_id"], sample["record_type"]).to_pylist()
    row = next(r for r in found if r["evidence_id"] == sample["evidence_id"])
    assert row["attribution"] == sample["attribution"]


def test_evidence_of_an_actor_by_name(corpus: Corpus) -> None:
    rows = corpus.evidence("Han Zheng").to_pylist()
    assert rows and {(r["record_type"], r["record_id"]) for r in rows} == {
        ("actors", "han-zheng")}


def test_an_unknown_record_suggests_close_ids(corpus: Corpus) -> None:
    with pytest.raises(NotFound, match=r"did you mean: .*han-vance-meeting"):
        corpus.evidence("han-vance-meting")


# --- timeline, network, search, SQL ---------------------------------------------------------


def test_the_timeline_keeps_intervals_and_orders_by_date(corpus: Corpus) -> None:
    every = corpus.timeline().to_pylist()
    # Every record is in it, the undated ones (no bound at all) last.
    assert len(every) == sum(len(_rows(t)) for t in ("meetings", "statements", "positions"))
    undated = [e for e in every if e["date_earliest"] is None and e["date_latest"] is None]
    events = [e for e in every if e not in undated]
    assert every == events + undated and undated
    starts = [e["date_earliest"] or e["date_latest"] for e in events]
    assert starts == sorted(starts)
    source = {("meeting", m["meeting_id"]): m for m in _rows("meetings")}
    source |= {("statement", s["statement_id"]): s for s in _rows("statements")}
    source |= {("position", p["position_id"]): p for p in _rows("positions")}
    for event in events:
        original = source[(event["kind"], event["record_id"])]
        assert (event["date_earliest"], event["date_latest"]) == (
            original["date_earliest"], original["date_latest"])
    assert any(e["date_earliest"] < e["date_latest"] for e in events)


def test_the_timeline_of_one_actor(corpus: Corpus) -> None:
    events = corpus.timeline(actor="Elon Musk", kinds=["meeting", "statement"]).to_pylist()
    assert events and all("elon-musk" in e["actors"] for e in events)
    assert {e["record_id"] for e in events if e["kind"] == "meeting"} == set(
        _meetings_of("elon-musk"))


def test_the_network_counts_shared_meetings(corpus: Corpus) -> None:
    graph = corpus.network()
    pairs: Counter[tuple[str, str]] = Counter()
    people: dict[str, list[str]] = {}
    for p in _rows("meeting_participants"):
        people.setdefault(p["meeting_id"], []).append(p["actor_id"])
    for members in people.values():
        pairs.update(tuple(sorted(pair)) for pair in combinations(members, 2))
    met = {tuple(sorted((a, b))) for a, b, d in graph.edges(data=True)
           if d["relation"] == "meeting"}
    # Two pairs took part in one meeting without meeting: Han Zheng came with his
    # delegation (a party edge), and he and Shou Zi Chew both attended the inauguration.
    assert set(pairs) - met == {("han-zheng", "han-zheng-delegation"),
                                ("han-zheng", "shou-zi-chew")}
    for a, b in met:
        assert graph.edges[a, b]["weight"] == pairs[a, b]
        assert len(graph.edges[a, b]["meetings"]) == pairs[a, b]
    assert "han-vance-meeting" in graph.edges["han-zheng", "jd-vance"]["meetings"]
    assert graph.nodes["han-zheng"]["name"] == "Han Zheng"
    assert graph.nodes["han-zheng"]["country"] == "CN"


def test_search_finds_statements_summaries_and_names(corpus: Corpus) -> None:
    hits = corpus.search("FENTANYL").to_pylist()
    assert {"table": "topics", "record_id": "fentanyl", "field": "label",
            "text": "Fentanyl"} in hits
    assert any(h["table"] == "meetings" and h["record_id"] == "han-vance-meeting"
               for h in hits)
    names = corpus.search("vance").to_pylist()
    assert any(h["table"] == "actors" and h["record_id"] == "jd-vance" for h in names)
    assert corpus.search("no such words anywhere").num_rows == 0


def test_sql_over_every_table_by_name(corpus: Corpus) -> None:
    for table in usc_events.tables():
        # quoted: "references" is a reserved word in SQL
        count = corpus.sql(f'select count(*) as n from "{table}"').column("n")[0].as_py()
        assert count == usc_events.manifest()["tables"][table]["rows"]
    joined = corpus.sql("""
        select p.actor_id from meeting_participants p join meetings m using (meeting_id)
        where m.meeting_id = 'han-vance-meeting' order by p.actor_id""")
    assert joined.column("actor_id").to_pylist() == ["han-zheng", "jd-vance"]


def test_sql_errors_are_one_line(corpus: Corpus) -> None:
    with pytest.raises(QueryError, match=r"^unknown table 'meeting'; the tables are: documents"):
        corpus.sql("select * from meeting")
    with pytest.raises(QueryError) as raised:
        corpus.sql("selec 1")
    assert "\n" not in str(raised.value) and "syntax error" in str(raised.value)


# --- backends -------------------------------------------------------------------------------


@pytest.mark.parametrize(("backend", "kind"), [
    ("pandas", pd.DataFrame), ("polars", pl.DataFrame), ("arrow", pa.Table)])
def test_every_helper_answers_in_the_chosen_backend(backend: str, kind: type) -> None:
    corpus = usc_events.open(backend=backend)  # type: ignore[arg-type]
    results = [
        corpus.meetings("Han Zheng"), corpus.statements("Han Zheng"),
        corpus.positions(topic="tiktok-ban"), corpus.stance_matrix(),
        corpus.evidence("han-vance-meeting"), corpus.timeline(), corpus.search("tariff"),
        corpus.sql("select 1 as one"), corpus.table("actors"), corpus.actors("han"),
    ]
    for result in results:
        assert isinstance(result, kind)
    meetings = corpus.meetings("Han Zheng")
    if backend == "pandas":
        assert sorted(meetings.loc[meetings.meeting_id == "han-vance-meeting",
                                 "participants"].iloc[0]) == ["han-zheng", "jd-vance"]
    if backend == "polars":
        row = meetings.filter(pl.col("meeting_id") == "han-vance-meeting")
        assert sorted(row["participants"].to_list()[0]) == ["han-zheng", "jd-vance"]


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend 'numpy'"):
        usc_events.open(backend="numpy")  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [
    "select * from read_text('/etc/hostname')",
    "copy actors to 'stolen.csv'",
    "attach 'other.duckdb'",
    "set enable_external_access = true",
])
def test_sql_reads_the_corpus_and_nothing_else(corpus: Corpus, query: str,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(QueryError):
        corpus.sql(query)
    assert list(tmp_path.iterdir()) == []


def test_sql_may_touch_files_when_asked(corpus: Corpus, tmp_path: Path) -> None:
    target = tmp_path / "actors.csv"
    corpus.sql(f"copy actors to '{target}'", allow_files=True)
    assert target.read_text(encoding="utf-8").startswith("actor_id,")
