"""A hostile or broken release server, and a cache shared with other files (issue 17).

Every release here is served by a real HTTP server on 127.0.0.1 and is self-consistent
(every hash matches), as a hostile server would make it: what it can make usc-events do
is bounded by the names, sizes, deadline and checks, not by the hashes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from release_server import ReleaseServer, built_tables, changelog, refused_url, republish

import usc_events
from usc_events._files import PART_SUFFIX
from usc_events.errors import DownloadError, UnknownVersion, Unreachable, VersionRejected
from usc_events.releases.cache import MARKER, cached_versions, clear_cache
from usc_events.releases.check import CHECKED
from usc_events.releases.download import download, fetch_index
from usc_events.releases.fetch import MAX_METADATA_BYTES
from usc_events.releases.make import make_release


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("releases")
    first = tmp_path_factory.mktemp("v010")
    make_release(out, built_tables(first, "0.1.0"), changelog(first))
    return out


@pytest.fixture
def releases(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the release folder that a test may make hostile."""
    copy = tmp_path / "served"
    shutil.copytree(pristine, copy)
    return copy


@pytest.fixture
def server(releases: Path) -> Iterator[ReleaseServer]:
    with ReleaseServer(releases) as running:
        yield running


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _get(server: ReleaseServer, cache: Path) -> Path:
    return download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)


def _parts(cache: Path) -> list[Path]:
    return [p for p in cache.rglob(f"*{PART_SUFFIX}")] if cache.exists() else []


# --- item 1: file names ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../../escaped.txt", "/tmp/usc-events-escaped.txt",
                                  "sub/actors.parquet", ".bashrc", "..", "release.json",
                                  MARKER, "a\\..\\b"])
def test_a_release_naming_a_path_is_refused_before_anything_is_written(
    server: ReleaseServer, releases: Path, cache: Path, tmp_path: Path, name: str
) -> None:
    republish(releases, "0.1.0", names={"topics.parquet": name})
    with pytest.raises(DownloadError) as caught:
        _get(server, cache)
    assert str(caught.value) == (
        f"0.1.0/release.json of data version 0.1.0: names the file {name!r}, which is not a "
        "plain file name inside the version folder; the release is refused and nothing was "
        "written")
    assert server.requests == ["versions.json", "0.1.0/release.json"]
    assert not (cache / "0.1.0").exists()
    assert not Path("/tmp/usc-events-escaped.txt").exists()
    assert not any(tmp_path.parent.rglob("escaped.txt"))


def test_a_manifest_naming_a_file_outside_its_folder_is_never_opened(
    server: ReleaseServer, releases: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = json.loads((releases / "0.1.0" / "manifest.json").read_text())
    manifest["tables"]["actors"]["file"] = "../../../../etc/passwd"
    republish(releases, "0.1.0", files={"manifest.json": json.dumps(manifest).encode()})
    monkeypatch.setenv("USC_EVENTS_DATA_URL", server.url)
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(cache))
    with pytest.raises(VersionRejected) as caught:
        usc_events.load("actors", version="0.1.0")
    assert str(caught.value) == (
        "data version 0.1.0 is not used: it fails the checks of a build: manifest.json in "
        "data version 0.1.0: table 'actors' names the file '../../../../etc/passwd'; only a "
        "plain file name inside the folder is allowed")


# --- item 2: a downloaded version is checked like a build -----------------------------------


def _hostile_actors(releases: Path) -> object:
    import pyarrow as pa
    import pyarrow.parquet as pq

    actors = pq.read_table(releases / "0.1.0" / "actors.parquet")
    rows = actors.to_pylist()
    rows[0]["kind"] = "martian"
    rows.append(dict(rows[-1]))  # a duplicate id
    rows.append({**rows[-1], "actor_id": "Not An Id"})
    return pa.Table.from_pylist(rows, schema=actors.schema)


