"""Downloading releases from a real HTTP server on 127.0.0.1: verified, cached, offline, faults."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import edit
from release_server import ReleaseServer, built_tables, changelog, refused_url

import usc_events
from usc_events.releases.cache import MARKER
from usc_events.releases.check import CHECKED
from usc_events.releases.download import (
    DownloadError,
    StaleIndexWarning,
    UnknownVersion,
    Unreachable,
    cache_problem,
    cached_versions,
    clear_cache,
    download,
)
from usc_events.releases.make import make_release
from usc_events.releases.versions import bundled_version


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release folder with data versions 0.1.0 and 0.2.0 of the test corpus."""
    out = tmp_path_factory.mktemp("releases")
    first = tmp_path_factory.mktemp("v010")
    make_release(out, built_tables(first, "0.1.0"), changelog(first))
    second = tmp_path_factory.mktemp("v020")
    tables = built_tables(second, "0.2.0",
                          edit("records/topics/test.yaml", "label: Tariffs", "label: Duties"))
    make_release(out, tables, changelog(second))
    return out


@pytest.fixture
def server(release_dir: Path) -> Iterator[ReleaseServer]:
    with ReleaseServer(release_dir) as running:
        yield running


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def _release_files(release_dir: Path, version: str) -> dict[str, dict[str, object]]:
    release = json.loads((release_dir / version / "release.json").read_text())
    files: dict[str, dict[str, object]] = release["files"]
    return files


def _assert_nothing_unverified(folder: Path, release_dir: Path, version: str) -> None:
    """Every file in the cached version folder is a release file with its published hash."""
    files = _release_files(release_dir, version)
    if not folder.exists():
        return
    for path in folder.iterdir():
        if path.name in (MARKER, CHECKED):
            continue
        if path.name == "release.json":
            assert path.read_bytes() == (release_dir / version / "release.json").read_bytes()
            continue
        assert path.name in files, f"stray file {path.name} left in the cache"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == files[path.name]["sha256"]


# --- good downloads ----------------------------------------------------------------------


def test_latest_downloads_every_file_of_the_newest_version(
    server: ReleaseServer, release_dir: Path, cache: Path
) -> None:
    folder = download("latest", base_url=server.url, cache_dir=cache, progressbar=False)
    assert folder == cache / "0.2.0"
    files = _release_files(release_dir, "0.2.0")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*files, "release.json", MARKER,
                                                               CHECKED])
    for name in files:
        assert (folder / name).read_bytes() == (release_dir / "0.2.0" / name).read_bytes()
    assert cache_problem(folder) is None


def test_a_pinned_version_loads_that_version_and_no_version_loads_the_bundled_tables(
    server: ReleaseServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USC_EVENTS_DATA_URL", server.url)
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(cache))
    old = usc_events.load("topics", backend="arrow", version="0.1.0")
    new = usc_events.load("topics", backend="arrow", version="0.2.0")
    assert old.column("label").to_pylist() == ["Tariffs"]
    assert new.column("label").to_pylist() == ["Duties"]
    assert sorted(c.version for c in cached_versions()) == ["0.1.0", "0.2.0"]
    polars = usc_events.load("topics", backend="polars", version="latest")
    assert polars["label"].to_list() == ["Duties"]
    requested = list(server.requests)
    usc_events.load("topics", backend="arrow")  # the bundled tables: no request
    assert server.requests == requested


def test_the_settings_come_from_the_argument_before_the_environment(
    server: ReleaseServer, cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("USC_EVENTS_DATA_URL", refused_url())
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(tmp_path / "from-env"))
    folder = download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    assert folder == cache / "0.1.0"
    assert not (tmp_path / "from-env").exists()


def test_a_progress_bar_names_each_file_when_asked(
    server: ReleaseServer, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=True)
    shown = capsys.readouterr().err
    assert "0.1.0/actors.parquet" in shown and "0.1.0/evidence.parquet" in shown
    download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    assert capsys.readouterr().err == ""


# --- offline --------------------------------------------------------------------------------


def test_a_cached_version_is_used_offline_without_any_request(
    server: ReleaseServer, cache: Path
) -> None:
    download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    download("latest", base_url=server.url, cache_dir=cache, progressbar=False)
    server.stop()
    count = len(server.requests)
    assert download("0.1.0", base_url=server.url, cache_dir=cache) == cache / "0.1.0"
    assert len(server.requests) == count
    with pytest.warns(StaleIndexWarning, match="cached index, whose latest data version is 0.2.0"):
        assert download("latest", base_url=server.url, cache_dir=cache) == cache / "0.2.0"


