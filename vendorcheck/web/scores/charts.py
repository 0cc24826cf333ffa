"""Bar charts drawn on the server as SVG geometry (no script, no CDN; the template writes the elements)."""

from __future__ import annotations

from dataclasses import dataclass

# Colour-blind-safe palette (Okabe-Ito), one per vendor; every bar also carries its number as text.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
LABEL_WIDTH = 190
BAR_SPACE = 420
BAR_HEIGHT = 14
GAP = 10


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: float
    height: int
    colour: str
    value: float
    series: str


@dataclass(frozen=True)
class Row:
    label: str
    y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    rows: tuple[Row, ...]
    legend: tuple[tuple[str, str], ...]  # (series, colour)
    scale_x: int  # where 0 is
    scale_width: int  # the width of 100


def bar_chart(title: str, series: list[str], rows: list[tuple[str, list[float | None]]]) -> Chart:
    """Grouped horizontal bars 0..100: one group per row label, one bar per series (None = no bar)."""
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    y = 30
    drawn = []
    for label, values in rows:
        bars = []
        for index, value in enumerate(values):
            if value is None:
                continue
            name = series[index]
            width = max(0.5, BAR_SPACE * value / 100)
            bars.append(Bar(LABEL_WIDTH, y + index * BAR_HEIGHT, width, BAR_HEIGHT - 3, colours[name], value, name))
        drawn.append(Row(label, y, tuple(bars)))
        y += len(series) * BAR_HEIGHT + GAP
    legend = tuple((name, colours[name]) for name in series)
    return Chart(title, LABEL_WIDTH + BAR_SPACE + 60, y + 10, tuple(drawn), legend, LABEL_WIDTH, BAR_SPACE)
