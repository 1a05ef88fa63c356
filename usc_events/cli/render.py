"""Terminal output for people: field lists, lists of entries and one-line listings.

Everything here fits the terminal's width (rich reads ``COLUMNS``) and wraps prose
at spaces only, so an id (a slug such as ``kissinger-beijing-visit-1971``) is never
broken: ids stand at the start of their own line or in a column as wide as the
longest of them, and text that must be shortened is cut between words. Text that
comes from the data passes through :func:`~usc_events.cli.console.plain` and is
never read as markup.

Long text is shortened by default, with the marker :data:`MORE` saying so; the
commands' ``--full`` passes ``limit=None`` to print it whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.padding import Padding
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from usc_events.cli.console import out, plain
from usc_events.text import shorten as text_shorten

#: What ends text shortened for the terminal.
MORE = "… (use --full)"
#: How many characters of one field ``show`` prints by default.
FIELD = 500
#: How many characters of a related record's text, or of a search hit, by default.
LINE = 200
#: How many characters of an evidence sentence by default.
SENTENCE = 400
#: Longest text shown in one cell of a :func:`table` (JSON output is never cut).
CELL = 240
#: A one-line listing puts its last column under the others when less room is left.
ROOM = 24
#: Indents: of an entry's id, and of its details.
INDENT, DETAIL = 2, 6


def flat(value: Any) -> str:
    """``value`` as one line of text: lists joined by commas, whitespace folded, no controls.

    Examples
    --------
    >>> flat(["tariffs", "trade"]), flat(None), flat("two\\n  lines")
    ('tariffs, trade', '—', 'two lines')
    """
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        value = ", ".join(flat(v) for v in value)
    elif isinstance(value, dt.datetime):
        value = f"{value:%Y-%m-%d %H:%M}"
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return " ".join(plain(value).split())


def shorten(text: str, limit: int | None, marker: str = MORE) -> str:
    """``text`` cut between words so that it and ``marker`` fill at most ``limit`` cells.

    ``limit=None`` keeps it whole. A single word longer than ``limit`` is cut inside
    (:func:`usc_events.text.shorten`, measuring terminal cells).

    Examples
    --------
    >>> shorten("extensive common interests and vast opportunities", 30, "…")
    'extensive common interests…'
    >>> shorten("short", None)
    'short'
    """
    return text_shorten(text, limit, marker, width=cell_len)


def styled(text: str, bold: str | None = None) -> Text:
    """``text`` as rich Text, with the first occurrence of ``bold`` (folded) in bold."""
    from usc_events.matching import fold

    shown = Text(text)
    if bold:
        wanted = fold(" ".join(bold.split())).strip()
        at = fold(text).find(wanted) if wanted else -1
        # fold keeps one character per character only for most text; check before styling
        if at >= 0 and fold(text[at:at + len(wanted)]) == wanted:
            shown.stylize("bold", at, at + len(wanted))
    return shown


def indent(renderable: RenderableType, by: int = INDENT) -> RenderableType:
    """``renderable`` indented by ``by`` cells, with no padding on the right."""
    return Padding(renderable, (0, 0, 0, by), expand=False)


def link(url: str) -> Text:
    """A URL, which terminals that know hyperlinks open from any of its lines."""
    from rich.style import Style

    url = plain(url)
    return Text(url, style=Style(link=url))


def heading(text: str) -> Text:
    """A section's title, in bold."""
    return Text(plain(text), style="bold")


