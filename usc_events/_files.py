"""Files: the one place that writes atomically, hashes files and names plain file names.

Every file usc-events writes goes through :func:`write_atomically` (bytes or text into
a temporary file beside the target, then one rename) or :func:`replace_folder` (a whole
folder staged beside the target, then swapped in), so a reader never sees half a file
and a failure leaves the previous version in place. Files get the user's umask, like
any other program's, never the 0600 of a temporary file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: A plain file name: no folder part, no leading dot, nothing a path could escape with.
PLAIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,254}$")
#: Temporary files written to become a file of the same folder end so.
PART_SUFFIX = ".part"
#: The name of such a temporary file (:func:`staged_file`): a dot, the file's name, the
#: writer's process id (absent in earlier releases) and a unique tag.
STRAY_PART = re.compile(rf"^\..+\.(?:\d+-)?[a-z0-9_]{{8}}{re.escape(PART_SUFFIX)}$")


def is_plain_name(name: object) -> bool:
    """Whether ``name`` is a plain file name (no ``/``, ``..``, drive or leading dot)."""
    return isinstance(name, str) and bool(PLAIN_NAME.match(name)) and ".." not in name


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def default_mode(folder: bool = False) -> int:
    """The mode a new file (0666) or folder (0777) gets under the user's umask."""
    return (0o777 if folder else 0o666) & ~_umask()


def write_atomically(path: Path, content: bytes | str) -> Path:
    """Write ``content`` to ``path`` through a temporary file beside it and one rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with staged_file(path, PART_SUFFIX) as staging, staging.open("xb") as out:
        out.write(data)
    return path


@contextmanager
def staged_file(path: Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` when the block succeeds.

    Its name is ``.<name>.<pid>-<tag><suffix>`` (the suffix is ``path``'s own unless
    given: writers such as matplotlib read the format from it), used by no other process
    or call. The block may fail by raising; the temporary file is removed either way.
    For writers that want a file name (SQLite, DuckDB, matplotlib) rather than bytes.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-",
                                         suffix=path.suffix if suffix is None else suffix,
                                         dir=path.parent)
    os.close(handle)
    staging = Path(temporary)
    staging.unlink()
    try:
        yield staging
        os.chmod(staging, default_mode())
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def remove_stray_parts(folder: Path) -> list[Path]:
    """Delete the temporary files of :func:`write_atomically` and the downloader in ``folder``.

    A process killed while writing a file leaves its ``.<name>.<pid>-<tag>.part`` (or,
    from earlier releases, ``.<name>.<tag>.part``). Call this only while holding the lock
    under which every writer of ``folder`` works, so that none of them is still being
    written. Only regular files of that naming directly in ``folder`` are deleted: symbolic
    links (never followed), folders and every other file are left alone.
    """
    removed = []
    for path in folder.iterdir() if folder.is_dir() else ():
        if STRAY_PART.match(path.name) and not path.is_symlink() and path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths ``a`` and ``b`` in one step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False, having changed nothing, where the system or file system cannot.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(parent: Path, prefix: str) -> list[Path]:
    """Delete the staging folders ``prefix<pid>-…`` in ``parent`` of processes that are gone.

    A build killed midway leaves its staging folder; the next one removes it. Folders of
    live processes (a build running beside this one) and symbolic links are left alone.
    """
    pattern = re.compile(rf"^{re.escape(prefix)}(?:old-)?(\d+)-")
    removed = []
    for path in parent.iterdir() if parent.is_dir() else ():
        match = pattern.match(path.name)
        if match is None or path.is_symlink() or not path.is_dir():
            continue
        pid = int(match.group(1))
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def replace_folder(target: Path, fill: Callable[[Path], None], prefix: str = ".build-") -> None:
    """Fill a new folder beside ``target`` with ``fill``, then put it in ``target``'s place.

    The new folder is complete before it is swapped in, in one step where the system can
    (:func:`exchange`), so a reader finds the old folder or the new one, never none;
    elsewhere it takes two renames. The old folder is removed after. If ``fill`` fails,
    nothing of the new folder stays and ``target`` is untouched. Staging folders that a
    killed run left behind are removed first (:func:`remove_leftovers`).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target.parent, prefix)
    staging = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=target.parent))
    try:
        os.chmod(staging, default_mode(folder=True))
        fill(staging)
        if not target.exists():
            os.replace(staging, target)
        elif exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # now the old folder
        else:
            retired = Path(tempfile.mkdtemp(prefix=f"{prefix}old-{os.getpid()}-",
                                            dir=target.parent))
            retired.rmdir()
            os.replace(target, retired)
            os.replace(staging, target)
            shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def write_files_into(folder: Path, fill: Callable[[Path], None],
                     prefix: str = ".export-") -> list[Path]:
    """Write files with ``fill`` into a staging folder, then move each into ``folder``.

    Files of the same names in ``folder`` are replaced one by one, each by a rename;
    nothing else in ``folder`` is touched, and a failing ``fill`` leaves it as it was.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    try:
        fill(staging)
        written = []
        for path in sorted(staging.iterdir()):
            os.chmod(path, default_mode())
            target = folder / path.name
            os.replace(path, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
