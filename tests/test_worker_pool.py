"""Running a job in worker processes gives exactly what running it here gives.

The build reads its records files through :class:`WorkerPool`; a corpus read in workers
must give the same tables, and the same violations at the same lines, as one read in a
single process.
"""

from __future__ import annotations

import pickle
from functools import partial
from pathlib import Path

import pytest
from conftest import FILES, edit, write_corpus

from usc_events.build import worker_pool
from usc_events.build.builder import build
from usc_events.build.collect import Collector
from usc_events.build.records import Documents, read_records
from usc_events.build.worker_pool import WorkerPool
from usc_events.build.yaml_reader import read_yaml
from usc_events.errors import DataInvalid, Violation

CALLS = [("1",), ("22",), ("333",), ("4444",), ("55555",)]


def test_workers_give_what_the_job_gives_here() -> None:
    with WorkerPool(int, CALLS, size=0, workers=2, min_bytes=0) as pool:
        assert len(pool.workers) == 2
        assert [pool(*call) for call in CALLS] == [1, 22, 333, 4444, 55555]
    assert pool.workers == []


def test_small_inputs_are_run_here() -> None:
    with WorkerPool(int, CALLS, size=100, workers=2, min_bytes=101) as pool:
        assert pool.workers == []
        assert [pool(*call) for call in CALLS] == [1, 22, 333, 4444, 55555]


def test_calls_asked_for_out_of_order_are_still_answered() -> None:
    with WorkerPool(int, CALLS, size=0, workers=2, min_bytes=0) as pool:
        assert [pool(*call) for call in reversed(CALLS)] == [55555, 4444, 333, 22, 1]


def test_a_worker_that_dies_is_replaced_by_running_here() -> None:
    with WorkerPool(int, CALLS, size=0, workers=2, min_bytes=0) as pool:
        for worker in pool.workers:
            worker.process.kill()
            worker.process.wait()
        assert [pool(*call) for call in CALLS] == [1, 22, 333, 4444, 55555]
        assert all(worker.failed for worker in pool.workers)
    assert pool.workers == []


