"""Bounded work on hostile sizes: closest-passage hints, show/search arguments (issue 17).

The hint for a missing quote used to cost the text's length times the quote's with difflib
(a 593 KB document and a 7.4 KB quote: over a minute); ``show`` with a 100 KB argument took
50 s. Both are bounded now, and the bound is said, not silent.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest

from usc_events.build.quotes import HINT_WORK, closest_passage, locate
from usc_events.errors import QueryTooLong, QuoteNotLocated
from usc_events.query.lookup import MAX_QUERY

WORDS = ("tariff", "envoy", "talks", "minister", "trade", "summit", "export", "chips",
         "Beijing", "Washington", "said", "would", "frank", "useful", "visit", "call")


def _text(size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(WORDS) + (str(rng.randrange(1000)) if rng.random() < 0.3 else "")
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def _misquoted(text: str, start: int, length: int, edits: int = 40) -> str:
    rng = random.Random(3)
    quote = list(text[start:start + length])
    for _ in range(edits):
        quote[rng.randrange(length)] = "#"
    return "".join(quote)


def test_the_closest_passage_of_a_long_quote_in_a_long_text_is_found_fast() -> None:
    text = _text(593_000)
    start = 300_000
    quote = _misquoted(text, start, 7_400)
    began = time.perf_counter()
    passage = closest_passage(text, quote)
    elapsed = time.perf_counter() - began
    assert passage is not None
    assert abs(text.index(passage) - start) < 50  # the passage the quote was copied from
    assert elapsed < 15  # difflib took over a minute here; rapidfuzz about a second


def test_past_the_bound_no_passage_is_suggested_and_the_hint_says_so() -> None:
    text = _text(3_000_000)
    quote = _misquoted(text, 1_000_000, HINT_WORK // len(text) + 100)
    began = time.perf_counter()
    with pytest.raises(QuoteNotLocated) as caught:
        locate(text, quote)
    assert time.perf_counter() - began < 5
    assert caught.value.reason == "quote not found in the document"
    assert caught.value.hint == ("no closest passage is suggested for a quote this long in a "
                                 "text this long; copy the quote from the text again")


def test_a_short_misquote_still_gets_its_passage() -> None:
    assert closest_passage("Beta said tariffs would stay high.", "Beta said tariffs will stay") \
        == "Beta said tariffs would sta"
    assert closest_passage("abc", "xyz") is None


# --- show and search ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["show", "search"])
def test_an_overlong_show_or_search_argument_is_a_usage_error_at_once(command: str) -> None:
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "usc_events.cli", command, "x" * 100_000],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "COLUMNS": "300"})
    assert time.perf_counter() - began < 20  # was 50 s
    assert result.returncode == 2
    what = "a record's id or name" if command == "show" else "the search text"
    assert result.stderr.splitlines() == [
        f"error: {what} is 100000 characters long; at most {MAX_QUERY} are taken (a name, "
        "an id or a few words)"]


def test_the_query_helpers_refuse_overlong_arguments() -> None:
    from usc_events.query.corpus import open_corpus

    corpus = open_corpus(backend="arrow")
    long = "han zheng " * 60
    for call in (lambda: corpus.record(long), lambda: corpus.search(long),
                 lambda: corpus.resolve(long), lambda: corpus.statements(speaker=long)):
        with pytest.raises(QueryTooLong):
            call()
    assert corpus.search("x" * MAX_QUERY).num_rows == 0  # at the limit, still searched
