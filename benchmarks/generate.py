"""Synthetic corpora of any size that pass every rule of
:func:`usc_events.build.rules.check_corpus`.

A corpus of ``n`` statements has, besides the statements, ``n // 50`` actors,
``n // 20`` meetings with two participants each, the 40 topics, one evidence row
per record and documents of 200 sentences each whose text holds every quote
(with curly quotes and dashes, so code points and bytes differ). Everything is
built with Arrow compute and NumPy over whole columns, so a million statements
take a few seconds.

Three outputs:

- :func:`corpus`: the tables in memory, as ``usc-events build`` would produce them;
- :func:`statements_chunk`: a slice of a very large statements table, for writing
  10M rows to Parquet chunk by chunk (no documents or evidence);
- :func:`write_yaml`: a ``data/`` folder (sources and YAML records) for timing the build.

Run ``python benchmarks/generate.py 10000 out/`` to write a corpus as Parquet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from usc_events.schema.columns import arrow_schema
from usc_events.schema.models import TABLE_MODELS
from usc_events.schema.vocabularies import Channel, MeetingKind, PloverEvent

SENTENCES_PER_DOCUMENT = 200
TOPICS = 40
FIRST_DAY = dt.date(2000, 1, 1)
DAYS = (dt.date(2025, 12, 31) - FIRST_DAY).days


def sizes(statements: int) -> dict[str, int]:
    """How many rows each table gets for a corpus of ``statements`` statements."""
    meetings = max(2, statements // 20)
    return {
        "actors": max(10, statements // 50),
        "topics": TOPICS,
        "meetings": meetings,
        "meeting_participants": 2 * meetings,
        "statements": statements,
    }


def _numbered(prefix: str, numbers: np.ndarray | pa.Array, suffix: str = "") -> pa.Array:
    text = pc.cast(pa.array(numbers), pa.string())
    return pc.binary_join_element_wise(prefix, text, suffix, "")


def _join(*parts: Any) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _dates(rng: np.random.Generator, n: int) -> tuple[pa.Array, pa.Array]:
    first = rng.integers(0, DAYS, n)
    spread = rng.integers(0, 4, n) * (rng.random(n) < 0.3)
    epoch = (FIRST_DAY - dt.date(1970, 1, 1)).days
    return (pa.array((first + epoch).astype("int32"), pa.date32()),
            pa.array((first + spread + epoch).astype("int32"), pa.date32()))


def _table(table: str, columns: dict[str, Any], n: int) -> pa.Table:
    """A table of ``table``'s schema; columns not given are null."""
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arrays.append(value.cast(field.type))
        elif isinstance(value, np.ndarray):
            arrays.append(pa.array(value, field.type))
        else:
            arrays.append(pa.array([value] * n, field.type) if not isinstance(value, list)
                          else pa.array(value, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _pick(options: Iterable[str], index: np.ndarray) -> pa.Array:
    values = pa.array(list(options))
    return values.take(pa.array(index % len(values)))


def statements_chunk(start: int, count: int, actors: int, meetings: int,
                     seed: int = 0) -> pa.Table:
    """Statements ``start`` to ``start + count`` of a large corpus, with no evidence."""
    rng = np.random.default_rng([seed, start])
    k = np.arange(start, start + count)
    speakers = rng.integers(0, actors, count)
    kinds = np.where(k % 2 == 0, "direct_quote", "paraphrase")
    text = _join("we value dialogue on topic ", pc.cast(pa.array(k % TOPICS), pa.string()),
                 " — remark ", pc.cast(pa.array(k), pa.string()))
    earliest, latest = _dates(rng, count)
    undated = pa.array(k % 20 == 7)
    null_date = pa.nulls(count, pa.date32())
    earliest = pc.if_else(undated, null_date, earliest)
    latest = pc.if_else(undated, null_date, latest)
    inferred = pa.array(k % 5 == 1)
    basis = pc.if_else(undated, pa.nulls(count, pa.string()),
                       pc.if_else(inferred, "inferred", "stated"))
    note = pc.if_else(pc.and_(inferred, pc.invert(undated)),
                      "Inferred from the report's date.", pa.nulls(count, pa.string()))
    at_meeting = pa.array(k % 3 == 0)
    meeting_ids = pc.if_else(at_meeting, _numbered("meeting-", k % meetings),
                             pa.nulls(count, pa.string()))
    topic = k % TOPICS
    offsets = np.arange(0, 2 * count + 1, 2, dtype=np.int32)
    topic_ids = pa.ListArray.from_arrays(
        pa.array(offsets), _numbered("topic-", np.stack([topic, (topic + 1) % TOPICS], 1).ravel()))
    return _table("statements", {
        "statement_id": _numbered("statement-", k),
        "speaker_id": _numbered("actor-", speakers),
        "kind": pa.array(kinds),
        "text": text,
        "meeting_id": meeting_ids,
        "channel": _pick([c.value for c in Channel], k),
        **_edtf_columns(earliest, latest),
        "date_basis": basis,
        "topic_ids": topic_ids,
        "note": note,
    }, count)


def _edtf_columns(earliest: pa.Array, latest: pa.Array) -> dict[str, pa.Array]:
    """``date_edtf`` as a curator would write the interval, with its bounds and precision."""
    low, high = pc.cast(earliest, pa.string()), pc.cast(latest, pa.string())
    same = pc.equal(earliest, latest)
    return {
        "date_edtf": pc.if_else(same, low, pc.binary_join_element_wise(low, high, "/")),
        "date_earliest": earliest,
        "date_latest": latest,
        "date_precision": pc.if_else(same, "day", "interval"),
    }


def corpus(statements: int, seed: int = 0) -> dict[str, pa.Table]:
    """Every table of a valid corpus of ``statements`` statements."""
    tables: dict[str, pa.Table] = {t: arrow_schema(t).empty_table() for t in TABLE_MODELS}
    tables.update(statement_tables(statements, seed=seed))
    _add_documents_and_evidence(tables)
    return tables


def statement_tables(statements: int, seed: int = 0,
                     actors: int | None = None) -> dict[str, pa.Table]:
    """Actors, topics, meetings with their participants, and statements: no evidence.

    ``actors`` overrides the number of actors (the speakers are drawn from all of them).
    """
    n = sizes(statements)
    if actors is not None:
        n["actors"] = actors
    rng = np.random.default_rng(seed)
    tables: dict[str, pa.Table] = {}

    a = np.arange(n["actors"])
    tables["actors"] = _table("actors", {
        "actor_id": _numbered("actor-", a),
        "name": _numbered("Actor ", a),
        "kind": _pick(["person", "government_body", "company", "state"], a),
        "country": pc.if_else(pa.array(a % 3 == 2), pa.nulls(len(a), pa.string()),
                              _pick(["US", "CN"], a)),
        "aliases": pa.ListArray.from_arrays(pa.array(np.arange(len(a) + 1, dtype=np.int32)),
                                            _numbered("A", a)),
        "description": "A synthetic actor.",
    }, len(a))
    t = np.arange(TOPICS)
    tables["topics"] = _table("topics", {
        "topic_id": _numbered("topic-", t), "label": _numbered("Topic ", t),
        "description": "A synthetic topic.",
    }, TOPICS)
    m = np.arange(n["meetings"])
    earliest, latest = _dates(rng, len(m))
    tables["meetings"] = _table("meetings", {
        "meeting_id": _numbered("meeting-", m),
        "kind": _pick([k.value for k in MeetingKind], m),
        "title": _numbered("Meeting ", m),
        "location": _numbered("City ", m % 50),
        **_edtf_columns(earliest, latest), "date_basis": "stated",
        "summary": "Two actors met.",
        "plover_event": _pick([p.value for p in PloverEvent], m),
        "cameo_code": _pick(["040", "042", "043", "036"], m),
    }, len(m))
    host = m % n["actors"]
    guest = (host + 1 + m % (n["actors"] - 1)) % n["actors"]
    p_meeting = np.repeat(m, 2)
    p_actor = np.stack([host, guest], 1).ravel()
    meeting_ids = _numbered("meeting-", p_meeting)
    actor_ids = _numbered("actor-", p_actor)
    tables["meeting_participants"] = _table("meeting_participants", {
        "participant_id": _join(meeting_ids, ".", actor_ids),
        "meeting_id": meeting_ids, "actor_id": actor_ids,
        "role": _pick(["host", "guest"], np.arange(len(p_meeting))),
    }, len(p_meeting))
    tables["statements"] = statements_chunk(0, statements, n["actors"], n["meetings"], seed)
    return tables


def _add_documents_and_evidence(tables: dict[str, pa.Table]) -> None:
    """One sentence per record, 200 sentences a document, one evidence row per sentence."""
    actors, meetings = tables["actors"], tables["meetings"]
    participants, statements = tables["meeting_participants"], tables["statements"]
    quoted = pc.equal(statements["kind"], "direct_quote")
    statement_quote = pc.if_else(
        quoted,
        _join("[", statements["speaker_id"], "] said: “", statements["text"], "”."),
        _join("[", statements["speaker_id"], "] suggested that ", statements["text"], "."))
    parts = [
        ("actors", actors["actor_id"],
         _join(actors["name"], " [", actors["actor_id"], "] is a “synthetic” actor.")),
        ("meetings", meetings["meeting_id"],
         _join("[", meetings["meeting_id"], "] took place — in ", meetings["location"], ".")),
        ("meeting_participants", participants["participant_id"],
         _join("[", participants["actor_id"], "] took part in [", participants["meeting_id"],
               "].")),
        ("statements", statements["statement_id"], statement_quote),
    ]
    record_type = pa.concat_arrays([pa.array([t] * len(ids)) for t, ids, _ in parts])
    record_id = pa.concat_arrays([ids.combine_chunks() for _, ids, _ in parts])
    quote = pa.concat_arrays([pa.chunked_array([q]).combine_chunks() for _, _, q in parts])
    items = len(quote)
    document = np.arange(items) // SENTENCES_PER_DOCUMENT
    documents = int(document[-1]) + 1 if items else 0
    length = pc.utf8_length(quote).to_numpy().astype(np.int64)
    first = np.arange(documents) * SENTENCES_PER_DOCUMENT
    step = length + 1  # the sentence and one space
    global_start = np.cumsum(step) - step
    start = global_start - global_start[first][document]
    # Every sentence followed by a space: its bytes are the document texts back to back.
    sentences = pc.binary_join_element_wise(quote, " ", "")
    buffers = sentences.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[sentences.offset:]
    bounds = np.append(offsets[first], offsets[items])
    texts = pa.StringArray.from_buffers(documents, pa.py_buffer(bounds.astype(np.int32)),
                                        buffers[2])
    texts = pc.utf8_rtrim(texts, characters=" ")
    d = np.arange(documents)
    digests = [hashlib.sha256(text.encode()).hexdigest() for text in texts.to_pylist()]
    published = pa.array((np.datetime64("2024-01-01T00:00:00") + d.astype("timedelta64[h]"))
                         .astype("datetime64[us]"))
    tables["documents"] = _table("documents", {
        "document_id": _numbered("doc-", d),
        "file_name": _numbered("doc_", d, ".txt"),
        "outlet": "Synthetic Wire",
        "published_earliest": pc.assume_timezone(published, "UTC"),
        "published_latest": pc.assume_timezone(published, "UTC"),
        "kind": "news_report", "language": "en",
        "text": texts, "sha256": pa.array(digests),
    }, documents)
    number = pc.utf8_lpad(pc.cast(pa.array(np.arange(items)), pa.string()), 12, "0")
    tables["evidence"] = _table("evidence", {
        "evidence_id": _join("ev-", number),
        "record_type": record_type, "record_id": record_id,
        "document_id": _numbered("doc-", document),
        "start": start, "end": start + length, "quote": quote,
        "attribution": pc.if_else(pa.array(np.arange(items) % 4 == 0), "Synthetic Wire",
                                  pa.nulls(items, pa.string())),
    }, items)


# --- YAML ---------------------------------------------------------------------------------

#: Records per YAML file, so that no file comes near the 10 MB limit.
RECORDS_PER_FILE = 1000


def _yaml_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def write_yaml(tables: dict[str, pa.Table], folder: Path) -> int:
    """Write ``tables`` as a ``data/`` folder that ``usc-events build`` reads; return the records.

    The evidence is written as contributors write it: a document id and a quote.
    """
    from usc_events.schema.columns import columns, contribution_key, contribution_model
    from usc_events.schema.models import TABLE_MODELS as MODELS

    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "records").mkdir(exist_ok=True)
    (folder / "dataset.yaml").write_text("version: 1.0.0\n", encoding="utf-8")
    fields = set(contribution_model("documents").model_fields) - {"passages"}
    for row in tables["documents"].to_pylist():
        (folder / "sources" / row["file_name"]).write_text(row["text"], encoding="utf-8")
        lines = [f"{c.name}: {_yaml_value(row[c.name])}" for c in columns("documents")
                 if c.name in fields]
        (folder / "sources" / row["file_name"].replace(".txt", ".yaml")).write_text(
            "\n".join(lines) + "\n", encoding="utf-8")
    evidence_of: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in tables["evidence"].to_pylist():
        evidence_of.setdefault((row["record_type"], row["record_id"]), []).append(row)
    written = 0
    for table, model in MODELS.items():
        if table in ("documents", "passages", "evidence", "citations") \
                or tables[table].num_rows == 0:
            continue
        (folder / "records" / table).mkdir(exist_ok=True)
        keep = [(contribution_key(c), c.name) for c in columns(table) if c.derived is None]
        rows = tables[table].to_pylist()
        for part, begin in enumerate(range(0, len(rows), RECORDS_PER_FILE)):
            out: list[str] = []
            for row in rows[begin:begin + RECORDS_PER_FILE]:
                lead = "- "
                for key, name in keep:
                    out.append(f"{lead}{key}: {_yaml_value(row[name])}")
                    lead = "  "
                support = evidence_of.get((table, row[model.primary_key]), [])
                if support:
                    out.append("  evidence:")
                for ev in support:
                    out.append(f"    - document_id: {ev['document_id']}")
                    out.append(f"      quote: {_yaml_value(ev['quote'])}")
                    if ev["attribution"] is not None:
                        out.append(f"      attribution: {_yaml_value(ev['attribution'])}")
                written += 1
            path = folder / "records" / table / f"part-{part:04d}.yaml"
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return written


def main(argv: list[str]) -> None:
    """``generate.py N OUT``: write a corpus of N statements as Parquet files to OUT."""
    import pyarrow.parquet as pq

    statements, out = int(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for table, data in corpus(statements).items():
        pq.write_table(data, out / f"{table}.parquet", compression="zstd")
    print(f"wrote a corpus of {statements} statements to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