def test_workers_run_this_code_whatever_the_folder_they_start_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder holding another ``usc_events`` (a checkout, say) is not where they import it."""
    (tmp_path / "usc_events").mkdir()
    (tmp_path / "usc_events" / "__init__.py").write_text("raise SystemExit('not this one')\n")
    monkeypatch.chdir(tmp_path)
    with WorkerPool(int, CALLS, size=0, workers=2, min_bytes=0) as pool:
        assert [pool(*call) for call in CALLS] == [1, 22, 333, 4444, 55555]
        assert not any(worker.failed for worker in pool.workers)


def test_a_job_that_raises_in_a_worker_raises_here() -> None:
    calls = [("1",), ("not a number",), ("3",)]
    with WorkerPool(int, calls, size=0, workers=2, min_bytes=0) as pool:
        assert pool("1") == 1
        with pytest.raises(ValueError, match="not a number"):
            pool("not a number")
        assert pool("3") == 3


# --- the build's records, read in workers -------------------------------------------------

BROKEN = {
    # read by the full reader: a duplicate key
    **edit("records/actors/test.yaml", "  kind: person\n  country: FR\n",
           "  kind: person\n  kind: person\n  country: FR\n"),
    # read for its values alone, then its lines read again for the violations
    **edit("records/statements/test.yaml", 'date: "2025-03-03"', 'date: "2025-02-30"'),
    **edit("records/positions/test.yaml", "Beta said tariffs would stay",
           "Beta said tariffs will stay"),
    **edit("records/meetings/test.yaml", "plover_event: CONSULT", "plover_event: CONSULTS"),
    **edit("records/roles/test.yaml", "organization_id: beta", "organization_id: gamma"),
}


def _violations(data: Path) -> list[Violation]:
    with pytest.raises(DataInvalid) as raised:
        build(data)
    return raised.value.violations


def test_a_corpus_read_in_workers_gives_the_same_tables(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_corpus(tmp_path)
    here = build(data).tables
    monkeypatch.setattr(worker_pool, "MIN_BYTES", 0)
    in_workers = build(data).tables
    assert set(in_workers) == set(here)
    assert all(in_workers[t].equals(here[t], check_metadata=True) for t in here)


def test_a_corpus_read_in_workers_gives_the_same_violations_at_the_same_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_corpus(tmp_path, BROKEN)
    here = _violations(data)
    monkeypatch.setattr(worker_pool, "MIN_BYTES", 0)
    in_workers = _violations(data)
    assert in_workers == here
    codes = {v.code for v in here}
    assert {"duplicate-key", "edtf", "quote", "enum", "foreign-key"} <= codes, codes
    assert all(v.line is not None for v in here), here
    dangling = next(v for v in here if v.code == "foreign-key")
    assert (dangling.file, dangling.line) == ("data/records/roles/test.yaml", 3)


def _rows_of(data: Path, table: str) -> tuple[Documents, tuple[str, str, str]]:
    collector = Collector(texts={"doc-a": FILES["sources/doc_a.txt"]})
    path = data / "records" / table / "test.yaml"
    return Documents.of(collector), (table, str(path), f"records/{table}/test.yaml")


def test_a_workers_lines_are_read_again_only_when_asked(tmp_path: Path) -> None:
    """A worker sends a way to read a file's lines again, not the marks themselves."""
    record = FILES["records/positions/test.yaml"]
    many = "".join(record.replace("beta-keeps-tariffs", f"keeps-{n}") for n in range(200))
    data = write_corpus(tmp_path, {"records/positions/test.yaml": many})
    documents, call = _rows_of(data, "positions")
    _, other = _rows_of(data, "topics")
    with WorkerPool(partial(read_records, documents), [call, other], size=0, workers=2,
                    min_bytes=0) as pool:
        assert len(pool.workers) == 2
        rows = pool(*call)
    site = rows.origins["positions"][150]
    assert site.label == "positions:keeps-150"
    sent = pickle.dumps(site.lines)
    marks = read_yaml(Path(call[1]), call[2]).lines
    assert len(sent) * 10 < len(pickle.dumps((dict(marks), marks.columns)))
    assert call[1].encode() in sent
    assert dict(site.lines) == dict(marks) and site.lines.columns == marks.columns
    assert site.origin().line == 1 + record.count("\n") * 150


def test_lines_of_a_file_changed_since_are_not_guessed(tmp_path: Path) -> None:
    """A file edited after it was read gives no lines rather than wrong ones."""
    data = write_corpus(tmp_path)
    path = data / "records" / "topics" / "test.yaml"
    read = read_yaml(path, "records/topics/test.yaml")
    path.write_text("\n\n" + FILES["records/topics/test.yaml"], encoding="utf-8")
    assert dict(read.lines) == {} and read.lines.columns == {}
    assert read.lines.get((0, "topic_id")) is None
    # A file out of the plain is read with its lines at once: they stay what they were.
    path.write_text(FILES["records/topics/test.yaml"] + "  label: Again\n", encoding="utf-8")
    read = read_yaml(path, "records/topics/test.yaml")
    assert read.problems[0].code == "duplicate-key"
    path.write_text("\n\n" + FILES["records/topics/test.yaml"], encoding="utf-8")
    assert read.lines.get((0, "topic_id")) == 1


def test_lines_pickled_are_the_same_when_unpacked(tmp_path: Path) -> None:
    """Lines pickled and unpickled, once or twice, are the same lines."""
    data = write_corpus(tmp_path)
    path = data / "records" / "statements" / "test.yaml"
    for lines in (read_yaml(path, "s.yaml").lines, _full_lines(path)):
        sent = pickle.loads(pickle.dumps(lines))
        resent = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(lines))))
        for copy in (sent, resent):
            assert copy == lines and dict(copy) == dict(lines)
            assert copy.columns == lines.columns
            assert copy.children((0,)) == lines.children((0,)) != []
            assert copy.get((0, "topic_ids", 0)) == 9 and (0, "nothing") not in copy
        sent.mark((9,), 40, 2)
        assert sent[(9,)] == 40 and sent.columns[(9,)] == 2 and len(sent) == len(lines) + 1


def _full_lines(path: Path) -> object:
    from usc_events.build.yaml_reader import parse_yaml, read_text

    return parse_yaml(read_text(path, "s.yaml"), "s.yaml").lines
