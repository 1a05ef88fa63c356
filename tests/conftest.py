"""A small, complete corpus written by the tests, and helpers to break it.

The texts are made up for the tests (they are not the shipped sources) so that
each rule can be broken in one place and the exact message checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

TEXT = (
    "GENEVA — Alpha Minister met Beta Envoy in Geneva on 3 March 2025. "
    "Alpha said the talks were “frank and useful” and called for lower tariffs. "
    "Beta said tariffs would stay.\n"
    "Subscribe to our newsletter\n"
)

FILES: dict[str, str] = {
    "dataset.yaml": "version: 0.1.0\n",
    "sources/doc_a.txt": TEXT,
    "sources/doc_a.yaml": """\
document_id: doc-a
file_name: doc_a.txt
title: null
outlet: Test Wire
author: null
published_earliest: 2025-03-03T10:00:00Z
published_latest: 2025-03-03T10:00:59Z
published_text: null
dateline: GENEVA
kind: news_report
language: en
url: null
passages:
  - kind: subscription_prompt
    quote: Subscribe to our newsletter
""",
    "records/actors/test.yaml": """\
- actor_id: alpha
  name: Alpha Minister
  kind: person
  country: FR
  aliases: [Alpha]
  description: A minister.
  evidence:
    - document_id: doc-a
      quote: Alpha Minister
- actor_id: beta
  name: Beta Envoy
  kind: person
  country: null
  aliases: [Beta]
  description: An envoy.
  evidence:
    - document_id: doc-a
      quote: Beta Envoy
""",
    "records/roles/test.yaml": """\
- role_id: alpha-minister
  actor_id: alpha
  organization_id: beta
  title: Minister
  date: null
  end: null
  evidence:
    - document_id: doc-a
      quote: Alpha Minister
""",
    "records/topics/test.yaml": """\
- topic_id: tariffs
  label: Tariffs
  description: Duties on imports.
""",
    "records/meetings/test.yaml": """\
- meeting_id: alpha-beta-geneva
  kind: meeting
  title: Alpha meets Beta
  location: Geneva
  date: "2025-03-03"
  end: null
  date_basis: stated
  summary: Alpha and Beta met in Geneva.
  plover_event: CONSULT
  cameo_code: "040"
  evidence:
    - document_id: doc-a
      quote: Alpha Minister met Beta Envoy in Geneva on 3 March 2025
  citations:
    - reference_id: wire-geneva
      field: date
      claim: The wire's report of the talks gives the same day.
""",
    "records/references/test.yaml": """\
- reference_id: wire-geneva
  url: https://example.org/geneva-talks
  title: Talks in Geneva
  outlet: Test Wire
  published: "2025-03-03"
  kind: wire_report
  language: en
  accessed: 2026-12-01
""",
    "records/meeting_participants/test.yaml": """\
- meeting_id: alpha-beta-geneva
  actor_id: alpha
  role: host
  evidence:
    - document_id: doc-a
      quote: Alpha Minister met Beta Envoy
- meeting_id: alpha-beta-geneva
  actor_id: beta
  role: guest
  evidence:
    - document_id: doc-a
      quote: Alpha Minister met Beta Envoy
""",
    "records/statements/test.yaml": """\
- statement_id: alpha-frank
  speaker_id: alpha
  kind: direct_quote
  text: frank and useful
  meeting_id: alpha-beta-geneva
  channel: in_person
  date: "2025-03-03"
  date_basis: inferred
  topic_ids: [tariffs]
  note: Said about the talks of 3 March, so on or after that day; the report is of the same day.
  evidence:
    - document_id: doc-a
      quote: Alpha said the talks were “frank and useful”
      attribution: Test Wire
""",
    "records/positions/test.yaml": """\
- position_id: beta-keeps-tariffs
  actor_id: beta
  topic_id: tariffs
  stance: support
  summary: Beta wants tariffs to stay.
  status: stated
  evidence:
    - document_id: doc-a
      quote: Beta said tariffs would stay
""",
    "records/discrepancies/test.yaml": """\
- discrepancy_id: tariff-views
  kind: contradiction
  summary: Alpha calls for lower tariffs; Beta says they stay.
  record_refs: ["positions:beta-keeps-tariffs", "statements:alpha-frank"]
  evidence:
    - document_id: doc-a
      quote: called for lower tariffs
    - document_id: doc-a
      quote: Beta said tariffs would stay
""",
}


def write_corpus(root: Path, changes: dict[str, str | None] | None = None) -> Path:
    """Write the test corpus under ``root/data``; ``changes`` replaces (or, None, drops) files."""
    files = {**FILES, **(changes or {})}
    data = root / "data"
    for name, content in files.items():
        if content is None:
            continue
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
    return data


def edit(name: str, old: str, new: str, count: int = 1) -> dict[str, str | None]:
    """A change replacing ``old`` by ``new`` in one file of the corpus (which must contain it)."""
    assert FILES[name].count(old) >= count, f"{old!r} not in {name}"
    return {name: FILES[name].replace(old, new, count)}


@pytest.fixture
def corpus_root(tmp_path: Path) -> Path:
    write_corpus(tmp_path)
    return tmp_path


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask, 022, for a test that checks the modes files get (then restored)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)
