"""Commands for data releases: ``release``, ``diff``, ``download``, ``versions`` and ``cache``.

:func:`register` adds them to the ``usc-events`` app. Faults (a file that cannot be
fetched or verified, an unknown version) end with one line on stderr and exit 1,
through the app's ``main``; a malformed argument is a usage error (exit 2).
"""

import warnings
from pathlib import Path
from typing import Annotated

import typer

from usc_events.cli.console import err, out, plain, usage
from usc_events.cli.panels import MAINTAIN, VERSIONS, new_app

UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Base URL of the releases [default: $USC_EVENTS_DATA_URL, "
                               "else the documented placeholder]."),
]
CacheOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache folder [default: $USC_EVENTS_CACHE_DIR, else the "
                                     "user cache folder]."),
]


def _version_argument(value: str | None) -> str | None:
    from usc_events.releases.download import check_version

    if value is None:
        return None
    try:
        return check_version(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _cached_version_argument(value: str | None) -> str | None:
    from usc_events.releases.cache import check_cached_version

    if value is None:
        return None
    try:
        return check_cached_version(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _warn(caught: list[warnings.WarningMessage]) -> None:
    for warning in caught:
        err.print(f"warning: {warning.message}", highlight=False, markup=False)


def release(
    out_dir: Annotated[
        Path, typer.Option("--out", help="The release folder (created if need be).")
    ],
    tables: Annotated[
        Path | None,
        typer.Option("--tables", help="A folder written by 'usc-events build' "
                                      "[default: the tables shipped in the package]."),
    ] = None,
    changelog: Annotated[
        Path, typer.Option("--changelog", help="The changelog holding the version's entry.")
    ] = Path("CHANGELOG.md"),
) -> None:
    """Pack the built tables, datapackage.json and a release manifest as a new data version."""
    from usc_events.releases.make import INDEX, make_release

    made = make_release(out_dir, tables, changelog)
    size = sum(int(entry["bytes"]) for entry in made.files.values())
    if not made.written:
        out.print(f"Data version {made.version} is already released in {out_dir} with the same "
                  "tables; nothing was written.", highlight=False)
        return
    out.print(f"Released data version {made.version}: {len(made.files)} files ({size} bytes) in "
              f"{out_dir / made.version}; {INDEX} lists it (latest: {made.latest}).",
              highlight=False)


def diff(
    old: Annotated[
        str | None,
        typer.Argument(help="A data version, a release folder or a build folder "
                            "[default: the last release in --releases before NEW].",
                       show_default=False),
    ] = None,
    new: Annotated[
        str | None,
        typer.Argument(help="A data version, a release folder or a build folder "
                            "[default: the current build, the tables shipped in the package].",
                       show_default=False),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text, json or markdown.")
    ] = "text",
    releases: Annotated[
        Path, typer.Option("--releases", help="The local release folder, searched first "
                                              "for versions.")
    ] = Path("releases"),
) -> None:
    """Records added, removed and changed (field by field) between two versions or builds.

    Exits 0 whether or not anything changed; 2 for an argument that names nothing.
    """
    from usc_events.errors import DiffError
    from usc_events.releases.diff import diff as compute
    from usc_events.releases.diff_report import render
    from usc_events.releases.record_diff import FORMATS

    if fmt not in FORMATS:
        raise usage(f"unknown format {fmt!r} for --format; choose {', '.join(FORMATS)}")
    try:
        result = compute(Path(old) if old and not _is_version(old) else old,
                         Path(new) if new and not _is_version(new) else new, releases=releases)
    except DiffError as error:
        raise usage(str(error)) from None
    text = render(result, fmt)
    if fmt == "json":
        out.print_json(text)
    else:
        out.print(plain(text), highlight=False, markup=False, soft_wrap=True)


def _is_version(value: str) -> bool:
    from usc_events.schema.names import SEMVER

    return value == "latest" or bool(SEMVER.match(value))


def download(
    version: Annotated[
        str | None,
        typer.Argument(help="A data version such as 0.1.0, or 'latest'.",
                       callback=_version_argument),
    ] = "latest",
    url: UrlOption = None,
    cache_dir: CacheOption = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress",
                     help="Show a progress bar [default: when stderr is a terminal]."),
    ] = None,
) -> None:
    """Download a data version into the cache, verifying every file; print its folder."""
    from usc_events.releases.download import download as fetch

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        folder = fetch(version or "latest", base_url=url, cache_dir=cache_dir,
                       progressbar=progress)
    _warn(caught)
    out.print(str(folder), highlight=False, markup=False)


def versions(
    url: UrlOption = None,
    cache_dir: CacheOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The data versions: the bundled one, the cached ones and those of the release host."""
    from rich.table import Table

    from usc_events.releases.versions import list_versions

    listing = list_versions(url, cache_dir)
    if as_json:
        import json

        out.print_json(json.dumps({"source": listing.source, "stale": listing.stale,
                                   "latest": listing.latest, "bundled": listing.bundled,
                                   "notes": listing.notes, "versions": listing.versions}))
        return
    for note in listing.notes:
        err.print(f"{'warning' if listing.source else 'note'}: {note}", highlight=False,
                  markup=False)
    where = f"at {listing.source}" if listing.source else "here (no release host configured)"
    table = Table(title=f"Data versions {where}")
    for column in ("version", "schema", "created", ""):
        table.add_column(column)
    for row in listing.versions:
        marks = [name for name in ("latest", "cached", "bundled") if row[name]]
        table.add_row(row["version"], row["schema_version"] or "—", row["created"] or "—",
                      ", ".join(marks))
    out.print(table)


cache_app = new_app(help="List or clear the downloaded data versions.", no_args_is_help=True)


@cache_app.command("list")
def cache_list(cache_dir: CacheOption = None) -> None:
    """The data versions in the cache, with their size and state."""
    from rich.table import Table
    from rich.text import Text

    from usc_events.releases.download import cached_versions
    from usc_events.settings import cache_dir as resolve

    found = cached_versions(cache_dir)
    folder = resolve(cache_dir)
    if not found:
        out.print(f"No data versions in the cache ({folder}).", highlight=False)
        return
    listing = Table(title=f"Cache: {folder}")
    for column in ("version", "bytes", "state"):
        listing.add_column(column)
    for entry in found:
        state = ("verified" if entry.problem is None
                 else entry.problem if entry.problem.startswith("rejected")
                 else f"incomplete: {entry.problem}")
        listing.add_row(entry.version, str(entry.bytes), Text(plain(state)))
    out.print(listing)


@cache_app.command("clear")
def cache_clear(
    version: Annotated[
        str | None,
        typer.Argument(help="Only this data version [default: every version].",
                       callback=_cached_version_argument),
    ] = None,
    cache_dir: CacheOption = None,
) -> None:
    """Delete one cached data version, or all of them.

    Only folders the downloader wrote (they hold its marker) are deleted; symbolic links
    and anything else in the cache folder are left alone.
    """
    from usc_events.releases.download import clear_cache

    removed = clear_cache(version, cache_dir)
    out.print(f"Removed {', '.join(removed)}." if removed else "The cache holds nothing to remove.",
              highlight=False)


def register(app: typer.Typer) -> None:
    """Add the release commands to ``app``."""
    app.command(rich_help_panel=VERSIONS)(versions)
    app.command(rich_help_panel=VERSIONS)(download)
    app.command(rich_help_panel=VERSIONS)(diff)
    app.add_typer(cache_app, name="cache", rich_help_panel=VERSIONS)
    app.command(rich_help_panel=MAINTAIN)(release)


__all__ = ["register"]
