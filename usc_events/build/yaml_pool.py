"""Parse many YAML files in worker processes while the caller checks the ones already read.

Even libyaml's C loader parses only a few megabytes a second through PyYAML, so a
large corpus spends most of its build in :func:`~usc_events.build.yaml_reader.read_yaml`.
:class:`YamlReader` has worker processes (``python -m usc_events.build.yaml_pool``) parse
the files in the order the caller will ask for them, a few files ahead; a corpus
too small to gain from that is read in this process. Either way each file gives
exactly what ``read_yaml`` gives.

The workers are plain subprocesses rather than ``multiprocessing`` ones: those
would either fork a process that may have threads running, or re-import the
caller's main module, which breaks scripts without an ``if __name__ ==
"__main__"`` guard. Should a worker fail, the files it had are read here instead.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from usc_events.build.gc_pause import paused_gc
from usc_events.build.lines import Lines
from usc_events.build.yaml_reader import YamlData, parse_yaml, read_text, read_yaml
from usc_events.errors import DataInvalid, Violation

#: Below this many bytes of YAML in all, starting workers costs more than it saves.
MIN_BYTES = 8 * 1024 * 1024
#: Files given to each worker ahead of the one the caller is at.
AHEAD = 2
_SIZE = struct.Struct("<Q")


def _read(path: str, display: str) -> tuple[YamlData | None, list[Violation]]:
    """``read_yaml``, with the violations of a file that cannot be read as a value.

    The file's lines are sent as a way to read them again (:func:`lines_again`), not as
    marks: they serve only to locate a violation, and most files have none.
    """
    try:
        text = read_text(Path(path), display)
        data = parse_yaml(text, display)
    except DataInvalid as error:
        return None, error.violations
    data.lines = Lines(partial(lines_again, path, display, _digest(text)))
    return data, []


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def lines_again(path: str, display: str, digest: bytes) -> Lines:
    """The lines of a file a worker read, read here when first asked for.

    A file that changed since the worker read it (or no longer reads) gives no lines,
    so that a violation in it is shown without a line rather than at a wrong one.
    """
    try:
        text = read_text(Path(path), display)
        return parse_yaml(text, display).lines if _digest(text) == digest else Lines()
    except DataInvalid:
        return Lines()


class _Worker:
    def __init__(self) -> None:
        # The same import path as this process, so the worker runs this very code.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "usc_events.build.yaml_pool"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        self.pending: deque[tuple[Path, str]] = deque()

    def send(self, path: Path, display: str) -> None:
        stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        stdin.write(pickle.dumps((str(path), display)))
        stdin.flush()
        self.pending.append((path, display))

    def receive(self) -> tuple[YamlData | None, list[Violation]]:
        stdout: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        header = stdout.read(_SIZE.size)
        if len(header) < _SIZE.size:
            raise EOFError("worker ended")
        (size,) = _SIZE.unpack(header)
        self.pending.popleft()
        result: tuple[YamlData | None, list[Violation]] = pickle.loads(stdout.read(size))
        return result

    def stop(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            if self.process.stdout is not None:
                self.process.stdout.close()


class YamlReader:
    """Call it like ``read_yaml``; the files named up front are parsed ahead, in parallel.

    Use it as a context manager, so that the worker processes end with the block.
    """

    def __init__(self, files: Sequence[tuple[Path, str]], workers: int | None = None,
                 min_bytes: int | None = None) -> None:
        workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        size = 0
        for path, _ in files:
            with suppress(OSError):  # read_yaml reports it, in this process
                size += path.stat().st_size
        self.queue: deque[tuple[Path, str]] = deque(files)
        self.owner: dict[tuple[Path, str], _Worker] = {}
        self.workers: list[_Worker] = []
        if workers > 1 and size >= (MIN_BYTES if min_bytes is None else min_bytes) \
                and len(files) > 1:
            try:
                self.workers = [_Worker() for _ in range(workers)]
                self._fill()
            except OSError:
                self.close()

    def _fill(self) -> None:
        for worker in self.workers:
            while self.queue and len(worker.pending) < AHEAD:
                path, display = self.queue.popleft()
                worker.send(path, display)
                self.owner[(path, display)] = worker

    def __call__(self, path: Path, display: str) -> YamlData:
        key = (path, display)
        worker = self.owner.pop(key, None)
        if worker is not None and worker.pending and worker.pending[0] == key:
            try:
                data, violations = worker.receive()
                self._fill()
            except (OSError, EOFError, pickle.UnpicklingError):
                self.close()  # read this file and the rest here
                return read_yaml(path, display)
            if data is None:
                raise DataInvalid(violations)
            return data
        if worker is not None:  # asked out of order: read the rest here
            self.close()
        elif key in self.queue:
            self.queue.remove(key)
        return read_yaml(path, display)

    def close(self) -> None:
        """End the worker processes; files not yet read are then read in this process."""
        for worker in self.workers:
            worker.stop()
        self.workers, self.owner = [], {}

    def __enter__(self) -> YamlReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """A worker's loop: a pickled (path, display) in, a length-prefixed pickled result out."""
    with paused_gc():
        while True:
            try:
                path, display = pickle.load(requests)
            except EOFError:
                return
            result: Any = _read(path, display)
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            replies.write(_SIZE.pack(len(data)))
            replies.write(data)
            replies.flush()


if __name__ == "__main__":
    # Served from the module under its own name, so that what is pickled names it so.
    from usc_events.build import yaml_pool

    yaml_pool._serve(sys.stdin.buffer, sys.stdout.buffer)
