"""A real HTTP server on 127.0.0.1 serving a release folder, with faults on demand.

It runs the standard library's ``ThreadingHTTPServer`` in a thread. A test can make
a path fail a given number of times (an HTTP error status, a body cut short, a
corrupted body) and read which paths were requested.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal

FaultKind = Literal["status", "truncate", "corrupt", "slow", "unbounded", "overlong"]


@dataclass
class Fault:
    """``slow``: the body one byte every ``delay`` s; ``unbounded``: the body and then
    ``extra`` more bytes, with no Content-Length; ``overlong``: a Content-Length ``extra``
    bytes more than the body (and that many bytes)."""

    kind: FaultKind
    #: How many requests fail before the path is served normally again.
    times: int = 1
    status: int = 500
    delay: float = 1.0
    extra: int = 0


class ReleaseServer:
    """Serve ``root`` on an ephemeral port of 127.0.0.1 until :meth:`stop`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults: dict[str, Fault] = {}
        self.requests: list[str] = []
        #: Bytes of an ``unbounded`` fault's excess written before the client hung up.
        self.sent_extra = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0].lstrip("/")
                with server._lock:
                    server.requests.append(path)
                    fault = server.faults.get(path)
                    if fault is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            del server.faults[path]
                file = (server.root / path).resolve()
                if not file.is_relative_to(server.root.resolve()) or not file.is_file():
                    self.send_error(404, "Not Found")
                    return
                body = file.read_bytes()
                if fault is not None and fault.kind == "status":
                    self.send_error(fault.status)
                    return
                if fault is not None and fault.kind == "corrupt":
                    body = bytes([body[0] ^ 0xFF]) + body[1:]
                if fault is not None and fault.kind in ("unbounded", "overlong", "slow"):
                    self._send_faulty(body, fault)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault is not None and fault.kind == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def _send_faulty(self, body: bytes, fault: Fault) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if fault.kind == "overlong":
                    self.send_header("Content-Length", str(len(body) + fault.extra))
                elif fault.kind == "slow":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.close_connection = True
                try:
                    if fault.kind == "slow":
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(fault.delay)
                        return
                    self.wfile.write(body)
                    block, left = b"x" * 65536, fault.extra
                    while left > 0:
                        with server._lock:
                            server.sent_extra += min(left, len(block))
                        self.wfile.write(block[:left])
                        left -= len(block)
                except OSError:
                    return  # the client stopped reading, as it should

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def fail(self, path: str, kind: FaultKind, times: int = 1, status: int = 500,
             delay: float = 1.0, extra: int = 0) -> None:
        """Make the next ``times`` requests of ``path`` fail as ``kind``."""
        with self._lock:
            self.faults[path] = Fault(kind, times, status, delay, extra)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> ReleaseServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


def refused_url() -> str:
    """A URL on 127.0.0.1 where nothing listens, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# --- releases of the test corpus ------------------------------------------------------------

CHANGELOG = """\
# Changelog

## [0.2.0] - 2025-03-10

### Changed
- Topic label 'Tariffs' renamed 'Duties'.

## [0.1.0] - 2025-03-04

### Added
- First release of the test corpus.
"""


def built_tables(root: Path, version: str = "0.1.0",
                 changes: dict[str, str | None] | None = None) -> Path:
    """Write the test corpus at ``version`` under ``root`` and build it; return the tables folder."""
    from conftest import write_corpus

    from usc_events.build.builder import build
    from usc_events.store.parquet import write

    data = write_corpus(root, {"dataset.yaml": f"version: {version}\n", **(changes or {})})
    tables = root / "tables"
    write(build(data), tables)
    return tables


def changelog(root: Path) -> Path:
    path = root / "CHANGELOG.md"
    path.write_text(CHANGELOG, encoding="utf-8")
    return path


# --- crafted releases ----------------------------------------------------------------------


def republish(root: Path, version: str, files: dict[str, bytes | None] | None = None,
              tables: dict[str, object] | None = None,
              names: dict[str, str] | None = None) -> None:
    """Change the release ``version`` in ``root`` and make it self-consistent again.

    ``tables`` replaces Parquet tables (pyarrow tables, by table name) and updates
    ``manifest.json``; ``files`` replaces (or, with None, removes) files; ``names`` renames
    entries of ``release.json`` (old name -> new, the file's bytes unchanged). Every hash in
    ``manifest.json``, ``release.json`` and ``versions.json`` is rewritten, as a hostile
    server would publish it.
    """
    import hashlib
    import io
    import json

    import pyarrow.parquet as pq

    folder = root / version
    if tables:
        manifest = json.loads((folder / "manifest.json").read_text())
        for table, data in tables.items():
            buffer = io.BytesIO()
            pq.write_table(data, buffer)  # type: ignore[arg-type]
            content = buffer.getvalue()
            entry = manifest["tables"][table]
            (folder / entry["file"]).write_bytes(content)
            entry.update(rows=data.num_rows, bytes=len(content),  # type: ignore[attr-defined]
                         sha256=hashlib.sha256(content).hexdigest())
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    for name, content in (files or {}).items():
        if content is None:
            (folder / name).unlink()
        else:
            (folder / name).write_bytes(content)
    release = json.loads((folder / "release.json").read_text())
    listed = {(names or {}).get(name, name): name for name in release["files"]}
    release["files"] = {}
    for name, on_disk in listed.items():
        content = (folder / on_disk).read_bytes()
        release["files"][name] = {"sha256": hashlib.sha256(content).hexdigest(),
                                  "bytes": len(content)}
    (folder / "release.json").write_text(json.dumps(release, indent=2))
    index = json.loads((root / "versions.json").read_text())
    index["versions"][version]["sha256"] = hashlib.sha256(
        (folder / "release.json").read_bytes()).hexdigest()
    (root / "versions.json").write_text(json.dumps(index, indent=2))
