"""Charts drawn on the server as inline SVG (pure functions: data in, markup out).

No script and nothing fetched: the chart is part of the page, prints with it and reads
without colour. Every series has a shape of its own besides its colour (the Okabe–Ito
palette, told apart by people with the common colour-vision deficiencies), values are
written beside bars, and the same figures stand in a table next to each chart for screen
readers (the SVG is ``role="img"`` with a label saying so).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from gateway.page.swedish import number

#: Okabe–Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#B8A200", "#000000")
#: The colour a value written on a bar of each palette colour takes, for contrast.
TEXT_ON = ("#ffffff", "#000000", "#000000", "#000000", "#000000", "#000000", "#000000", "#ffffff")
#: A marker per series, so series part by shape as well as colour.
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "triangle-down", "plus", "star")


@dataclass(frozen=True)
class Bar:
    """One bar of a group: its series name and value (``None``: not stated, drawn as a gap)."""

    series: str
    value: Decimal | None


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: Sequence[Bar]


@dataclass(frozen=True)
class Point:
    x: str
    y: Decimal | None


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point]


@dataclass(frozen=True)
class TargetStep:
    """A target level in force at one x position (a year's threshold)."""

    x: str
    y: Decimal
    label: str


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _f(value: float) -> str:
    return f"{value:.1f}"


def marker(shape: str, cx: float, cy: float, colour: str, size: float = 5) -> str:
    """An SVG marker of ``shape`` centred at (cx, cy)."""
    s = size
    fill = f'fill="{colour}" stroke="{colour}"'
    if shape == "circle":
        return f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(s)}" {fill}/>'
    if shape == "square":
        return f'<rect x="{_f(cx - s)}" y="{_f(cy - s)}" width="{_f(2 * s)}" height="{_f(2 * s)}" {fill}/>'
    if shape in ("triangle", "triangle-down"):
        d = 1 if shape == "triangle" else -1
        pts = f"{_f(cx)},{_f(cy - d * s * 1.2)} {_f(cx - s * 1.1)},{_f(cy + d * s)} {_f(cx + s * 1.1)},{_f(cy + d * s)}"
        return f'<polygon points="{pts}" {fill}/>'
    if shape == "diamond":
        pts = f"{_f(cx)},{_f(cy - s * 1.3)} {_f(cx + s)},{_f(cy)} {_f(cx)},{_f(cy + s * 1.3)} {_f(cx - s)},{_f(cy)}"
        return f'<polygon points="{pts}" {fill}/>'
    if shape in ("cross", "plus"):
        if shape == "cross":
            a = f"M{_f(cx - s)} {_f(cy - s)}L{_f(cx + s)} {_f(cy + s)}M{_f(cx - s)} {_f(cy + s)}L{_f(cx + s)} {_f(cy - s)}"
        else:
            a = f"M{_f(cx - s)} {_f(cy)}L{_f(cx + s)} {_f(cy)}M{_f(cx)} {_f(cy - s)}L{_f(cx)} {_f(cy + s)}"
        return f'<path d="{a}" stroke="{colour}" stroke-width="2.5" fill="none"/>'
    # star: a five-pointed one
    corners: list[str] = []
    for i in range(10):
        r = s * 1.4 if i % 2 == 0 else s * 0.6
        angle = math.pi / 2 + i * math.pi / 5
        corners.append(f"{_f(cx + r * math.cos(angle))},{_f(cy - r * math.sin(angle))}")
    return f'<polygon points="{" ".join(corners)}" {fill}/>'


def _scale(values: Sequence[Decimal], include_zero: bool) -> tuple[float, float]:
    low = float(min(values)) if values else 0.0
    high = float(max(values)) if values else 1.0
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high, low = high + 1, low - 1
    pad = (high - low) * 0.08
    return (low if include_zero and low == 0 else low - pad), (
        high if include_zero and high == 0 else high + pad
    )


def _ticks(low: float, high: float, count: int = 5) -> list[Decimal]:
    raw = (high - low) / count
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal("0.1")
    step = magnitude
    for factor in (1, 2, 5, 10):
        step = magnitude * factor
        if float(step) * count >= high - low:
            break
    first = (Decimal(str(low)) / step).to_integral_value(rounding="ROUND_CEILING") * step
    ticks = []
    tick = first
    while float(tick) <= high:
        ticks.append(tick)
        tick += step
    return ticks