def fields(pairs: Iterable[tuple[str, Any]], limit: int | None = FIELD) -> RenderableType:
    """A record as a field/value list: names in one column, values wrapped beside them."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for name, value in pairs:
        grid.add_row(Text(name, style="dim"), Text(shorten(flat(value), limit)))
    return indent(grid)


def entry(record_id: str, details: Sequence[Text | str],
          aside: str = "") -> list[RenderableType]:
    """One record of a list: its id on a line of its own, each detail wrapped under it.

    ``aside`` (an outlet, say) follows the id on its line where it fits, else it is
    the first detail.
    """
    head, aside = plain(record_id), plain(aside)
    if aside and cell_len(f"{head} {aside}") <= out.width - INDENT:
        head = f"{head} {aside}"
    elif aside:
        details = [aside, *details]
    lines: list[RenderableType] = [indent(Text(head))]
    lines.extend(indent(d if isinstance(d, Text) else Text(plain(d)), DETAIL)
                 for d in details)
    return lines


def listing(rows: Sequence[Sequence[str]], last: Sequence[Text], *, full: bool = False,
            below: bool = False,
            details: Sequence[Sequence[Text]] | None = None) -> list[RenderableType]:
    """Rows of aligned columns, one line each; ``last`` fills what is left of the line.

    Each column is as wide as its longest value, so ids stay whole. ``last`` is
    shortened between words to the room left, or wrapped in it when ``full``. When
    less than :data:`ROOM` cells are left, or ``below`` is true, ``last`` goes on a
    line of its own under its row, indented, followed by the row's ``details``.
    """
    if not rows:
        return []
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]))]
    room = out.width - INDENT - sum(widths) - 2 * len(widths)

    def grid(wrapping: bool) -> Table:
        table = Table.grid(padding=(0, 2))
        for width in widths if wrapping else widths[:-1]:
            table.add_column(no_wrap=True, min_width=width)
        if not wrapping:
            table.add_column(no_wrap=True)
        if wrapping:
            table.add_column(overflow="fold")
        return table

    if not below and room >= ROOM:
        table = grid(True)
        for row, tail in zip(rows, last, strict=True):
            table.add_row(*(Text(plain(c)) for c in row), fit(tail, None if full else room))
        return [indent(table)]
    lines: list[RenderableType] = []
    ahead = INDENT + sum(widths[:-1]) + 2 * (len(widths) - 1)
    for index, (row, tail) in enumerate(zip(rows, last, strict=True)):
        if ahead + cell_len(row[-1]) <= out.width:
            table = grid(False)
            table.add_row(*(Text(plain(c)) for c in row))
            lines.append(indent(table))
        else:  # too narrow to align: the row wraps between its cells, never inside one
            lines.append(indent(Text("  ".join(plain(c) for c in row))))
        under = [fit(tail, None if full else out.width - DETAIL)]
        under += details[index] if details else []
        lines.extend(indent(text, DETAIL) for text in under)
    return lines


def snippet(text: str, wanted: str, limit: int | None) -> str:
    """``text`` shortened to about ``limit`` characters around the first ``wanted`` in it.

    Where the match lies beyond the first part of ``text``, the snippet starts
    between words before it, marked by a leading "…".

    Examples
    --------
    >>> snippet("one two three four five six seven", "six", 16)
    '…five six seven'
    """
    from usc_events.matching import fold

    if limit is None or len(text) <= limit:
        return text
    at = fold(text).find(fold(" ".join(wanted.split())).strip())
    if at > limit // 2:
        start = text.rfind(" ", 0, max(at - limit // 3, 0) + 1)
        text = "…" + text[start + 1:]
    return shorten(text, limit, MORE)


def fit(text: Text, width: int | None) -> Text:
    """``text`` (keeping its styles) shortened between words to ``width`` cells, with "…"."""
    if width is None or text.cell_len <= width:
        return text
    cut = shorten(text.plain, width, "…")
    kept = text[: len(cut) - 1]
    kept.rstrip()
    kept.append("…")
    return kept


def table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    """A table of what a query returned.

    Columns of single words (ids, codes) are kept whole, as many as the terminal's
    width allows (the narrowest first); the others fold to fit.
    """
    cells = [[shorten(flat(cell), CELL, "…") for cell in row] for row in rows]
    widest = [max(cell_len(v) for v in [column, *(row[i] for row in cells)])
              for i, column in enumerate(columns)]
    kept = sorted((i for i in range(len(columns)) if all(" " not in row[i] for row in cells)),
                  key=lambda i: widest[i])

    def drawn(whole: set[int]) -> Table:
        table = Table(title=title, title_justify="left", show_lines=False)
        for index, column in enumerate(columns):
            table.add_column(column, overflow="fold",
                             min_width=widest[index] if index in whole else None)
        for row in cells:
            table.add_row(*(Text(cell) for cell in row))
        return table

    while True:
        table = drawn(set(kept))
        lines = Segment.split_lines(out.render(table, out.options))  # uncropped, unlike print
        if not kept or all(Segment.get_line_length(line) <= out.width for line in lines):
            return table
        kept.pop()


def dates(earliest: dt.date | None, latest: dt.date | None) -> str:
    """A date interval as text: one day, ``a – b``, an open bound as ``..``, or ``undated``.

    Examples
    --------
    >>> dates(dt.date(2025, 1, 17), dt.date(2025, 1, 19)), dates(None, dt.date(2025, 1, 20))
    ('2025-01-17 – 2025-01-19', '.. – 2025-01-20')
    """
    if earliest is None and latest is None:
        return "undated"
    if earliest == latest:
        return str(earliest)
    return f"{earliest or '..'} – {latest or '..'}"


def until(row: dict[str, Any]) -> str:
    """Where a record lasted (a visit), when it ended: ``until 1971-07-11``; else ``""``."""
    if not row.get("end_edtf"):
        return ""
    low, high = row.get("end_earliest"), row.get("end_latest")
    if high is None:
        return f"until {low} or later" if low else "until an unknown day"
    return f"until {dates(low, high)}"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, plural unless one: ``1 record``, ``3 matches``."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def show(*renderables: RenderableType | Iterable[RenderableType]) -> None:
    """Print each renderable wrapped to the terminal's width (lists are flattened).

    Lines are laid out at the terminal's width, then printed without the spaces
    that pad them on the right.
    """
    for item in renderables:
        parts: Iterable[Any] = item if isinstance(item, list | tuple) else [item]
        for part in parts:
            for line in out.render_lines(part, out.options, pad=False):
                text = Text()
                for segment in line:
                    if not segment.control:
                        text.append(segment.text, segment.style)
                text.rstrip()
                out.print(text, soft_wrap=True)
