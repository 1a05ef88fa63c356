"""Plots with matplotlib: a timeline that keeps date intervals as intervals, and the network.

Both functions take what the query helpers return (as Arrow) and write an image
file; the format follows the file's suffix (``.png``, ``.svg``, ``.pdf``). They use
matplotlib's non-interactive Agg backend, so they work without a display. They need
the ``plots`` extra (matplotlib and networkx): without it they raise
:class:`~usc_events.errors.MissingExtra`, which says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from usc_events.extras import require
from usc_events.text import shorten

if TYPE_CHECKING:
    import networkx as nx
    import pyarrow as pa

#: Image formats the plots can be written as.
SUFFIXES: tuple[str, ...] = (".png", ".svg", ".pdf")

#: One colour per kind of timeline record (colour-blind-safe Okabe–Ito palette).
KIND_COLOURS = {"meeting": "#0072B2", "statement": "#E69F00", "position": "#009E73"}
#: Node colours by country; any other country, or none, is grey.
COUNTRY_COLOURS = {"US": "#0072B2", "CN": "#D55E00"}
OTHER_COLOUR = "#999999"
#: Membership edges (dashed): a person and the organisation he holds a post in.
MEMBERSHIP_COLOUR = "#CC79A7"
#: Party edges (dotted): two who came as one side of a meeting (a visitor and his delegation).
PARTY_COLOUR = "#56B4E9"
#: Opacity of records whose dates are inferred (they are also hatched).
INFERRED_ALPHA = 0.45

_LABEL_WIDTH = 70


def check_suffix(path: Path) -> None:
    """Refuse an output file whose suffix is not an image format the plots write."""
    if path.suffix.lower() not in SUFFIXES:
        raise ValueError(f"{path.name}: unsupported image format {path.suffix or '(none)'!r}; "
                         f"use {', '.join(SUFFIXES)}")


def _pyplot() -> Any:
    require("plots")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(row: dict[str, Any]) -> str:
    text = row["title"] if row["kind"] == "meeting" else \
        f"{', '.join(row['actor_names'])}: {row['title']}"
    return shorten(" ".join(text.split()), _LABEL_WIDTH, at="any", trim=" ")


def _interval_text(low: dt.date | None, high: dt.date | None) -> str:
    """A date interval as a person writes it: "20 Jan 2025", "1–20 Jan 2025", "by 20 Jan 2025"."""
    if low is None or high is None:
        known = low or high
        assert known is not None
        return f"{'by' if low is None else 'from'} {known.day} {known:%b %Y}"
    if low == high:
        return f"{low.day} {low:%b %Y}"
    if (low.year, low.month) == (high.year, high.month):
        return f"{low.day}–{high.day} {high:%b %Y}"
    if low.year == high.year:
        return f"{low.day} {low:%b} – {high.day} {high:%b %Y}"
    return f"{low.day} {low:%b %Y} – {high.day} {high:%b %Y}"


def clusters(spans: list[tuple[dt.date, dt.date]],
             gap: dt.timedelta = dt.timedelta(days=180)) -> list[tuple[dt.date, dt.date]]:
    """The stretches of time ``spans`` cover, merged where less than ``gap`` apart.

    The timeline breaks its date axis between stretches, so that one record decades
    away from the others does not squeeze them into a line.

    Examples
    --------
    >>> d = dt.date
    >>> clusters([(d(1971, 7, 1), d(1971, 7, 31)), (d(2025, 1, 1), d(2025, 1, 20)),
    ...           (d(2025, 1, 20), d(2025, 1, 20))])  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(1971, 7, 1), datetime.date(1971, 7, 31)),
     (datetime.date(2025, 1, 1), datetime.date(2025, 1, 20))]
    """
    merged: list[tuple[dt.date, dt.date]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


#: How far an open bound's fading bar reaches beyond the known one, as a share of the panel.
OPEN_REACH = 0.25
OPEN_STEPS = 12


def _known_bounds(row: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The bounds a row gives, an open one replaced by the other (for laying out axes only).

    A record with an ``end`` (a visit) reaches to the end's last known day.
    """
    low, high = row["date_earliest"], row["date_latest"]
    high = row.get("end_latest") or row.get("end_earliest") or high
    return (low or high), (high or low)