def test_a_version_with_tables_a_build_would_refuse_is_not_used_and_says_why(
    server: ReleaseServer, releases: Path, cache: Path
) -> None:
    republish(releases, "0.1.0", tables={"actors": _hostile_actors(releases)})
    with pytest.raises(VersionRejected) as caught:
        _get(server, cache)
    assert str(caught.value) == (
        "data version 0.1.0 is not used: it fails the checks of a build: actors: row 4, "
        "actor_id: 'Not An Id' does not match the pattern ^[a-z0-9]+(?:-[a-z0-9]+)*$ [pattern] "
        "(and 3 more)")
    record = json.loads((cache / "0.1.0" / CHECKED).read_text())
    assert sorted(record["problems"][1:]) == [
        "actors: row 1, kind: 'martian' is not one of: person, state, government_body, "
        "political_party, company, platform, organization, group [enum]",
        "actors: row 3, actor_id: 'beta' is already the id of an earlier record; ids must be "
        "unique [duplicate-id]",
        "actors: row 4, evidence: the record has no evidence; give at least one verbatim "
        "quote [no-evidence]"]
    # Recorded: a second use gives the same refusal without checking again.
    stamp = (cache / "0.1.0" / CHECKED).stat().st_mtime_ns
    with pytest.raises(VersionRejected, match="'Not An Id'"):
        _get(server, cache)
    assert (cache / "0.1.0" / CHECKED).stat().st_mtime_ns == stamp
    [entry] = cached_versions(cache)
    assert entry.problem is not None and entry.problem.startswith("rejected: actors: row 4")


def test_a_table_with_columns_of_its_own_is_refused(
    server: ReleaseServer, releases: Path, cache: Path
) -> None:
    import pyarrow as pa

    evil = pa.table({"evil": ["rm -rf"], "n": [1]})
    republish(releases, "0.1.0", tables={"actors": evil})
    with pytest.raises(VersionRejected) as caught:
        _get(server, cache)
    message = str(caught.value)
    assert "actors: column(s) 'evil', 'n' are not in the table's definition [extra-column]" \
        in message
    problems = json.loads((cache / "0.1.0" / CHECKED).read_text())["problems"]
    assert ("actors: column(s) 'actor_id', 'name', 'kind', 'country', 'aliases', "
            "'description', 'wikidata_id', 'note' of the table's definition are missing "
            "[missing-column]") in problems


def test_a_good_version_is_checked_once_and_the_result_kept(
    server: ReleaseServer, cache: Path
) -> None:
    folder = _get(server, cache)
    record = json.loads((folder / CHECKED).read_text())
    assert record["problems"] == []
    stamp = (folder / CHECKED).stat().st_mtime_ns
    server.stop()
    assert _get(server, cache) == folder
    assert (folder / CHECKED).stat().st_mtime_ns == stamp


# --- item 4: bounded work -------------------------------------------------------------------


def test_a_body_longer_than_declared_is_cut_at_the_declared_size(
    server: ReleaseServer, releases: Path, cache: Path
) -> None:
    size = (releases / "0.1.0" / "topics.parquet").stat().st_size
    server.fail("0.1.0/topics.parquet", "unbounded", extra=512 * 1024 * 1024)
    with pytest.raises(DownloadError) as caught:
        _get(server, cache)
    assert str(caught.value) == (
        f"0.1.0/topics.parquet: {server.url}0.1.0/topics.parquet sends more than the {size} "
        "bytes release.json records; the download was stopped and nothing of it was kept")
    assert server.sent_extra < 64 * 1024 * 1024  # it hung up long before 512 MiB
    assert _parts(cache) == []
    assert not (cache / "0.1.0" / "topics.parquet").exists()


def test_a_declared_length_beyond_the_release_is_refused_before_reading(
    server: ReleaseServer, cache: Path
) -> None:
    server.fail("0.1.0/topics.parquet", "overlong", extra=10)
    with pytest.raises(DownloadError, match=r"sends more than the \d+ bytes release\.json records"):
        _get(server, cache)
    assert _parts(cache) == []


