"""The one cut of shortened text (usc_events.text.shorten), on any text and limit."""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

import usc_events.text
from usc_events.text import shorten

#: Words, spaces and the punctuation the cut trims, wide characters among them.
TEXTS = st.text(alphabet=st.sampled_from(list("ab é中 ,;:")), max_size=120)
MARKERS = st.sampled_from(["…", "... (more)", ""])


def _kept(text: str, result: str, marker: str) -> str:
    """What ``result`` keeps of ``text``: all of it, or a prefix before the marker."""
    if result == text:
        return text
    assert result.endswith(marker)
    kept = result[:len(result) - len(marker)]
    assert text.startswith(kept)
    return kept


@given(TEXTS, st.integers(1, 130), MARKERS)
def test_a_cut_is_a_prefix_that_ends_at_a_word_and_fits(text: str, limit: int,
                                                          marker: str) -> None:
    result = shorten(text, limit, marker)
    kept = _kept(text, result, marker)
    if len(text) <= limit:
        assert result == text
        return
    room = max(limit - len(marker), 1)  # a character at least, whatever the marker
    if limit - len(marker) >= 1:
        assert len(result) <= limit
    if " " in text[1:room + 1]:
        # it breaks where white space is: only trimmed punctuation stands before the next space
        assert text[len(kept):].lstrip(",;:").startswith(" ")
    assert not kept.endswith((" ", ",", ";", ":"))


@given(TEXTS, st.integers(1, 130), MARKERS)
def test_a_cut_measured_in_cells_fits_in_cells(text: str, limit: int, marker: str) -> None:
    result = shorten(text, limit, marker, width=cell_len)
    _kept(text, result, marker)
    if cell_len(marker) + 2 <= limit:  # room for a character of two cells
        assert cell_len(result) <= limit


@given(TEXTS, st.integers(2, 130))
def test_a_cut_at_a_space_or_anywhere_is_a_prefix_that_fits(text: str, limit: int) -> None:
    for at in ("space", "any"):
        result = shorten(text, limit, at=at, trim="")
        kept = _kept(text, result, "…")
        assert len(result) <= limit
        if at == "any" and result != text:
            assert len(kept) == limit - 1
        if at == "space" and result != text and " " in text[1:limit - 1]:
            assert text[len(kept)] == " "


@given(TEXTS, st.integers(0, 130))
def test_a_marker_that_does_not_count_comes_after_the_limit(text: str, limit: int) -> None:
    result = shorten(text, limit, count_marker=False)
    kept = _kept(text, result, "…")
    assert len(kept) <= limit
    assert result == text or len(text) > limit


def test_the_examples_in_its_docstring_run() -> None:
    result = doctest.testmod(usc_events.text)
    assert result.attempted > 0 and result.failed == 0
