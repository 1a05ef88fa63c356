"""Every filter value of the query helpers is checked, every helper takes ids or names,
and the Python API's errors speak Python while the command line's speak the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import usc_events
from usc_events.errors import InvalidValue, NotFound
from usc_events.query.corpus import Corpus
from usc_events.schema.vocabularies import (
    Channel,
    MeetingKind,
    PositionStatus,
    Stance,
    StatementKind,
)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return usc_events.open(backend="arrow")


def _values(vocabulary: Any) -> str:
    return ", ".join(v.value for v in vocabulary)


@pytest.mark.parametrize(("call", "argument", "value", "allowed", "suggested"), [
    (lambda c: c.positions(status="predicted"), "status", "predicted", _values(PositionStatus),
     None),
    (lambda c: c.positions(status="expected"), "status", "expected", _values(PositionStatus),
     "expected_by_analyst"),
    (lambda c: c.positions(stance="suport"), "stance", "suport", _values(Stance), "support"),
    (lambda c: c.statements(kind="quote"), "kind", "quote", _values(StatementKind),
     "direct_quote"),
    (lambda c: c.statements(channel="phone"), "channel", "phone", _values(Channel),
     "phone_call"),
    (lambda c: c.meetings(kind="call"), "kind", "call", _values(MeetingKind), "phone_call"),
    (lambda c: c.meetings(match="some"), "match", "some", "all, any", None),
    (lambda c: c.timeline(kinds=["meetings"]), "kinds", "meetings",
     "meeting, statement, position", "meeting"),
    (lambda c: c.timeline(kinds="positions"), "kinds", "positions",
     "meeting, statement, position", "position"),
])
def test_a_filter_value_outside_its_vocabulary_names_the_argument_value_and_choices(
        corpus: Corpus, call: Callable[[Corpus], Any], argument: str, value: str, allowed: str,
        suggested: str | None) -> None:
    with pytest.raises(InvalidValue) as raised:
        call(corpus)
    message = str(raised.value)
    assert message.startswith(f"{argument}={value!r} is not ")
    assert f"; choose one of {allowed}" in message
    assert isinstance(raised.value, ValueError)
    if suggested:
        assert message.endswith("?") and f"did you mean {suggested!r}" in message
    hint = message.partition("did you mean ")[2].rstrip("?")
    named = re.findall(r"'([^']+)'", hint)
    assert len(named) == len(set(named)), f"a suggestion is repeated: {message}"
    assert "usc-events" not in message


def test_the_values_of_every_vocabulary_still_filter(corpus: Corpus) -> None:
    positions = corpus.tables["positions"].to_pylist()
    for status in PositionStatus:
        assert corpus.positions(status=status).num_rows == sum(
            p["status"] == status for p in positions)
    for stance in Stance:
        assert corpus.positions(stance=stance.value).num_rows == sum(
            p["stance"] == stance for p in positions)
    statements = corpus.tables["statements"].to_pylist()
    for channel in Channel:
        assert corpus.statements(channel=channel.value).num_rows == sum(
            s["channel"] == channel for s in statements)
    meetings = corpus.tables["meetings"].to_pylist()
    for kind in MeetingKind:
        assert corpus.meetings(kind=kind.value).num_rows == sum(
            m["kind"] == kind for m in meetings)
    assert corpus.timeline(kinds="meeting").column("kind").to_pylist() == [
        "meeting"] * corpus.timeline(kinds=["meeting"]).num_rows


def test_a_suggestion_of_topics_names_each_topic_once(corpus: Corpus) -> None:
    with pytest.raises(NotFound) as raised:
        corpus.positions(topic="tiktok")
    assert str(raised.value) == "no topic matches 'tiktok'; did you mean: The US TikTok ban (tiktok-ban)?"
    with pytest.raises(NotFound, match=r"^no topic matches 'zzzzzz'; the topics are: "
                                       r"agricultural-land, .*tiktok-ban, trade$"):
        corpus.statements(topic="zzzzzz")


def test_related_takes_a_record_an_id_or_a_name(corpus: Corpus) -> None:
    by_found = corpus.related(corpus.record("han-vance-meeting"))
    by_id = corpus.related("han-vance-meeting")
    assert list(by_id) == ["participants", "statements"]
    assert {k: v.to_pylist() for k, v in by_id.items()} == {
        k: v.to_pylist() for k, v in by_found.items()}
    assert sorted(by_id["participants"].column("actor_id").to_pylist()) == [
        "han-zheng", "jd-vance"]
    by_name = corpus.related("Han Zheng")
    assert set(by_name) == {"meetings", "statements", "positions"}
    assert "han-vance-meeting" in by_name["meetings"].column("meeting_id").to_pylist()
    assert corpus.related("tiktok-ban", "topics")["positions"].num_rows > 0
    with pytest.raises(NotFound, match=r"did you mean: .*han-vance-meeting"):
        corpus.related("han-vance-meting")


def test_a_meeting_filter_takes_its_id_or_its_title(corpus: Corpus) -> None:
    title = corpus.record("han-vance-meeting").row["title"]
    by_id = corpus.statements(meeting="han-vance-meeting").column("statement_id").to_pylist()
    assert by_id
    assert corpus.statements(meeting=title.upper()).column("statement_id").to_pylist() == by_id
    with pytest.raises(NotFound, match=r"^no meeting has the id or title 'han-vance-meting'; "
                                       r"did you mean 'han-vance-meeting'"):
        corpus.statements(meeting="han-vance-meting")


def test_python_errors_advise_python(corpus: Corpus) -> None:
    with pytest.raises(NotFound) as raised:
        corpus.resolve("Nobody Atall")
    assert str(raised.value) == ("no actor matches 'Nobody Atall'; "
                                 "look for it with corpus.search('Nobody Atall')")
    with pytest.raises(NotFound) as unknown:
        corpus.record("zzqqxx")
    assert "usc-events" not in str(unknown.value)
    assert str(unknown.value).endswith("corpus.search('zzqqxx')")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args], capture_output=True,
                          text=True, check=False, env={**os.environ, "COLUMNS": "120"})


@pytest.mark.parametrize(("args", "line"), [
    (["timeline", "--actor", "Nobody Atall"],
     "error: no actor matches 'Nobody Atall'; try: usc-events search 'Nobody Atall'"),
    (["show", "zzqqxx"],
     "error: no record in any table has the id or name 'zzqqxx'; try: usc-events search zzqqxx"),
    (["timeline", "--kind", "meetings"],
     "error: --kind 'meetings' is not a kind of timeline record; choose one of meeting, "
     "statement, position; did you mean 'meeting'?"),
])
def test_the_command_line_speaks_its_own_options(args: list[str], line: str) -> None:
    result = _cli(*args)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line]
    assert "corpus." not in result.stderr and "kinds=" not in result.stderr
