"""Inline SVG charts for the static report: horizontal bars, stacked bars and trend lines.

Drawn here rather than by a JavaScript library so that the pages open offline, from disk, in
any browser. Every chart is an ``<svg class="chart" data-question-id=…>`` that scales to the
page's width (viewBox), named for screen readers by its title and main figures
(``aria-label``), and every drawn mark (bar, segment, line, point) carries the class ``mark``,
which the browser test counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from barometre.codebook import no_answer_label
from barometre.french import percent

WIDTH = 760
PLOT_WIDTH = 560  # the 0–100 % scale; the rest of the width holds the value labels
FONT = 12
CHAR_WIDTH = 6.8  # average width of a 12 px sans-serif character, to lay out and cut labels
BAR = 13
PALETTE = (
    "#1f5fa8",
    "#e07b26",
    "#3a9a5b",
    "#c23b3b",
    "#7d5ba6",
    "#8c6239",
    "#d16aa8",
    "#5f6b75",
    "#b5a21c",
    "#1ba3b8",
    "#26457a",
    "#9b2f5c",
)
NO_ANSWER_COLOUR = "#b8b8b8"
NO_ANSWER = no_answer_label()


@dataclass(frozen=True)
class Bar:
    """One bar: a percentage of a series, with its 95 % interval when known."""

    series: str
    value: float | None
    low: float | None = None
    high: float | None = None
    small_base: bool = False


@dataclass(frozen=True)
class Category:
    """A row of bars, one per series (e.g. an answer, with one bar per group)."""

    label: str
    bars: Sequence[Bar]


@dataclass(frozen=True)
class StackedRow:
    """A 100 % bar split by answer: (answer, percentage) segments in scale order."""

    label: str
    segments: Sequence[tuple[str, float | None]]
    small_base: bool = False


@dataclass(frozen=True)
class Point:
    value: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Series:
    """A trend line: one point per wave where the figure exists; broken before each wave of
    `breaks` (the scale or the question changed: the segment leading to it is dashed)."""

    label: str
    points: dict[int, Point]
    dashed: bool = False
    breaks: frozenset[int] = frozenset()


def colours(labels: Sequence[str]) -> dict[str, str]:
    """A stable colour per label, the no-answer row always grey."""
    palette = iter(PALETTE * (1 + len(labels) // len(PALETTE)))
    return {
        label: NO_ANSWER_COLOUR if label.startswith(NO_ANSWER) else next(palette)
        for label in labels
    }


def bar_chart(question_id: str, categories: Sequence[Category], title: str) -> str:
    """Grouped horizontal bars, the value (rounded half to even) after each bar."""
    series = list(dict.fromkeys(bar.series for c in categories for bar in c.bars))
    palette = colours(series)
    legend, y = _legend([(s, palette[s]) for s in series], 0)
    parts = [legend]
    for category in categories:
        parts.append(_label(category.label, y + FONT))
        y += FONT + 6
        for bar in category.bars:
            parts.append(_bar(bar, y, palette[bar.series]))
            y += BAR + 3
        y += 8
    parts.append(_scale(y))
    summary = " ; ".join(
        f"{c.label} : " + ", ".join(f"{b.series} {_pct(b.value)}" for b in c.bars)
        for c in categories
    )
    return _svg(question_id, "bars", title, y + FONT + 8, parts, summary)


def stacked_chart(question_id: str, rows: Sequence[StackedRow], title: str) -> str:
    """100 % horizontal bars split by answer (arrays, rankings), shares written inside."""
    answers = list(dict.fromkeys(answer for row in rows for answer, _ in row.segments))
    palette = colours(answers)
    legend, y = _legend([(a, palette[a]) for a in answers], 0)
    parts = [legend]
    for row in rows:
        parts.append(_label(row.label + (" ⚠" if row.small_base else ""), y + FONT))
        y += FONT + 6
        x = 0.0
        for answer, value in row.segments:
            width = _width(value)
            if width <= 0:
                continue
            tip = f"{answer} : {_pct(value)}"
            parts.append(
                f'<rect class="mark bar segment" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                f'height="{BAR + 3}" fill="{palette[answer]}"><title>{escape(tip)}</title></rect>'
            )
            if width >= 30:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR - 1}" text-anchor="middle" '
                    f'class="inside">{escape(_pct(value))}</text>'
                )
            x += width
        y += BAR + 12
    parts.append(_scale(y))
    summary = " ; ".join(
        f"{r.label} : " + ", ".join(f"{a} {_pct(v)}" for a, v in r.segments) for r in rows
    )
    return _svg(question_id, "stacked", title, y + FONT + 8, parts, summary)


def line_chart(question_id: str, series: Sequence[Series], title: str) -> str:
    """Trend lines across waves on a 0–100 % scale, with the 95 % interval when known."""
    waves = sorted({wave for s in series for wave in s.points})
    palette = colours([s.label for s in series])
    legend, top = _legend([(s.label, palette[s.label]) for s in series], 0)
    top += 8
    height = 220
    left, right = 48, WIDTH - 40

    def x_of(wave: int) -> float:
        if len(waves) == 1:
            return (left + right) / 2
        return left + (right - left) * waves.index(wave) / (len(waves) - 1)

    def y_of(value: float) -> float:
        return top + height * (1 - max(0.0, min(100.0, value)) / 100)

    parts = [legend]
    labels: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y_of(tick):.1f}" '
            f'y2="{y_of(tick):.1f}"/><text x="{left - 6}" y="{y_of(tick) + 4:.1f}" '
            f'text-anchor="end">{tick} %</text>'
        )
    for wave in waves:
        parts.append(
            f'<text x="{x_of(wave):.1f}" y="{top + height + 18}" text-anchor="middle">{wave}</text>'
        )
    for wave in sorted({w for line in series for w in line.breaks if w in waves}):
        # where the scale or the question changed: a rule between the two waves, named
        x = (
            (x_of(waves[waves.index(wave) - 1]) + x_of(wave)) / 2
            if waves.index(wave)
            else x_of(wave)
        )
        parts.append(
            f'<line class="break" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + height}"/>'
            f'<text class="break-label" x="{x:.1f}" y="{top - 2}" text-anchor="middle">'
            "rupture</text>"
        )
    for line in series:
        colour = palette[line.label]
        ordered = sorted(line.points.items())
        for start, end, broken in _segments(ordered, line.breaks):
            (w1, p1), (w2, p2) = start, end
            path = f"M{x_of(w1):.1f},{y_of(p1.value):.1f} L{x_of(w2):.1f},{y_of(p2.value):.1f}"
            dash = ' stroke-dasharray="5 4"' if line.dashed or broken else ""
            kind = "line broken" if broken else "line"
            parts.append(
                f'<path class="mark {kind}" d="{path}" stroke="{colour}" fill="none" '
                f'stroke-width="2"{dash}/>'
            )
        for wave, point in ordered:
            parts.append(_point(x_of(wave), point, y_of, colour, f"{line.label}, {wave}"))
            labels[wave].append((y_of(point.value), colour, _pct(point.value)))
    for wave, column in labels.items():
        parts.extend(_value_labels(x_of(wave) + 8, column, top + height))
    summary = " ; ".join(
        f"{s.label} : " + ", ".join(f"{w} {_pct(p.value)}" for w, p in sorted(s.points.items()))
        for s in series
    )
    return _svg(question_id, "trend", title, top + height + 28, parts, summary)


def _segments(
    ordered: list[tuple[int, Point]], breaks: frozenset[int]
) -> list[tuple[tuple[int, Point], tuple[int, Point], bool]]:
    """Consecutive points, each pair marked broken when the later wave starts a new scale."""
    return [(a, b, b[0] in breaks) for a, b in zip(ordered, ordered[1:], strict=False)]


def _value_labels(x: float, column: list[tuple[float, str, str]], bottom: float) -> list[str]:
    """The values beside one wave's points, pushed apart so that no two overprint, and pulled
    back up together when the lowest would leave the plot."""
    ys: list[float] = []
    for y, _, _ in sorted(column):
        ys.append(max(y + 4, ys[-1] + FONT + 1) if ys else y + 4)
    overflow = max(0.0, (ys[-1] if ys else 0) - bottom)
    return [
        f'<text class="value" x="{x:.1f}" y="{y - overflow:.1f}" fill="{colour}">'
        f"{escape(text)}</text>"
        for y, (_, colour, text) in zip(ys, sorted(column), strict=True)
    ]


def _bar(bar: Bar, y: int, colour: str) -> str:
    tip = f"{bar.series} : {_pct(bar.value)}"
    if bar.value is None:
        empty = f"{bar.series} : aucun répondant"
        return f'<text x="0" y="{y + BAR - 2}" class="na">{escape(empty)}</text>'
    width = max(_width(bar.value), 1.0)  # a 0 % bar stays visible as a hairline
    faded = ' fill-opacity="0.45"' if bar.small_base else ""  # a small base reads as uncertain
    parts = [
        f'<rect class="mark bar" x="0" y="{y}" width="{width:.1f}" height="{BAR}" '
        f'fill="{colour}"{faded}><title>{escape(tip)}</title></rect>'
    ]
    end = width
    if bar.low is not None and bar.high is not None:
        low, high, middle = _width(bar.low), _width(bar.high), y + BAR / 2
        parts.append(
            f'<path class="ci" d="M{low:.1f},{middle - 4} v8 M{low:.1f},{middle} H{high:.1f} '
            f'M{high:.1f},{middle - 4} v8"/>'
        )
        end = max(end, high)
    label = _pct(bar.value) + (" ⚠" if bar.small_base else "")
    parts.append(f'<text x="{end + 6:.1f}" y="{y + BAR - 2}">{escape(label)}</text>')
    return "".join(parts)


def _point(x: float, point: Point, y_of: Callable[[float], float], colour: str, label: str) -> str:
    parts = []
    if point.low is not None and point.high is not None:
        high, low = y_of(point.high), y_of(point.low)
        parts.append(
            f'<path class="ci" d="M{x - 4:.1f},{high:.1f} h8 M{x:.1f},{high:.1f} V{low:.1f} '
            f'M{x - 4:.1f},{low:.1f} h8"/>'
        )
    tip = f"{label} : {_pct(point.value)}"
    parts.append(
        f'<circle class="mark point" cx="{x:.1f}" cy="{y_of(point.value):.1f}" r="4" '
        f'fill="{colour}"><title>{escape(tip)}</title></circle>'
    )
    return "".join(parts)


def _legend(items: Sequence[tuple[str, str]], y: int) -> tuple[str, int]:
    """Swatches and names, wrapped over as many lines as needed; returns the next free y."""
    parts, x, line = [], 0.0, y
    for name, colour in items:
        text = _cut(name, 60)
        width = 18 + len(text) * CHAR_WIDTH + 16
        if x > 0 and x + width > WIDTH:
            x, line = 0.0, line + FONT + 8
        parts.append(
            f'<rect class="swatch" x="{x:.1f}" y="{line + 2}" width="12" height="12" '
            f'fill="{colour}"/><text x="{x + 18:.1f}" y="{line + FONT}">{escape(text)}</text>'
        )
        x += width
    return '<g class="legend">' + "".join(parts) + "</g>", line + FONT + 14


def _label(text: str, y: int) -> str:
    cut = _cut(text, int(WIDTH / CHAR_WIDTH))
    title = f"<title>{escape(text)}</title>" if cut != text else ""
    return f'<text class="category" x="0" y="{y}">{escape(cut)}{title}</text>'


def _scale(y: int) -> str:
    ticks = "".join(
        f'<line class="grid" x1="{PLOT_WIDTH * t / 100:.1f}" x2="{PLOT_WIDTH * t / 100:.1f}" '
        f'y1="{y - 4}" y2="{y}"/><text x="{PLOT_WIDTH * t / 100:.1f}" y="{y + FONT + 2}" '
        f'text-anchor="middle">{t} %</text>'
        for t in (0, 25, 50, 75, 100)
    )
    return f'<line class="axis" x1="0" x2="{PLOT_WIDTH}" y1="{y}" y2="{y}"/>{ticks}'


def _svg(
    question_id: str, kind: str, title: str, height: float, parts: list[str], summary: str
) -> str:
    label = f"{title}. {summary}" if summary else title
    return (
        f'<svg class="chart {kind}" data-question-id="{escape(question_id)}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="100%" viewBox="-20 -4 {WIDTH + 40} {height:.0f}" '
        f'style="max-width:{WIDTH + 40}px">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def _width(value: float | None) -> float:
    return 0.0 if value is None else PLOT_WIDTH * max(0.0, min(100.0, value)) / 100


def _pct(value: float | None) -> str:
    # rounded half to even, the Observatoire's rounding of published percentages
    return percent(value)


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