def test_a_slow_server_is_given_up_on_at_the_deadline_and_leaves_nothing(
    server: ReleaseServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USC_EVENTS_DOWNLOAD_DEADLINE", "3")
    server.fail("0.1.0/topics.parquet", "slow", delay=0.5)
    start = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        _get(server, cache)
    elapsed = time.monotonic() - start
    assert str(caught.value) == (
        f"0.1.0/topics.parquet: not complete within 3 s from {server.url}0.1.0/topics.parquet, "
        "the deadline of a download (set USC_EVENTS_DOWNLOAD_DEADLINE to allow longer); "
        "nothing of it was kept")
    assert elapsed < 6
    assert _parts(cache) == []


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_malformed_deadline_is_a_clear_error(
    server: ReleaseServer, cache: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("USC_EVENTS_DOWNLOAD_DEADLINE", value)
    with pytest.raises(ValueError, match="USC_EVENTS_DOWNLOAD_DEADLINE: expected a positive "
                                         "number of seconds"):
        _get(server, cache)


def test_an_index_larger_than_the_cap_is_refused(
    server: ReleaseServer, releases: Path, cache: Path
) -> None:
    index = json.loads((releases / "versions.json").read_text())
    index["padding"] = "x" * MAX_METADATA_BYTES
    (releases / "versions.json").write_text(json.dumps(index))
    with pytest.raises(DownloadError, match=f"sends more than the {MAX_METADATA_BYTES} bytes a "
                                            "usc-events index or manifest may hold"):
        fetch_index(server.url, cache)


def test_a_huge_cached_index_is_not_read(cache: Path) -> None:
    cache.mkdir()
    with (cache / "index.json").open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GiB, sparse: reading it would take the memory
    with pytest.raises(Unreachable):
        fetch_index(refused_url(), cache)


# --- item 3: deleting only what is ours -----------------------------------------------------


def test_clearing_leaves_what_the_downloader_did_not_write(
    server: ReleaseServer, cache: Path, tmp_path: Path
) -> None:
    _get(server, cache)
    mine = cache / "1.2.3"  # a version-named folder of the user's
    mine.mkdir()
    (mine / "thesis.tex").write_text("mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MARKER).write_text(json.dumps({"version": "0.3.0"}))
    (elsewhere / "keep.txt").write_text("keep")
    (cache / "0.3.0").symlink_to(elsewhere, target_is_directory=True)
    (cache / "latest").mkdir()
    assert clear_cache(cache_dir=cache) == ["0.1.0", "index.json"]
    assert (mine / "thesis.tex").read_text() == "mine"
    assert (elsewhere / "keep.txt").exists() and (cache / "0.3.0").is_symlink()
    assert (cache / "latest").is_dir()
    with pytest.raises(UnknownVersion, match="not a version folder written by usc-events"):
        clear_cache("0.3.0", cache_dir=cache)
    with pytest.raises(UnknownVersion, match="not a version folder written by usc-events"):
        clear_cache("1.2.3", cache_dir=cache)
    with pytest.raises(ValueError, match="'latest' is not a data version"):
        clear_cache("latest", cache_dir=cache)
    assert (mine / "thesis.tex").exists() and (elsewhere / "keep.txt").exists()


def test_an_index_json_of_the_users_is_not_deleted(cache: Path) -> None:
    cache.mkdir()
    (cache / "index.json").write_text('{"my": "notes"}')
    assert clear_cache(cache_dir=cache) == []
    assert (cache / "index.json").exists()


def test_cli_cache_clear_latest_is_a_usage_error(cache: Path) -> None:
    (cache / "latest").mkdir(parents=True)
    result = subprocess.run([sys.executable, "-m", "usc_events.cli", "cache", "clear", "latest",
                             "--cache-dir", str(cache)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert "'latest' is not a data version" in result.stderr
    assert (cache / "latest").is_dir()


def test_a_version_folder_of_the_users_is_never_filled_or_emptied(
    server: ReleaseServer, cache: Path
) -> None:
    (cache / "0.1.0").mkdir(parents=True)
    (cache / "0.1.0" / "thesis.tex").write_text("mine")
    with pytest.raises(DownloadError, match="holds files that usc-events did not write"):
        _get(server, cache)
    assert [p.name for p in (cache / "0.1.0").iterdir()] == ["thesis.tex"]


def test_downloaded_files_and_folders_get_the_users_umask(
    server: ReleaseServer, cache: Path
) -> None:
    old = os.umask(0o022)
    try:
        folder = _get(server, cache)
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o644}


# --- item 7: concurrent downloads -----------------------------------------------------------


def test_concurrent_downloads_of_one_version_all_succeed(server: ReleaseServer,
                                                         cache: Path) -> None:
    code = ("import sys, usc_events; "
            "print(usc_events.download('0.1.0', base_url=sys.argv[1], cache_dir=sys.argv[2], "
            "progressbar=False))")
    for _ in range(4):
        shutil.rmtree(cache, ignore_errors=True)
        runs = [subprocess.Popen([sys.executable, "-c", code, server.url, str(cache)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
        results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
        for returncode, stdout, stderr in results:
            assert returncode == 0, stderr
            assert stdout.strip() == str(cache / "0.1.0")
        assert _parts(cache) == []
        [entry] = cached_versions(cache)
        assert entry.problem is None


def test_a_cached_version_is_checked_under_its_lock(server: ReleaseServer, cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Using a cached version waits for its lock, so no other process clears or refills the
    folder while it is checked: with the lock held elsewhere, the deadline runs out."""
    _get(server, cache)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, filelock; "
         "lock = filelock.FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); "
         "time.sleep(30)", str(cache / ".0.1.0.lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("USC_EVENTS_DOWNLOAD_DEADLINE", "1")
        with pytest.raises(DownloadError, match="another process held its lock"):
            _get(server, cache)
    finally:
        holder.kill()
        holder.wait()
    assert _get(server, cache) == cache / "0.1.0"


def test_a_download_killed_mid_file_leaves_a_part_file_that_the_next_one_removes(
    server: ReleaseServer, cache: Path, tmp_path: Path
) -> None:
    server.fail("0.1.0/topics.parquet", "slow", delay=0.05)
    killed = subprocess.Popen(
        [sys.executable, "-c", "import sys, usc_events; usc_events.download('0.1.0', "
         "base_url=sys.argv[1], cache_dir=sys.argv[2], progressbar=False)",
         server.url, str(cache)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folder = cache / "0.1.0"
    try:
        end = time.monotonic() + 60
        while not [p for p in _parts(cache) if p.name.startswith(".topics.parquet.")]:
            assert killed.poll() is None and time.monotonic() < end
            time.sleep(0.05)
        time.sleep(0.5)  # a few bytes of the slow file arrive
    finally:
        killed.kill()
        killed.wait()
    [stray] = _parts(cache)
    assert stray.parent == folder and stray.name.startswith(f".topics.parquet.{killed.pid}-")
    outside = tmp_path / "outside.part"
    outside.write_text("not the cache's")
    link = folder / f".actors.parquet.{killed.pid}-abcd1234{PART_SUFFIX}"
    link.symlink_to(outside)
    (folder / f"notes{PART_SUFFIX}").write_text("mine")
    (folder / f".notes{PART_SUFFIX}").write_text("mine too")
    assert _get(server, cache) == folder
    assert not stray.exists()
    assert sorted(p.name for p in _parts(cache)) == [link.name, f".notes{PART_SUFFIX}",
                                                     f"notes{PART_SUFFIX}"]
    assert link.is_symlink() and outside.read_text() == "not the cache's"
    assert (folder / f"notes{PART_SUFFIX}").read_text() == "mine"
    [entry] = cached_versions(cache)
    assert entry.problem is None


def _with_schema(releases: Path, schema_version: str, drop: str | None = None) -> None:
    import pyarrow.parquet as pq

    folder = releases / "0.1.0"
    if drop is not None:
        manifest = json.loads((folder / "manifest.json").read_text())
        tables = {}
        for table, entry in manifest["tables"].items():
            data = pq.read_table(folder / entry["file"])
            if drop in data.column_names:
                tables[table] = data.drop_columns([drop])
        republish(releases, "0.1.0", tables=tables)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["schema_version"] = schema_version
    republish(releases, "0.1.0", files={"manifest.json": json.dumps(manifest).encode()})


def test_a_version_of_an_earlier_minor_schema_is_read(
    server: ReleaseServer, releases: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_schema(releases, "2.0.0", drop="date_override")
    monkeypatch.setenv("USC_EVENTS_DATA_URL", server.url)
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(cache))
    meetings = usc_events.load("meetings", backend="arrow", version="0.1.0")
    assert "date_override" not in meetings.column_names
    assert [m.date_override for m in usc_events.records("meetings", version="0.1.0")] == [None]


def test_a_version_of_another_major_schema_is_refused(
    server: ReleaseServer, releases: Path, cache: Path
) -> None:
    _with_schema(releases, "1.0.0")
    with pytest.raises(VersionRejected, match=r"manifest\.json: schema_version is 1\.0\.0, but "
                                              r"this usc-events reads schema 2\.1\.0"):
        _get(server, cache)