def bar_chart(
    groups: Sequence[BarGroup], series: Sequence[str], title: str, unit: str, table_id: str
) -> str:
    """Horizontal grouped bars around a zero line (results are negative for cost lines),
    each bar with its value written at its end; a series missing from a group is written
    ``saknas`` where its bar would be."""
    bar_h, gap, label_w, width = 18, 14, 300, 760
    plot_w = width - label_w - 90
    values = [b.value for g in groups for b in g.bars if b.value is not None]
    low, high = _scale(values, include_zero=True)

    def x_of(v: float) -> float:
        return label_w + (v - low) / (high - low) * plot_w

    legend_h = 28
    group_h = len(series) * bar_h + gap
    height = legend_h + len(groups) * group_h + 36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(title)} (samma siffror i tabellen {escape(table_id)})">',
        f"<title>{escape(title)}</title>",
    ]
    for i, name in enumerate(series):
        colour, shape = PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]
        lx = label_w + i * 170
        parts.append(marker(shape, lx, 12, colour))
        parts.append(f'<text x="{lx + 10}" y="16" class="legend">{escape(name)}</text>')
    zero = x_of(0.0)
    top = legend_h
    bottom = legend_h + len(groups) * group_h
    for tick in _ticks(low, high):
        tx = x_of(float(tick))
        parts.append(
            f'<line x1="{_f(tx)}" y1="{top}" x2="{_f(tx)}" y2="{bottom}" class="grid"/>'
            f'<text x="{_f(tx)}" y="{bottom + 14}" class="tick" text-anchor="middle">'
            f"{escape(number(tick))}</text>"
        )
    parts.append(
        f'<text x="{width - 10}" y="{bottom + 30}" class="tick" text-anchor="end">'
        f"{escape(unit)}</text>"
    )
    for gi, group in enumerate(groups):
        gy = legend_h + gi * group_h
        parts.append(
            f'<text x="{label_w - 8}" y="{gy + group_h / 2}" class="label" '
            f'text-anchor="end">{escape(_short(group.label, 46))}</text>'
        )
        for bi, name in enumerate(series):
            y = gy + bi * bar_h
            bar = next((b for b in group.bars if b.series == name), None)
            colour, shape = PALETTE[bi % len(PALETTE)], SHAPES[bi % len(SHAPES)]
            if bar is None or bar.value is None:
                # Written on the side of the zero line with room: the gap is shown.
                anchor, tx = (
                    ("end", zero - 4) if zero > label_w + plot_w / 2 else ("start", zero + 4)
                )
                parts.append(
                    f'<text x="{_f(tx)}" y="{y + bar_h - 5}" class="missing" '
                    f'text-anchor="{anchor}">{escape(name)}: saknas</text>'
                )
                continue
            end = x_of(float(bar.value))
            left, right = min(zero, end), max(zero, end)
            parts.append(
                f'<rect x="{_f(left)}" y="{y + 2}" width="{_f(max(right - left, 1))}" '
                f'height="{bar_h - 4}" fill="{colour}" class="bar bar-{bi}"/>'
            )
            parts.append(marker(shape, end, y + bar_h / 2, "#000", 3))
            text, fill = escape(number(bar.value, 1)), ""
            if right - left > 80:  # room inside the bar, away from the group's label
                fill = f' fill="{TEXT_ON[bi % len(TEXT_ON)]}"'
                anchor, tx = ("start", left + 8) if bar.value < 0 else ("end", right - 8)
            else:
                anchor, tx = ("start", right + 6) if bar.value >= 0 else ("end", left - 6)
            parts.append(
                f'<text x="{_f(tx)}" y="{y + bar_h - 5}" class="value" '
                f'text-anchor="{anchor}"{fill}>{text}</text>'
            )
    parts.append(f'<line x1="{_f(zero)}" y1="{top}" x2="{_f(zero)}" y2="{bottom}" class="axis"/>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    xs: Sequence[str],
    series: Sequence[Series],
    targets: Sequence[TargetStep],
    title: str,
    unit: str,
    table_id: str,
) -> str:
    """Values over periods, a line and a marker shape per series; the target in force each
    year drawn as a dashed step with its expression written at its end. A period with no
    value breaks the line (a gap is shown, never filled)."""
    width, height, left, right, top, bottom = 800, 340, 56, 230, 20, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.y for s in series for p in s.points if p.y is not None]
    values += [t.y for t in targets]
    low, high = _scale(values, include_zero=False)
    step = plot_w / max(len(xs), 1)

    def x_of(x: str) -> float:
        return left + step * (xs.index(x) + 0.5)

    def y_of(v: Decimal) -> float:
        return top + plot_h - (float(v) - low) / (high - low) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(title)} (samma siffror i tabellen {escape(table_id)})">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(low, high):
        ty = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{_f(ty)}" x2="{left + plot_w}" y2="{_f(ty)}" class="grid"/>'
            f'<text x="{left - 6}" y="{_f(ty + 4)}" class="tick" text-anchor="end">'
            f"{escape(number(tick))}</text>"
        )
    for x in xs:
        parts.append(
            f'<text x="{_f(x_of(x))}" y="{top + plot_h + 16}" class="tick" '
            f'text-anchor="middle">{escape(x)}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 6}" class="tick">{escape(unit)}</text>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'class="axis"/>'
    )
    for target in targets:
        if target.x not in xs:
            continue
        cx, ty = x_of(target.x), y_of(target.y)
        parts.append(
            f'<line x1="{_f(cx - step / 2)}" y1="{_f(ty)}" x2="{_f(cx + step / 2)}" '
            f'y2="{_f(ty)}" class="target"><title>Mål {escape(target.x)}: '
            f"{escape(target.label)}</title></line>"
        )
    if targets:
        last = targets[-1]
        parts.append(
            f'<text x="{left + plot_w - 4}" y="{_f(y_of(last.y) - 5)}" class="target-label" '
            f'text-anchor="end">Mål {escape(last.label)}</text>'
        )
    for i, line in enumerate(series):
        colour, shape = PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]
        segments: list[list[str]] = [[]]
        for point in line.points:
            if point.y is None:
                segments.append([])
                continue
            segments[-1].append(f"{_f(x_of(point.x))},{_f(y_of(point.y))}")
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
        for point in line.points:
            if point.y is not None:
                parts.append(marker(shape, x_of(point.x), y_of(point.y), colour, 4.5))
        ly = top + 14 + i * 18
        parts.append(marker(shape, left + plot_w + 14, ly - 4, colour, 4.5))
        parts.append(
            f'<text x="{left + plot_w + 24}" y="{ly}" class="legend">{escape(_short(line.name, 30))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
