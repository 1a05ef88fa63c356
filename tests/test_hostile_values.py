"""Values that are weak or hostile: control characters, empty quotes, implausible dates.

Each is a located error of the build (and of ``validate``), and the same rules run on a
downloaded version's tables (issue 17, items 8 and 10).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit, write_corpus

from usc_events.build.builder import build
from usc_events.errors import DataInvalid

FREE_TEXT_HINT = ("text may hold tabs and line breaks but no other control character "
                  "(U+0000 to U+001F: NUL, escape, carriage return…); remove it")


def _violations(data: Path) -> list[str]:
    with pytest.raises(DataInvalid) as caught:
        build(data)
    return [str(v) for v in caught.value.violations]


@pytest.mark.parametrize(("escape", "shown"), [("\\e[31m", "\\x1b[31m"), ("\\0", "\\x00"),
                                               ("\\r", "\\r"), ("\\a", "\\x07")])
def test_a_control_character_in_a_text_field_is_a_located_error(
    tmp_path: Path, escape: str, shown: str
) -> None:
    data = write_corpus(tmp_path, edit("records/topics/test.yaml",
                                       "description: Duties on imports.",
                                       f'description: "Duties{escape} on imports."'))
    [message] = _violations(data)
    assert message == (
        "data/records/topics/test.yaml:3:16: topics:tariffs description: String should match "
        f"pattern '^[^\\x00-\\x08\\x0b-\\x1f]*$' (got 'Duties{shown} on imports.'); "
        f"{FREE_TEXT_HINT} [string_pattern_mismatch]")
    assert not any(chr(c) in message for c in range(32))  # the value is shown escaped


def test_tabs_and_line_breaks_are_text(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, edit("records/topics/test.yaml",
                                       "description: Duties on imports.",
                                       'description: "Duties\\ton\\nimports."'))
    topics = build(data).tables["topics"]
    assert topics.column("description").to_pylist() == ["Duties\ton\nimports."]


def test_a_quote_without_a_letter_or_digit_is_refused(tmp_path: Path) -> None:
    data = write_corpus(tmp_path, edit("records/actors/test.yaml", "quote: Beta Envoy",
                                       "quote: ' '\n      occurrence: 1"))
    assert _violations(data) == [
        "data/records/actors/test.yaml:18:14: actors:beta evidence.0.quote: ' ' has no letter "
        "or digit; a quote is words of the document [quote-word]"]


@pytest.mark.parametrize(("date", "year"), [("0025-01-19", 25), ("9999", 9999),
                                            ("1799-12-31", 1799), ("2101-01", 2101)])
def test_a_date_outside_1800_to_2100_needs_an_override(tmp_path: Path, date: str,
                                                       year: int) -> None:
    meeting = edit("records/meetings/test.yaml", 'date: "2025-03-03"', f'date: "{date}"')
    data = write_corpus(tmp_path, meeting)
    found = [v for v in _violations(data) if v.endswith("[date-range]")]
    assert found == [
        f"data/records/meetings/test.yaml:5:9: meetings:alpha-beta-geneva date: '{date}' falls "
        f"in the year {year}, outside 1800–2100: a typo? If the date is right, say why in "
        "date_override [date-range]"]
    name, text = next(iter(meeting.items()))
    assert text is not None
    overridden = text.replace("  date_basis: stated\n", "  date_basis: stated\n"
                              "  date_override: The source dates the treaty so.\n")
    tables = build(write_corpus(tmp_path / "again", {name: overridden})).tables
    assert tables["meetings"].column("date_override").to_pylist() == [
        "The source dates the treaty so."]


def test_dates_inside_the_range_need_no_override(tmp_path: Path) -> None:
    tables = build(write_corpus(tmp_path)).tables
    assert tables["meetings"].column("date_override").to_pylist() == [None]
