"""Run one job on many files in worker processes, a few files ahead of the caller.

Even libyaml's C loader parses only a few megabytes a second through PyYAML, and each
record is then validated, dated and its quote located, so a large corpus spends most of
its build reading its records files. :class:`WorkerPool` has worker processes
(``python -m usc_events.build.worker_pool``) run the job on the files in the order the
caller will ask for them, a few files ahead; a corpus too small to gain from that is
read in this process. Either way each call gives exactly what the job gives here.

The workers are plain subprocesses rather than ``multiprocessing`` ones: those
would either fork a process that may have threads running, or re-import the
caller's main module, which breaks scripts without an ``if __name__ ==
"__main__"`` guard. Should a worker fail, or its job raise, the calls it had are run
here instead, so that an error is raised where the caller can see it.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

from usc_events.build.gc_pause import paused_gc

#: Below this many bytes of input in all, starting workers costs more than it saves.
MIN_BYTES = 8 * 1024 * 1024
#: Calls given to each worker ahead of the one the caller is at.
AHEAD = 2
_SIZE = struct.Struct("<Q")

Result = TypeVar("Result")
Call = tuple[Hashable, ...]


class _Worker:
    def __init__(self) -> None:
        # The same import path as this process, so the worker runs this very code; with
        # -P, not the folder it starts in first (which may hold another usc_events).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "usc_events.build.worker_pool"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        #: The calls sent and not yet answered, in the order sent.
        self.pending: deque[Call] = deque()
        #: Whether the worker ended, or cannot be read: its calls are run in the caller.
        self.failed = False
        self.listener: threading.Thread | None = None

    def send(self, message: Any) -> None:
        stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        pickle.dump(message, stdin, protocol=pickle.HIGHEST_PROTOCOL)
        stdin.flush()

    def receive(self) -> tuple[bool, Any]:
        """Whether the job ran, and what it gave, for the oldest call pending."""
        stdout: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        header = stdout.read(_SIZE.size)
        if len(header) < _SIZE.size:
            raise EOFError("worker ended")
        (size,) = _SIZE.unpack(header)
        reply: tuple[bool, Any] = pickle.loads(stdout.read(size))
        return reply

    def stop(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            if self.listener is not None:  # it ends with the worker's output
                self.listener.join()
            if self.process.stdout is not None:
                self.process.stdout.close()


class WorkerPool(Generic[Result]):
    """Call it as ``job``, with the calls named up front; they are run ahead, in parallel.

    ``job`` must be picklable (a module-level function, or a ``functools.partial`` of one),
    as must its arguments and what it gives; it is sent once to each worker. A thread per
    worker takes each reply as soon as it is ready and gives the worker the next call, so
    that no worker waits for the caller; the caller may ask for the calls in any order.
    Use the pool as a context manager, so that the worker processes end with the block.
    """

    def __init__(self, job: Callable[..., Result], calls: Sequence[Call], size: int,
                 workers: int | None = None, min_bytes: int | None = None) -> None:
        """``size`` is the bytes the calls read in all, to tell whether workers are worth it."""
        workers = workers if workers is not None else min(4, os.cpu_count() or 1)
        self.job = job
        self.queue: deque[Call] = deque(calls)
        self.owner: dict[Call, _Worker] = {}
        self.replies: dict[Call, tuple[bool, Any]] = {}
        self.changed = threading.Condition()
        self.workers: list[_Worker] = []
        if workers > 1 and size >= (MIN_BYTES if min_bytes is None else min_bytes) \
                and len(calls) > 1:
            try:
                self.workers = [_Worker() for _ in range(workers)]
                for worker in self.workers:  # all started before any is sent the job
                    worker.send(job)
                with self.changed:
                    for worker in self.workers:
                        self._give(worker)
            except (OSError, pickle.PicklingError):
                self.close()
                return
            for worker in self.workers:
                worker.listener = threading.Thread(target=self._listen, args=(worker,),
                                                   daemon=True)
                worker.listener.start()

    def _give(self, worker: _Worker) -> None:
        """Send ``worker`` the next calls, up to :data:`AHEAD` pending (the lock held)."""
        while self.queue and len(worker.pending) < AHEAD:
            call = self.queue.popleft()
            worker.send(call)
            worker.pending.append(call)
            self.owner[call] = worker

    def _listen(self, worker: _Worker) -> None:
        """A thread's loop: take each of ``worker``'s replies, and give it the next call."""
        try:
            while True:
                reply = worker.receive()
                with self.changed:
                    self.replies[worker.pending.popleft()] = reply
                    self._give(worker)
                    self.changed.notify_all()
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            with self.changed:
                worker.failed = True
                self.changed.notify_all()

    def __call__(self, *call: Hashable) -> Result:
        with self.changed:
            worker = self.owner.pop(call, None)
            if worker is None and call in self.queue:
                self.queue.remove(call)
            while worker is not None and call not in self.replies and not worker.failed:
                self.changed.wait()
            ran, result = self.replies.pop(call, (False, None))
        if not ran:  # run here: not sent, the worker failed, or the job raised there
            return self.job(*call)
        return result  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the worker processes; calls not yet answered are then run in this process."""
        with self.changed:  # no call is sent from now on
            self.queue.clear()
        for worker in self.workers:
            worker.stop()
        with self.changed:
            self.workers, self.owner = [], {}

    def __enter__(self) -> WorkerPool[Result]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """A worker's loop: the pickled job, then pickled calls in; length-prefixed replies out.

    A reply is ``(True, what the job gave)``, or ``(False, None)`` when the job raised.
    """
    with paused_gc():
        try:
            job = pickle.load(requests)
        except EOFError:
            return
        while True:
            try:
                call = pickle.load(requests)
            except EOFError:
                return
            try:
                data = pickle.dumps((True, job(*call)), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # run again by the caller, which raises it
                data = pickle.dumps((False, None))
            replies.write(_SIZE.pack(len(data)))
            replies.write(data)
            replies.flush()


if __name__ == "__main__":
    # Served from the module under its own name, so that what is pickled names it so.
    from usc_events.build import worker_pool

    worker_pool._serve(sys.stdin.buffer, sys.stdout.buffer)
