"""The small parts the query helpers stand on: name matching, sentences, date windows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from usc_events.matching import closest, fold, key, words
from usc_events.query.sentences import sentence_around, sentence_bounds
from usc_events.query.windows import Window, parse_date


def test_fold_drops_case_accents_and_typographic_quotes() -> None:
    assert fold("Hán Zhèng’s “visit”") == "han zheng's \"visit\""
    assert key("J. D. Vance") == key("jd vance") == key("J.D. VANCE") == "jdvance"
    assert words("Han Zheng’s delegation") == ("han", "zheng", "s", "delegation")


def test_closest_suggests_names_best_first() -> None:
    assert closest("Han Zhen", ["Tim Cook", "Han Zheng", "Han Zheng's delegation"])[0] == \
        "Han Zheng"
    assert closest("vanse", ["J.D. Vance", "Elon Musk"]) == ["J.D. Vance"]
    assert closest("qqqq", ["J.D. Vance", "Elon Musk"]) == []


@pytest.mark.parametrize(("quote", "sentence"), [
    ("Vance", "Mr. Li met J.D. Vance in the U.S. capital today."),
    ("First", "First one."),
    ("said.", "He said."),
    ("“Go.”", "She shouted “Go.”"),
    ("line two", "line two"),
])
def test_the_sentence_around_a_quote(quote: str, sentence: str) -> None:
    text = "First one. Mr. Li met J.D. Vance in the U.S. capital today. He said. " \
           "She shouted “Go.” Then left.\nline two\nline three"
    start = text.index(quote)
    assert sentence_around(text, start, start + len(quote)) == sentence


def test_a_quote_across_sentences_gets_all_of_them() -> None:
    text = "One. Two three. Four five. Six."
    start = text.index("three")
    end = text.index("Four") + 4
    assert sentence_around(text, start, end) == "Two three. Four five."


@given(st.text(alphabet="ab .!?\n“”J", min_size=1, max_size=60), st.data())
def test_the_sentence_always_contains_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    low, high = sentence_bounds(text, start, end)
    assert 0 <= low <= start < end <= high <= len(text)


@pytest.mark.parametrize(("value", "end", "day"), [
    ("2025-01-20", False, dt.date(2025, 1, 20)),
    ("2025-01", False, dt.date(2025, 1, 1)),
    ("2025-01", True, dt.date(2025, 1, 31)),
    ("2024-02", True, dt.date(2024, 2, 29)),
    ("2025", True, dt.date(2025, 12, 31)),
    (dt.date(2025, 1, 2), False, dt.date(2025, 1, 2)),
    (None, False, None),
])
def test_dates_parse_as_days_months_or_years(value: str | dt.date | None, end: bool,
                                             day: dt.date | None) -> None:
    assert parse_date(value, end=end) == day


@pytest.mark.parametrize("value", ["2025-1-2", "2025/01/02", "Jan 2025", "2025-00", "2025-02-30"])
def test_a_malformed_date_says_what_is_expected(value: str) -> None:
    with pytest.raises(ValueError, match=r"^invalid date .*: expected YYYY-MM-DD, YYYY-MM or YYYY"):
        parse_date(value)


def test_a_window_is_an_overlap_unless_within() -> None:
    window = Window.of("2025-01", "2025-01")
    assert window.sql() == (
        "((date_earliest is not null or date_latest is not null) and (date_latest is null or "
        "date_latest >= date '2025-01-01') and (date_earliest is null or date_earliest <= "
        "date '2025-01-31'))")
    within = Window.of("2025-01", "2025-01", within=True)
    assert "date_earliest >= date '2025-01-01'" in within.sql()
    assert "date_latest <= date '2025-01-31'" in within.sql()
    assert Window.of().sql() == "true"


def test_an_open_bound_overlaps_but_is_never_within() -> None:
    import duckdb

    rows = duckdb.sql("""
        select * from (values (null::date, date '2025-01-20', 'open start'),
                              (date '2025-01-19', null::date, 'open end'),
                              (date '2024-06-01', date '2024-06-30', 'before'))
        as t(date_earliest, date_latest, label)""")
    def labels(window: Window) -> list[str]:
        return sorted(r[0] for r in rows.filter(window.sql()).project("label").fetchall())
    assert labels(Window.of("2025-01", "2025-01")) == ["open end", "open start"]
    assert labels(Window.of("2025-01", "2025-01", within=True)) == []
    assert labels(Window.of(end="2024-12")) == ["before", "open start"]
