"""The plots are written as images of real content: bars, markers, nodes, labels."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import matplotlib.image
import numpy as np
import pyarrow as pa
import pytest

import usc_events
from usc_events.query import plots
from usc_events.query.corpus import Corpus

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return usc_events.open(backend="arrow")


def _pixels(path: Path) -> np.ndarray:
    image = matplotlib.image.imread(path)
    return (image[..., :3] * 255).round().astype(int)


def _share_of(pixels: np.ndarray, colour: str, alpha: float = 1.0) -> float:
    """The share of pixels of ``colour`` drawn with opacity ``alpha`` on white."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    blended = alpha * rgb + (1 - alpha) * 255
    return float((np.abs(pixels - blended).sum(axis=-1) < 12).mean())


def test_the_timeline_png_draws_each_kind(corpus: Corpus, tmp_path: Path) -> None:
    out = plots.timeline(corpus.timeline(), tmp_path / "timeline.png")
    assert out.read_bytes().startswith(PNG)
    pixels = _pixels(out)
    height, width = pixels.shape[:2]
    assert width > 1000 and height > 300
    for kind in ("meeting", "statement"):
        colour = plots.KIND_COLOURS[kind]
        drawn = _share_of(pixels, colour) + _share_of(pixels, colour, plots.INFERRED_ALPHA)
        # Most meetings are now dated to the day, so they are markers, not bars.
        assert drawn > 0.0003, kind
    assert (pixels.sum(axis=-1) < 100).mean() > 0.005  # dark pixels: labels and axes


def _events(*spans: tuple[dt.date, dt.date]) -> pa.Table:
    rows = [{"date_earliest": low, "date_latest": high, "date_basis": "stated",
             "kind": "meeting", "record_id": f"m{i}", "title": f"Meeting {i}",
             "actors": ["a"], "actor_names": ["A"]} for i, (low, high) in enumerate(spans)]
    return pa.Table.from_pylist(rows)


def test_an_interval_is_a_bar_and_a_day_is_a_marker(tmp_path: Path) -> None:
    day = dt.date(2025, 1, 20)
    bar = plots.timeline(_events((dt.date(2025, 1, 1), day)), tmp_path / "bar.png")
    marker = plots.timeline(_events((day, day)), tmp_path / "marker.png")
    colour = plots.KIND_COLOURS["meeting"]
    # The bar spans 20 days of a ~24-day axis; the marker is a small diamond.
    assert _share_of(_pixels(bar), colour) > 4 * _share_of(_pixels(marker), colour) > 0


def test_distant_periods_break_the_axis() -> None:
    spans = [(dt.date(1971, 7, 9), dt.date(1971, 7, 11)), (dt.date(2025, 1, 1),
                                                             dt.date(2025, 1, 20))]
    assert plots.clusters(spans) == spans
    assert plots.clusters([*spans, (dt.date(2024, 12, 1), dt.date(2024, 12, 2))]) == [
        spans[0], (dt.date(2024, 12, 1), dt.date(2025, 1, 20))]


def test_the_network_png_draws_both_countries(corpus: Corpus, tmp_path: Path) -> None:
    out = plots.network(corpus.network(), tmp_path / "network.png")
    assert out.read_bytes().startswith(PNG)
    pixels = _pixels(out)
    assert _share_of(pixels, plots.COUNTRY_COLOURS["US"]) > 0.001
    assert _share_of(pixels, plots.COUNTRY_COLOURS["CN"]) > 0.001


def test_an_svg_is_written_too(corpus: Corpus, tmp_path: Path) -> None:
    out = plots.network(corpus.network(actor="Han Zheng"), tmp_path / "han.svg")
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text


def test_nothing_to_draw_or_a_bad_suffix_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="nothing to plot: the timeline is empty"):
        plots.timeline(corpus.timeline(start="1900", end="1900"), tmp_path / "t.png")
    with pytest.raises(ValueError, match=r"unsupported image format '\.txt'"):
        plots.network(corpus.network(), tmp_path / "n.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("usual_umask")
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_plot_files_get_the_umask_like_every_file(corpus: Corpus, tmp_path: Path,
                                                  suffix: str) -> None:
    import os

    timeline = plots.timeline(corpus.timeline(), tmp_path / f"timeline{suffix}")
    network = plots.network(corpus.network(), tmp_path / f"network{suffix}")
    assert {p.stat().st_mode & 0o777 for p in (timeline, network)} == {0o644}
    old = os.umask(0o077)
    try:
        private = plots.network(corpus.network(), tmp_path / f"private{suffix}")
    finally:
        os.umask(old)
    assert private.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{n}{suffix}" for n in ("network", "private", "timeline"))


def test_undated_records_are_noted_not_drawn_and_the_legend_shows_only_what_is_drawn(
        corpus: Corpus, tmp_path: Path) -> None:
    events = corpus.timeline(actor="Xi Jinping")
    rows = events.to_pylist()
    undated = [r for r in rows if r["date_earliest"] is None and r["date_latest"] is None]
    drawn_kinds = {r["kind"] for r in rows if r not in undated}
    assert undated and "position" not in drawn_kinds  # Xi's positions are all undated
    assert plots.undated_count(events) == len(undated)
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep text as text
        out = plots.timeline(events, tmp_path / "xi.svg")
    texts = {re.sub(r"\s+", " ", html.unescape(t)).strip()
             for t in re.findall(r"<text[^>]*>(.*?)</text>", out.read_text(encoding="utf-8"),
                                 re.S)}
    assert f"{len(undated)} undated records are not drawn (the sources give no date)" in \
        "\n".join(texts)
    assert {k for k in plots.KIND_COLOURS if k in texts} == drawn_kinds
    png = plots.timeline(events, tmp_path / "xi.png")
    assert _share_of(_pixels(png), plots.KIND_COLOURS["position"]) == 0


def test_a_timeline_of_undated_records_only_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    events = corpus.timeline(actor="Xi Jinping", kinds=["position"])
    with pytest.raises(ValueError, match=rf"the {events.num_rows} records of the timeline are "
                                         "all undated"):
        plots.timeline(events, tmp_path / "t.png")