def _lasting_bar(axes: Any, mdates: Any, y: int, row: dict[str, Any], colour: str,
                 panel: tuple[dt.date, dt.date]) -> None:
    """Something that lasted (a visit): from its first possible day to its end.

    Where the end is open (nobody reports when it ended), the bar fades out past the
    last day it is known to have lasted.
    """
    first = row["date_earliest"] or row["date_latest"]
    last = row["end_latest"] or row["end_earliest"] or row["date_latest"]
    start = mdates.date2num(first)
    axes.barh(y, mdates.date2num(last + dt.timedelta(days=1)) - start, left=start, height=0.55,
              color=colour, edgecolor="black", linewidth=0.6)
    if row["end_latest"] is None:
        _open_bar(axes, mdates, y, {"date_earliest": last + dt.timedelta(days=1),
                                    "date_latest": None}, colour, panel)


def _open_bar(axes: Any, mdates: Any, y: int, row: dict[str, Any], colour: str,
              panel: tuple[dt.date, dt.date]) -> None:
    """A bar that fades out towards the open side: the sources give no bound there.

    Nothing is drawn as a bound: the bar fades to nothing within the panel, so it
    claims no first (or last) day.
    """
    low, high = row["date_earliest"], row["date_latest"]
    span = max((panel[1] - panel[0]).days + 1, 10) * OPEN_REACH
    step = span / OPEN_STEPS
    anchor = mdates.date2num(high + dt.timedelta(days=1)) if low is None else mdates.date2num(low)
    direction = -1 if low is None else 1
    for index in range(OPEN_STEPS):
        left = anchor + direction * step * (index + (1 if direction < 0 else 0))
        axes.barh(y, step, left=left, height=0.55, color=colour, edgecolor="none",
                  alpha=0.85 * (1 - index / OPEN_STEPS))
    axes.plot([anchor, anchor], [y - 0.3, y + 0.3], color="black", linewidth=1.2)


def _when(row: dict[str, Any]) -> str:
    """The dates of a row as a label: its interval, and where it lasted, its end."""
    text = _interval_text(row["date_earliest"], row["date_latest"])
    if not row.get("end_edtf"):
        return text
    low, high = row["end_earliest"], row["end_latest"]
    end = (f"{low.day} {low:%b %Y} or later" if high is None
           else _interval_text(low, high))
    return f"{text}, until {end}"


def _legend(rows: list[dict[str, Any]], line: Any, patch: Any) -> list[Any]:
    """Legend entries for what the timeline draws, and only that."""
    kinds = {r["kind"] for r in rows}
    handles: list[Any] = [patch(facecolor=c, edgecolor="black", label=k)
                          for k, c in KIND_COLOURS.items() if k in kinds]
    days = any(r["date_earliest"] == r["date_latest"] is not None and not r.get("end_edtf")
               for r in rows)
    spans = any(r["date_earliest"] != r["date_latest"] or r.get("end_edtf") for r in rows)
    opened = any(r["date_earliest"] is None or r["date_latest"] is None
                 or (r.get("end_edtf") and r.get("end_latest") is None) for r in rows)
    inferred = any(r["date_basis"] == "inferred" for r in rows)
    marks = [
        (days, line([], [], marker="D", color="grey", linestyle="none", label="known day")),
        (spans, patch(facecolor="white", edgecolor="black", label="date interval")),
        (inferred, patch(facecolor="white", edgecolor="black", hatch="///",
                         label="inferred dates")),
        (opened, patch(facecolor="#bbbbbb", edgecolor="none", alpha=0.45,
                       label="open bound: no date reported")),
    ]
    return handles + [handle for shown, handle in marks if shown]


def _undated(row: dict[str, Any]) -> bool:
    return row["date_earliest"] is None and row["date_latest"] is None


def undated_count(events: pa.Table) -> int:
    """How many of ``events`` have no date at all: :func:`timeline` cannot place them."""
    return sum(map(_undated, events.select(["date_earliest", "date_latest"]).to_pylist()))


