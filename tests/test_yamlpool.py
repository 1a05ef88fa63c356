"""Reading YAML files in worker processes gives exactly what reading them here gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from usc_events.build.yaml_pool import YamlReader
from usc_events.build.yaml_reader import YamlData, read_yaml
from usc_events.errors import DataInvalid

FILES = {
    "a.yaml": "- id: one\n  when: 2025-01-20\n  tags: [x, y]\n- id: two\n  n: 3\n",
    "b.yaml": "- id: three\n  quote: “curly” — quotes\n  note: null\n",
    "broken.yaml": "- id: [unclosed\n",
    "tagged.yaml": "- id: !!python/name:os.system four\n  ok: true\n",
    "c.yaml": "- id: five\n  id: again\n",
}


def _same(a: YamlData, b: YamlData) -> None:
    assert a.value == b.value
    assert dict(a.lines) == dict(b.lines)
    assert a.lines.columns == b.lines.columns
    assert a.problems == b.problems


@pytest.fixture
def files(tmp_path: Path) -> list[tuple[Path, str]]:
    paths = []
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append((tmp_path / name, f"data/{name}"))
    return paths


def _read_all(reader: YamlReader, files: list[tuple[Path, str]]) -> None:
    for path, display in files:
        try:
            expected = read_yaml(path, display)
        except DataInvalid as error:
            with pytest.raises(DataInvalid) as raised:
                reader(path, display)
            assert raised.value.violations == error.violations
            continue
        _same(reader(path, display), expected)


def test_workers_give_what_read_yaml_gives(files: list[tuple[Path, str]]) -> None:
    with YamlReader(files, workers=2, min_bytes=0) as reader:
        assert len(reader.workers) == 2
        _read_all(reader, files)
    assert reader.workers == []


def test_small_corpora_are_read_here(files: list[tuple[Path, str]]) -> None:
    with YamlReader(files, workers=2) as reader:
        assert reader.workers == []
        _read_all(reader, files)


def test_files_asked_for_out_of_order_are_still_read(files: list[tuple[Path, str]]) -> None:
    with YamlReader(files, workers=2, min_bytes=0) as reader:
        _read_all(reader, list(reversed(files)))


def test_a_worker_that_dies_is_replaced_by_reading_here(files: list[tuple[Path, str]]) -> None:
    with YamlReader(files, workers=2, min_bytes=0) as reader:
        for worker in reader.workers:
            worker.process.kill()
            worker.process.wait()
        _read_all(reader, files)
        assert reader.workers == []


def test_lines_pickled_are_the_same_when_unpacked(files: list[tuple[Path, str]]) -> None:
    """Lines pickled and unpickled, once or twice, are the same lines."""
    import pickle

    path, display = files[0]
    lines = read_yaml(path, display).lines
    sent = pickle.loads(pickle.dumps(lines))
    resent = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(lines))))
    for copy in (sent, resent):
        assert copy == lines and dict(copy) == dict(lines)
        assert copy.columns == lines.columns
        assert copy.children((0,)) == lines.children((0,)) != []
        assert copy.get((0, "tags", 1)) == 3 and (0, "nothing") not in copy
    sent.mark((9,), 40, 2)
    assert sent[(9,)] == 40 and sent.columns[(9,)] == 2 and len(sent) == len(lines) + 1


def test_a_workers_lines_are_read_again_only_when_asked(files: list[tuple[Path, str]]) -> None:
    """A worker sends a way to read a file's lines again, not the marks themselves."""
    import pickle

    path, display = files[0]
    path.write_text(FILES["a.yaml"] * 100, encoding="utf-8")  # 200 records
    with YamlReader(files, workers=2, min_bytes=0) as reader:
        data = reader(path, display)
    sent = pickle.dumps(data.lines)
    marks = pickle.dumps(read_yaml(path, display).lines)
    assert len(sent) * 10 < len(marks)
    assert str(path).encode() in sent
    _same(data, read_yaml(path, display))  # asked for: read again, the same lines


def test_lines_of_a_file_changed_since_are_not_guessed(files: list[tuple[Path, str]]) -> None:
    """A file edited after a worker read it gives no lines rather than wrong ones."""
    path, display = files[0]
    with YamlReader(files, workers=2, min_bytes=0) as reader:
        data = reader(path, display)
    path.write_text("\n\n" + FILES["a.yaml"], encoding="utf-8")
    assert dict(data.lines) == {} and data.lines.columns == {}
    assert data.lines.get((0, "id")) is None
