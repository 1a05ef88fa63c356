"""``usc_events.diff``: the record-level differences between two data versions or builds.

Each side is a data version (``"0.1.0"``, ``"latest"``), a release folder (its
``versions.json``, or one version's sub-folder) or a folder written by ``usc-events
build``. By default the old side is the last release in the local release folder
(``releases/``) before the new side's version, and the new side the tables shipped in
the package (the current build). A version is looked for in the local release folder
first, then downloaded (:mod:`usc_events.releases.download`). What is compared, and
how, is :mod:`usc_events.releases.record_diff`'s.
"""

from __future__ import annotations

from pathlib import Path

from usc_events.errors import DiffError, UnknownVersion
from usc_events.releases.record_diff import (
    DEFAULT_RELEASES,
    Diff,
    Side,
    compare,
    folder_side,
    release_versions,
)
from usc_events.schema.names import SEMVER, version_key


def resolve(value: str | Path | None, argument: str, releases: Path = DEFAULT_RELEASES,
            before: str | None = None) -> Side:
    """The side named by ``value`` (see the module's documentation).

    ``None`` means the current build for NEW and, for OLD, the last release of
    ``releases`` before version ``before`` (the newest one if none is older).

    Raises
    ------
    DiffError
        Naming ``argument``, for an unknown version or a folder that holds no tables.
    """
    if value is None and argument == "NEW":
        from usc_events.store.load import bundled_folder

        side = folder_side(argument, bundled_folder())
        return Side(f"the current build ({side.version})", side.folder, "build", side.manifest)
    if value is None:
        versions = release_versions(releases)
        if not versions:
            raise DiffError(f"{argument}: no release to compare with in {releases}/ (no "
                            f"versions.json); name a version, a release or a build folder")
        older = [v for v in versions if before is None or version_key(v) < version_key(before)]
        return folder_side(argument, releases / (older or versions)[-1])
    text = str(value)
    if isinstance(value, str) and (SEMVER.match(text) or text == "latest"):
        local = release_versions(releases)
        if text == "latest" and local:
            text = local[-1]
        if text in local:
            return folder_side(argument, releases / text)
        from usc_events.releases.versions import version_folder

        try:
            folder = version_folder(text)
        except UnknownVersion as error:
            raise DiffError(f"{argument}: {error}") from None
        return folder_side(argument, folder)
    path = Path(value)
    if not path.is_dir():
        raise DiffError(f"{argument}: {text!r} is neither a data version (such as 0.1.0) nor a "
                        "folder")
    return folder_side(argument, path)


def diff(old: str | Path | None = None, new: str | Path | None = None, *,
         releases: Path | None = None) -> Diff:
    """The record-level differences between two data versions, releases or builds.

    Parameters
    ----------
    old, new:
        A data version (``"0.1.0"``, ``"latest"``), a release folder or a folder written
        by ``usc-events build``. By default ``new`` is the current build (the tables
        shipped in the package) and ``old`` the last release before it in ``releases``.
    releases:
        The local release folder (``releases/`` by default), searched first for versions.

    Raises
    ------
    DiffError
        For an unknown version, a folder that is not a build or a release, or two builds
        of different schema versions.

    Examples
    --------
    >>> import usc_events
    >>> from usc_events.store.load import bundled_folder
    >>> usc_events.diff(bundled_folder(), bundled_folder()).empty
    True
    """
    folder = releases or DEFAULT_RELEASES
    after = resolve(new, "NEW", folder)
    before = resolve(old, "OLD", folder, before=after.version)
    return compare(before, after)


__all__ = ["diff", "resolve"]