def timeline(events: pa.Table, out: Path, title: str = "Timeline") -> Path:
    """Draw ``events`` (as :meth:`Corpus.timeline` returns them) and write ``out``.

    One row per record, oldest at the top, labelled with its title and its dates.
    A record dated to a single day is a marker; a record dated to an interval is a
    bar spanning it (both ends included). Inferred dates are drawn hatched and
    lighter than stated ones. Where the records fall into stretches of time far
    apart, the date axis is broken between them. Records with no date cannot be
    placed: a note under the figure says how many are not drawn. The legend shows
    only what is drawn.

    Raises
    ------
    ValueError
        When there is nothing to draw (no record, or none dated), or ``out`` is not
        an image format.
    """
    check_suffix(out)
    every = events.to_pylist()
    rows = [r for r in every if not _undated(r)]
    undated = len(every) - len(rows)
    if not every:
        raise ValueError("nothing to plot: the timeline is empty")
    if not rows:
        raise ValueError(f"nothing to plot: the {len(every)} records of the timeline are "
                         "all undated")
    require("plots")
    plt = _pyplot()
    import matplotlib.dates
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mdates: Any = matplotlib.dates  # partly untyped
    known = [_known_bounds(r) for r in rows]
    stretches = clusters(known)
    widths = [max((high - low).days + 1, 10) ** 0.5 for low, high in stretches]
    height = 1.8 + 0.34 * len(rows)
    figure, panels = plt.subplots(1, len(stretches), figsize=(15, height), sharey=True,
                                  squeeze=False, layout="constrained",
                                  gridspec_kw={"width_ratios": widths})
    figure.get_layout_engine().set(wspace=0.01)
    one_day = dt.timedelta(days=1)
    for index, (axes, (low_end, high_end)) in enumerate(zip(panels[0], stretches, strict=True)):
        for y, (row, (low, high)) in enumerate(zip(rows, known, strict=True)):
            colour = KIND_COLOURS[row["kind"]]
            inferred = row["date_basis"] == "inferred"
            if row.get("end_edtf"):
                _lasting_bar(axes, mdates, y, row, colour, (low_end, high_end))
            elif row["date_earliest"] is None or row["date_latest"] is None:
                _open_bar(axes, mdates, y, row, colour, (low_end, high_end))
            elif low == high:
                axes.plot([mdates.date2num(low) + 0.5], [y], marker="D", markersize=8,
                          color=colour, markeredgecolor="black", markeredgewidth=0.6,
                          alpha=INFERRED_ALPHA if inferred else 1.0, linestyle="none")
            else:
                start = mdates.date2num(low)
                axes.barh(y, mdates.date2num(high + one_day) - start, left=start, height=0.55,
                          color=colour, alpha=INFERRED_ALPHA if inferred else 1.0,
                          edgecolor="black",
                          linewidth=0.6, hatch="///" if inferred else None)
        span = (high_end - low_end).days + 1
        pad = dt.timedelta(days=max(3, span // 20))
        axes.set_xlim(mdates.date2num(low_end - pad), mdates.date2num(high_end + one_day + pad))
        share = widths[index] / sum(widths)
        locator = mdates.AutoDateLocator(minticks=2, maxticks=max(3, round(10 * share)))
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.tick_params(axis="x", labelsize=8)
        axes.grid(axis="x", color="#dddddd", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.spines["top"].set_visible(False)
        axes.spines["right"].set_visible(False)
        if index > 0:
            axes.spines["left"].set_visible(False)
            axes.tick_params(axis="y", left=False)
            # The break: two short slanted strokes at the foot of the axis.
            for x in (-0.006 / share, 0.006 / share):
                axes.plot([x - 0.004 / share, x + 0.004 / share], [-0.012, 0.012],
                          transform=axes.transAxes, color="black", linewidth=1, clip_on=False)
    first = panels[0][0]
    first.set_yticks(range(len(rows)))
    first.set_yticklabels([f"{_label(r)}  ·  {_when(r)}" for r in rows], fontsize=9)
    first.set_ylim(len(rows) - 0.5, -0.5)
    handles = _legend(rows, Line2D, Patch)
    panels[0][-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                         frameon=False, fontsize=9)
    first.set_title(title, loc="left", fontsize=12, fontweight="bold")
    broken = " (axis broken between distant periods)" if len(stretches) > 1 else ""
    left_out = (f"\n{undated} undated record{'s are' if undated != 1 else ' is'} not drawn "
                "(the sources give no date)") if undated else ""
    figure.supxlabel(f"date: bars span every day the record may fall on{broken}{left_out}",
                     fontsize=9)
    return _save(figure, out)


def network(graph: nx.Graph, out: Path, title: str = "Who met whom") -> Path:
    """Draw the who-met-whom ``graph`` (as :meth:`Corpus.network` returns it) to ``out``.

    Nodes are coloured by country and labelled with the actor's name; a meeting edge's
    width grows with the number of meetings, which is printed on edges of two or
    more. A membership edge (a person and the organisation he holds a post in) is
    dashed, and two who came as one party (a visitor and his delegation) dotted: neither
    is drawn as a meeting. Actors whose meetings have no other recorded
    participant are named in a note under the graph rather than drawn apart from it.

    Raises
    ------
    ValueError
        When the graph has no node, or ``out`` is not an image format.
    """
    check_suffix(out)
    if graph.number_of_nodes() == 0:
        raise ValueError("nothing to plot: no meeting matches")
    require("plots")
    plt = _pyplot()
    import networkx as nx
    from matplotlib.lines import Line2D

    alone = sorted(graph.nodes[n].get("name", n) for n in nx.isolates(graph))
    drawn = graph.subgraph([n for n in graph.nodes if graph.degree(n) > 0]).copy()
    count = max(drawn.number_of_nodes(), 1)
    size = max(8.0, min(16.0, 4.0 + 0.6 * count))
    figure, axes = plt.subplots(figsize=(size * 1.3, size), layout="constrained")
    if drawn.number_of_nodes():
        layout = nx.spring_layout(drawn, seed=7, k=2.5 / count ** 0.5, iterations=300)
        met = [(a, b) for a, b, d in drawn.edges(data=True) if d["relation"] == "meeting"]
        widths = [1.2 + 1.6 * (drawn.edges[e]["weight"] - 1) for e in met]
        nx.draw_networkx_edges(drawn, layout, edgelist=met, ax=axes, width=widths,
                               edge_color="#999999")
        nx.draw_networkx_edges(drawn, layout, edgelist=_edges(drawn, "membership"), ax=axes,
                               width=1.4, edge_color=MEMBERSHIP_COLOUR, style="dashed")
        nx.draw_networkx_edges(drawn, layout, edgelist=_edges(drawn, "party"), ax=axes,
                               width=2.0, edge_color=PARTY_COLOUR, style="dotted")
        colours = [COUNTRY_COLOURS.get(drawn.nodes[n].get("country") or "", OTHER_COLOUR)
                   for n in drawn.nodes]
        degrees = dict(drawn.degree())
        nx.draw_networkx_nodes(drawn, layout, ax=axes, node_color=colours, edgecolors="black",
                               linewidths=0.6,
                               node_size=[160 + 90 * degrees[n] for n in drawn.nodes])
        # Labels sit just above their node, on a white ground so crossing edges stay legible.
        span = max((max(p[1] for p in layout.values()) - min(p[1] for p in layout.values())),
                   1e-9)
        lifted = {n: (x, y + 0.035 * span) for n, (x, y) in layout.items()}
        labels = {n: drawn.nodes[n].get("name", n) for n in drawn.nodes}
        nx.draw_networkx_labels(drawn, lifted, labels=labels, ax=axes, font_size=10,
                                verticalalignment="bottom",
                                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85,
                                      "pad": 1.0})
        counts = {(a, b): str(d["weight"]) for a, b, d in drawn.edges(data=True)
                  if d["relation"] == "meeting" and d["weight"] > 1}
        if counts:
            nx.draw_networkx_edge_labels(drawn, layout, edge_labels=counts, ax=axes,
                                         font_size=9)
    legend = [Line2D([], [], marker="o", linestyle="none", markerfacecolor=c,
                     markeredgecolor="black", markersize=9, label=label)
              for label, c in (("United States", COUNTRY_COLOURS["US"]),
                               ("China", COUNTRY_COLOURS["CN"]), ("other / none", OTHER_COLOUR))]
    legend.append(Line2D([], [], color="#999999", linewidth=3,
                         label="took part in the same meeting (number: how many)"))
    if _edges(graph, "membership"):
        legend.append(Line2D([], [], color=MEMBERSHIP_COLOUR, linewidth=1.4, linestyle="--",
                             label="holds a post in (the roles table); not a meeting"))
    if _edges(graph, "party"):
        legend.append(Line2D([], [], color=PARTY_COLOUR, linewidth=2.0, linestyle=":",
                             label="came as one party (a visitor and his delegation); "
                                   "not a meeting"))
    axes.legend(handles=legend, loc="upper right", frameon=False, fontsize=9)
    axes.set_title(title, loc="left", fontsize=12, fontweight="bold")
    if alone:
        figure.supxlabel("No other participant recorded for: " + ", ".join(alone), fontsize=9)
    axes.margins(0.1)
    axes.axis("off")
    return _save(figure, out)


def _edges(graph: nx.Graph, relation: str) -> list[tuple[str, str]]:
    """The edges of ``graph`` of one ``relation`` (see :meth:`Corpus.network`)."""
    return [(a, b) for a, b, d in graph.edges(data=True) if d["relation"] == relation]


def _save(figure: Any, out: Path) -> Path:
    """Write ``figure`` to a temporary file beside ``out``, then move it into place."""
    from usc_events._files import staged_file

    plt = _pyplot()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with staged_file(out) as staging:
            figure.savefig(staging, dpi=130)
    finally:
        plt.close(figure)
    return out
