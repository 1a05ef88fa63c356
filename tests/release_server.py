"""A real HTTP server on 127.0.0.1 serving a release folder, with faults on demand.

It runs the standard library's ``ThreadingHTTPServer`` in a thread. A test can make
a path fail a given number of times (an HTTP error status, a body cut short, a
corrupted body) and read which paths were requested.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal

FaultKind = Literal["status", "truncate", "corrupt"]


@dataclass
class Fault:
    kind: FaultKind
    #: How many requests fail before the path is served normally again.
    times: int = 1
    status: int = 500


class ReleaseServer:
    """Serve ``root`` on an ephemeral port of 127.0.0.1 until :meth:`stop`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.faults: dict[str, Fault] = {}
        self.requests: list[str] = []
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

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def fail(self, path: str, kind: FaultKind, times: int = 1, status: int = 500) -> None:
        """Make the next ``times`` requests of ``path`` fail as ``kind``."""
        with self._lock:
            self.faults[path] = Fault(kind, times, status)

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