def test_a_version_not_in_the_cache_fails_offline_naming_the_cause(
    server: ReleaseServer, cache: Path
) -> None:
    download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    server.stop()
    with pytest.raises(Unreachable) as caught:
        download("0.2.0", base_url=server.url, cache_dir=cache)
    # The index cached by the first call names 0.2.0; its release.json cannot be fetched.
    port = server.url.rsplit(":", 1)[1].rstrip("/")
    assert str(caught.value) == (
        f"0.2.0/release.json: cannot connect to 127.0.0.1:{port} (connection refused) for "
        f"{server.url}0.2.0/release.json; data version 0.2.0 cannot be used from the cache "
        "instead: it is not in the cache")


def test_a_damaged_cached_file_is_fetched_again(
    server: ReleaseServer, release_dir: Path, cache: Path
) -> None:
    folder = download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    (folder / "roles.parquet").write_bytes(b"not parquet")
    assert cache_problem(folder) == "roles.parquet does not match its sha256 in release.json"
    server.requests.clear()
    download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    assert "0.1.0/roles.parquet" in server.requests
    assert "0.1.0/actors.parquet" not in server.requests
    _assert_nothing_unverified(folder, release_dir, "0.1.0")
    assert cache_problem(folder) is None


# --- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind", "status", "expected"),
    [
        ("0.2.0/meetings.parquet", "corrupt", 0,
         "0.2.0/meetings.parquet: sha256 of the file received from {url}0.2.0/meetings.parquet "
         "is {sha}, but release.json records {expected}; the file was not kept"),
        ("0.2.0/meetings.parquet", "truncate", 0,
         "0.2.0/meetings.parquet: the connection closed before the whole body arrived "
         "(received {half} bytes, {rest} more were announced) from {url}0.2.0/meetings.parquet"),
        ("0.2.0/meetings.parquet", "status", 500,
         "0.2.0/meetings.parquet: HTTP 500 Internal Server Error from {url}0.2.0/meetings.parquet"),
        ("0.2.0/meetings.parquet", "status", 404,
         "0.2.0/meetings.parquet: HTTP 404 Not Found from {url}0.2.0/meetings.parquet"),
        ("0.2.0/release.json", "corrupt", 0,
         "0.2.0/release.json: sha256 of the file received from {url}0.2.0/release.json is "
         "{sha}, but versions.json records {expected}; the file was not kept"),
        ("versions.json", "status", 503,
         "versions.json: HTTP 503 Service Unavailable from {url}versions.json"),
    ],
)
def test_a_fault_names_the_file_and_cause_keeps_nothing_unverified_and_can_be_retried(
    server: ReleaseServer, release_dir: Path, cache: Path,
    path: str, kind: str, status: int, expected: str,
) -> None:
    body = (release_dir / path).read_bytes()
    corrupted = bytes([body[0] ^ 0xFF]) + body[1:]
    index = json.loads((release_dir / "versions.json").read_text())
    published = (index["versions"]["0.2.0"]["sha256"] if path.endswith("release.json")
                 else _release_files(release_dir, "0.2.0").get(Path(path).name, {}).get("sha256"))
    server.fail(path, kind, status=status)  # type: ignore[arg-type]
    with pytest.raises(DownloadError) as caught:
        download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    assert str(caught.value) == expected.format(
        url=server.url, sha=hashlib.sha256(corrupted).hexdigest(), expected=published,
        half=len(body) // 2, rest=len(body) - len(body) // 2)
    assert "\n" not in str(caught.value)
    _assert_nothing_unverified(cache / "0.2.0", release_dir, "0.2.0")
    assert not (cache / "0.2.0" / "release.json").exists()
    # The fault was passing: the same call now completes, verified.
    folder = download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    assert cache_problem(folder) is None
    _assert_nothing_unverified(folder, release_dir, "0.2.0")


def test_a_retry_after_an_interrupted_download_fetches_only_what_is_missing(
    server: ReleaseServer, release_dir: Path, cache: Path
) -> None:
    names = sorted(_release_files(release_dir, "0.2.0"))
    broken = names[len(names) // 2]
    server.fail(f"0.2.0/{broken}", "truncate")
    with pytest.raises(DownloadError, match=f"0.2.0/{broken}: the connection closed"):
        download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    kept = sorted(p.name for p in (cache / "0.2.0").iterdir() if p.name != MARKER)
    assert kept == names[: len(names) // 2]
    server.requests.clear()
    download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    fetched = sorted(p.removeprefix("0.2.0/") for p in server.requests if p.startswith("0.2.0/"))
    assert fetched == sorted(["release.json", *names[len(names) // 2:]])


def test_a_refused_connection_names_the_index_and_the_cause(cache: Path) -> None:
    url = refused_url()
    with pytest.raises(Unreachable) as caught:
        download("latest", base_url=url, cache_dir=cache)
    assert str(caught.value) == (f"versions.json: cannot connect to {url[7:-1]} (connection "
                                 f"refused) for {url}versions.json")
    assert not cache.exists() or not any(cache.iterdir())


def test_an_unknown_version_lists_the_known_ones(server: ReleaseServer, cache: Path) -> None:
    with pytest.raises(UnknownVersion) as caught:
        download("9.9.9", base_url=server.url, cache_dir=cache)
    assert str(caught.value) == (f"unknown data version '9.9.9': {server.url}versions.json lists "
                                 "0.1.0, 0.2.0")
    assert not (cache / "9.9.9").exists()


@pytest.mark.parametrize("version", ["1.0", "v0.1.0", "newest", "0.1.0/../x"])
def test_a_malformed_version_is_refused_before_any_request(
    server: ReleaseServer, cache: Path, version: str
) -> None:
    with pytest.raises(ValueError, match=r"is not a data version; expected 'latest' or e\.g\."):
        download(version, base_url=server.url, cache_dir=cache)
    assert server.requests == []


def test_the_default_url_is_a_placeholder_and_the_error_says_so(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("USC_EVENTS_DATA_URL", raising=False)
    with pytest.raises(Unreachable, match="the default base URL is a placeholder: set "
                                          "USC_EVENTS_DATA_URL"):
        download("latest", cache_dir=cache)


# --- the bundled version, pinned -------------------------------------------------------------

BUNDLED = bundled_version()


def test_pinning_the_bundled_version_reads_the_bundled_tables_with_no_request(
    server: ReleaseServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USC_EVENTS_DATA_URL", server.url)
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(cache))
    assert BUNDLED not in ("0.1.0", "0.2.0")  # the test host does not serve it
    pinned = usc_events.load("meetings", backend="arrow", version=BUNDLED)
    assert pinned.equals(usc_events.load("meetings", backend="arrow"))
    assert usc_events.records("actors", version=BUNDLED) == usc_events.records("actors")
    corpus = usc_events.open(version=BUNDLED, backend="arrow")
    assert corpus.version == BUNDLED
    assert corpus.tables["statements"].equals(usc_events.load("statements", backend="arrow"))
    assert usc_events.manifest(BUNDLED) == usc_events.manifest()
    assert server.requests == []
    assert not cache.exists()


def test_pinning_the_bundled_version_works_with_no_host_at_all(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USC_EVENTS_DATA_URL", refused_url())
    monkeypatch.setenv("USC_EVENTS_CACHE_DIR", str(cache))
    assert usc_events.load("topics", version=BUNDLED).shape[0] > 0
    with pytest.raises(Unreachable):  # any other version still needs the host
        usc_events.load("topics", version="0.1.0")


def _bundled_row() -> dict[str, object]:
    return {"version": BUNDLED, "schema_version": usc_events.manifest()["schema_version"],
            "created": None, "latest": False, "cached": False, "bundled": True,
            "on_host": False}


def test_cli_versions_without_a_host_lists_the_bundled_version_and_says_why(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("USC_EVENTS_DATA_URL", raising=False)
    env = {"USC_EVENTS_CACHE_DIR": str(cache)}
    shown = _cli("versions", env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stderr.splitlines() == [
        "note: no release host is configured (set USC_EVENTS_DATA_URL or pass a base URL); "
        "only the bundled and cached versions are listed"]
    assert "Data versions here (no release host configured)" in shown.stdout
    (row,) = [line for line in shown.stdout.splitlines() if BUNDLED in line]
    assert "bundled" in row
    listed = _cli("versions", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    payload = json.loads(listed.stdout)
    assert (payload["source"], payload["bundled"], payload["versions"]) == (
        None, BUNDLED, [_bundled_row()])


def test_cli_versions_with_an_unreachable_host_lists_what_is_here(
    server: ReleaseServer, cache: Path
) -> None:
    env = {"USC_EVENTS_DATA_URL": server.url, "USC_EVENTS_CACHE_DIR": str(cache)}
    assert _cli("download", "0.1.0", env=env).returncode == 0
    (cache / "index.json").unlink()  # no copy of the host's index either
    server.stop()
    shown = _cli("versions", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    payload = json.loads(shown.stdout)
    assert [(v["version"], v["cached"], v["bundled"], v["on_host"])
            for v in payload["versions"]] == [(BUNDLED, False, True, False),
                                              ("0.1.0", True, False, False)]
    assert payload["versions"][1]["created"] is not None  # read from the cached release.json
    (note,) = payload["notes"]
    assert note.startswith("versions.json: cannot connect to ") and note.endswith(
        "; only the bundled and cached versions are listed")
    text = _cli("versions", env=env)
    assert text.returncode == 0 and text.stderr.startswith("warning: versions.json: cannot ")


# --- the cache ------------------------------------------------------------------------------


def test_clearing_the_cache_removes_only_its_own_files(server: ReleaseServer, cache: Path) -> None:
    download("0.1.0", base_url=server.url, cache_dir=cache, progressbar=False)
    download("0.2.0", base_url=server.url, cache_dir=cache, progressbar=False)
    (cache / "notes.txt").write_text("mine")
    (cache / "scratch").mkdir()
    assert clear_cache("0.1.0", cache_dir=cache) == ["0.1.0"]
    assert [c.version for c in cached_versions(cache)] == ["0.2.0"]
    assert clear_cache(cache_dir=cache) == ["0.2.0", "index.json"]
    # The empty lock files stay: deleting one while another process waits on it would let
    # two processes hold "the" lock at once.
    assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".lock")) == [
        "notes.txt", "scratch"]
    with pytest.raises(UnknownVersion, match=r"data version 0\.1\.0 is not in the cache"):
        clear_cache("0.1.0", cache_dir=cache)


# --- the command line -----------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run([sys.executable, "-m", "usc_events.cli", *args],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def test_cli_download_versions_and_cache(server: ReleaseServer, cache: Path) -> None:
    env = {"USC_EVENTS_DATA_URL": server.url, "USC_EVENTS_CACHE_DIR": str(cache)}
    got = _cli("download", "0.1.0", env=env)
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == str(cache / "0.1.0")
    listed = _cli("versions", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    payload = json.loads(listed.stdout)
    assert payload["latest"] == "0.2.0"
    # The host's versions, and the bundled one (not on this test host) marked as such.
    assert [(v["version"], v["cached"], v["latest"], v["bundled"], v["on_host"])
            for v in payload["versions"]] == [
        (BUNDLED, False, False, True, False), ("0.2.0", False, True, False, True),
        ("0.1.0", True, False, False, True)]
    shown = _cli("cache", "list", env=env)
    assert shown.returncode == 0 and "0.1.0" in shown.stdout and "verified" in shown.stdout
    cleared = _cli("cache", "clear", "0.1.0", env=env)
    assert cleared.returncode == 0 and cleared.stdout.strip() == "Removed 0.1.0."
    assert not (cache / "0.1.0").exists()


def test_cli_faults_are_one_line_with_exit_1_and_usage_errors_exit_2(
    server: ReleaseServer, cache: Path
) -> None:
    env = {"USC_EVENTS_DATA_URL": server.url, "USC_EVENTS_CACHE_DIR": str(cache)}
    unknown = _cli("download", "3.0.0", env=env)
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines() == [
        f"error: unknown data version '3.0.0': {server.url}versions.json lists 0.1.0, 0.2.0"]
    server.fail("0.1.0/topics.parquet", "corrupt")
    corrupt = _cli("download", "0.1.0", "--no-progress", env=env)
    assert corrupt.returncode == 1
    (line,) = corrupt.stderr.splitlines()
    assert line.startswith("error: 0.1.0/topics.parquet: sha256 of the file received from ")
    malformed = _cli("download", "one", env=env)
    assert malformed.returncode == 2
    assert "'one' is not a data version" in malformed.stderr
    assert "Traceback" not in unknown.stderr + corrupt.stderr + malformed.stderr


def test_cli_versions_offline_uses_the_cached_index_and_warns(
    server: ReleaseServer, cache: Path
) -> None:
    env = {"USC_EVENTS_DATA_URL": server.url, "USC_EVENTS_CACHE_DIR": str(cache)}
    assert _cli("versions", env=env).returncode == 0
    server.stop()
    offline = _cli("versions", env=env)
    assert offline.returncode == 0, offline.stderr
    assert offline.stderr.splitlines()[0] == (
        f"warning: cannot reach {server.url}; showing the index cached by the last download")
    assert "0.2.0" in offline.stdout
