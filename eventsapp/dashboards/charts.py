"""Charts as SVG, drawn on the server: data in, markup out. Pure and deterministic (no clock, no request,
no Flask): the same figures give the same bytes. Every text is escaped; the caller gives the texts already
translated and the numbers' formatter for the reader's language.

An SVG is role="img" with a <title> and a <desc>; the page shows the same figures in a table beside it,
which is what screen readers and printouts rely on. Colours also differ in lightness, and lines in dashes.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import ceil, floor, log10

from markupsafe import Markup, escape

WIDTH = 640
FONT = 12  # px, in the SVG's own units (it scales with the page)
PALETTE = ("#17508a", "#b35900", "#1c6237", "#7b3f98")  # each 3:1 or more on white
DASHES = ("", "6 3", "2 3", "8 3 2 3")
TEXT, MUTED, GRID = "#1b2430", "#525d6b", "#d6dce4"


def plain_number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class Chart:
    chart_id: str  # unique in the page: the SVG's title and desc ids derive from it
    title: str
    description: str
    labels: Sequence[str]  # one per category: days, events, organizations
    series: Sequence[Series]
    empty_text: str  # drawn instead of the figures when there are none
    format_value: Callable[[float], str] = plain_number
    reference: tuple[float, str] | None = None  # a marked level, e.g. (capacity, "Capacity 150")
    whole_numbers: bool = True  # ticks at whole numbers only (counts), else any (rates)
    top: float | None = None  # the axis' end at least this (e.g. 1.0 for rates)

    @property
    def is_empty(self) -> bool:
        return not self.labels or not self.series


def text_width(text: str, size: float = FONT) -> float:
    """About how wide a text is drawn: Chinese characters are square, Latin ones about half as wide."""
    return sum(size if ord(char) > 0x2E7F else size * 0.58 for char in text)


def shortened(text: str, width: float, size: float = FONT) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_ticks(highest: float, *, whole_numbers: bool = True, count: int = 5) -> list[float]:
    """Round ticks from 0 to at least `highest` (1 when there is nothing), about `count` steps."""
    highest = highest if highest > 0 else 1
    raw = highest / count
    magnitude = 10 ** floor(log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if whole_numbers:
        step = max(1, round(step))
    return [round(i * step, 10) for i in range(ceil(round(highest / step, 10)) + 1)]


def fmt(number: float) -> str:
    """Coordinates with at most two decimals: the same bytes on every machine."""
    return f"{number:.2f}".rstrip("0").rstrip(".")


def text(x: float, y: float, content: str, *, anchor: str = "start", size: float = FONT, color: str = TEXT,
         css: str = "", full: str = "") -> str:
    hint = f"<title>{escape(full)}</title>" if full and full != content else ""
    return (f'<text x="{fmt(x)}" y="{fmt(y)}" text-anchor="{anchor}" font-size="{fmt(size)}" fill="{color}"'
            f'{f" class={chr(34)}{css}{chr(34)}" if css else ""}>{hint}{escape(content)}</text>')


def frame(chart: Chart, height: float, kind: str, body: list[str]) -> Markup:
    cid = escape(chart.chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'id="{cid}" viewBox="0 0 {WIDTH} {fmt(height)}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="inherit"><title id="{cid}-title">{escape(chart.title)}</title>'
        f'<desc id="{cid}-desc">{escape(chart.description)}</desc>{"".join(body)}</svg>')


def empty(chart: Chart, kind: str) -> Markup:
    height = 120
    return frame(chart, height, kind, [
        f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" fill="none" stroke="{GRID}" '
        f'stroke-dasharray="4 4"/>',
        text(WIDTH / 2, height / 2 + FONT / 3, chart.empty_text, anchor="middle", size=14, color=MUTED,
             css="chart-empty")])


def legend(chart: Chart, y: float) -> tuple[list[str], float]:
    """One swatch and name per series, in rows; returns the markup and the height used."""
    if len(chart.series) < 2:
        return [], 0
    parts, x, row = [], 0.0, 0
    for i, name in enumerate(series.name for series in chart.series):
        width = 22 + text_width(name) + 16
        if x and x + width > WIDTH:
            x, row = 0.0, row + 1
        top = y + row * 20
        parts.append(f'<rect class="swatch series-{i}" x="{fmt(x)}" y="{fmt(top + 2)}" width="14" height="10" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(text(x + 20, top + 11, name))
        x += width
    return [f'<g class="legend">{"".join(parts)}</g>'], (row + 1) * 20 + 6


def value_axis(chart: Chart) -> list[float]:
    highest = max([max(s.values, default=0) for s in chart.series] + [chart.top or 0] +
                  [chart.reference[0] if chart.reference else 0])
    return nice_ticks(highest, whole_numbers=chart.whole_numbers)


def column_chart(chart: Chart) -> Markup:
    """Vertical bars over categories (days), one bar per series in each; values above when there is room."""
    return _over_categories(chart, "columns")


def step_chart(chart: Chart) -> Markup:
    """Lines over categories (days) that hold each value across its category: a level at the end of a day."""
    return _over_categories(chart, "steps")


def _over_categories(chart: Chart, kind: str) -> Markup:
    if chart.is_empty:
        return empty(chart, kind)
    ticks = value_axis(chart)
    body, legend_height = legend(chart, 0)
    left = max(text_width(chart.format_value(tick)) for tick in ticks) + 10
    top, plot_height, bottom = legend_height + 10, 220, 34
    plot_width = WIDTH - left - 8
    n = len(chart.labels)
    slot = plot_width / n

    def y_of(value: float) -> float:
        return top + plot_height - value / ticks[-1] * plot_height

    for tick in ticks:
        y = y_of(tick)
        body.append(f'<line class="gridline" x1="{fmt(left)}" x2="{fmt(WIDTH - 8)}" y1="{fmt(y)}" y2="{fmt(y)}" '
                    f'stroke="{GRID}"/>')
        body.append(text(left - 6, y + FONT / 3, chart.format_value(tick), anchor="end", color=MUTED, css="tick"))
    every = max(1, ceil(n / max(1, plot_width // 64)))  # a date label needs about 64 units
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            body.append(text(left + (i + 0.5) * slot, top + plot_height + 18, label, anchor="middle", color=MUTED,
                             css="category"))
    if kind == "columns":
        body.extend(_columns(chart, left, slot, y_of, top + plot_height))
    else:
        body.extend(_steps(chart, left, slot, y_of))
    if chart.reference:
        level, label = chart.reference
        y = y_of(level)
        body.append(f'<line class="reference" x1="{fmt(left)}" x2="{fmt(WIDTH - 8)}" y1="{fmt(y)}" y2="{fmt(y)}" '
                    f'stroke="{TEXT}" stroke-dasharray="2 4"/>')
        body.append(text(WIDTH - 8, y - 4, label, anchor="end", css="reference-label"))
    body.append(f'<line class="axis" x1="{fmt(left)}" x2="{fmt(WIDTH - 8)}" y1="{fmt(top + plot_height)}" '
                f'y2="{fmt(top + plot_height)}" stroke="{MUTED}"/>')
    return frame(chart, top + plot_height + bottom, kind, body)


def _columns(chart: Chart, left: float, slot: float, y_of, baseline: float) -> list[str]:
    parts = []
    group = slot * 0.8
    width = group / len(chart.series)
    for i, label in enumerate(chart.labels):
        for j, series in enumerate(chart.series):
            value = series.values[i]
            x, y = left + i * slot + slot * 0.1 + j * width, y_of(value)
            shown = chart.format_value(value)
            parts.append(f'<rect class="bar series-{j}" x="{fmt(x)}" y="{fmt(y)}" width="{fmt(width)}" '
                         f'height="{fmt(baseline - y)}" fill="{PALETTE[j % len(PALETTE)]}" data-value="{value:g}">'
                         f'<title>{escape(label)} · {escape(series.name)}: {escape(shown)}</title></rect>')
            if value and text_width(shown, 10) <= width + 2:
                parts.append(text(x + width / 2, y - 3, shown, anchor="middle", size=10, css="value"))
    return parts


def _steps(chart: Chart, left: float, slot: float, y_of) -> list[str]:
    parts = []
    for j, series in enumerate(chart.series):
        path = []
        for i, value in enumerate(series.values):
            path.append(f"V{fmt(y_of(value))}" if i else f"M{fmt(left)} {fmt(y_of(value))}")
            path.append(f"H{fmt(left + (i + 1) * slot)}")
        dash = DASHES[j % len(DASHES)]
        parts.append(f'<path class="line series-{j}" d="{"".join(path)}" fill="none" '
                     f'stroke="{PALETTE[j % len(PALETTE)]}" stroke-width="2.5"'
                     f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""} '
                     f'data-values="{" ".join(f"{value:g}" for value in series.values)}"/>')
        last = series.values[-1]
        parts.append(text(left + len(series.values) * slot - 2, y_of(last) - 5, chart.format_value(last),
                          anchor="end", size=10, css="value"))
    return parts


def bar_chart(chart: Chart) -> Markup:
    """Horizontal bars, a category's name on the left (shortened, whole in its tooltip), values at the ends."""
    if chart.is_empty:
        return empty(chart, "bars")
    ticks = value_axis(chart)
    body, legend_height = legend(chart, 0)
    label_width = min(max(text_width(label) for label in chart.labels), WIDTH * 0.38)
    left, right = label_width + 12, WIDTH - 8 - max(text_width(chart.format_value(ticks[-1])), 24) - 6
    bar, gap = 16, 3
    row = len(chart.series) * (bar + gap) + 10
    top = legend_height + 4
    plot_height = row * len(chart.labels)

    def x_of(value: float) -> float:
        return left + value / ticks[-1] * (right - left)

    for tick in ticks:
        x = x_of(tick)
        body.append(f'<line class="gridline" x1="{fmt(x)}" x2="{fmt(x)}" y1="{fmt(top)}" '
                    f'y2="{fmt(top + plot_height)}" stroke="{GRID}"/>')
        body.append(text(x, top + plot_height + 16, chart.format_value(tick), anchor="middle", color=MUTED,
                         css="tick"))
    for i, label in enumerate(chart.labels):
        y = top + i * row + 5
        middle = y + len(chart.series) * (bar + gap) / 2
        body.append(text(label_width + 4, middle + FONT / 3, shortened(label, label_width), anchor="end",
                         css="category", full=label))
        for j, series in enumerate(chart.series):
            value, bar_y = series.values[i], y + j * (bar + gap)
            shown = chart.format_value(value)
            body.append(f'<rect class="bar series-{j}" x="{fmt(left)}" y="{fmt(bar_y)}" '
                        f'width="{fmt(x_of(value) - left)}" height="{bar}" fill="{PALETTE[j % len(PALETTE)]}" '
                        f'data-value="{value:g}"><title>{escape(label)} · {escape(series.name)}: {escape(shown)}'
                        f'</title></rect>')
            body.append(text(x_of(value) + 4, bar_y + bar - 4, shown, size=11, css="value"))
    if chart.reference:
        level, label = chart.reference
        x = x_of(level)
        body.append(f'<line class="reference" x1="{fmt(x)}" x2="{fmt(x)}" y1="{fmt(top)}" '
                    f'y2="{fmt(top + plot_height)}" stroke="{TEXT}" stroke-dasharray="2 4"/>')
    body.append(f'<line class="axis" x1="{fmt(left)}" x2="{fmt(left)}" y1="{fmt(top)}" '
                f'y2="{fmt(top + plot_height)}" stroke="{MUTED}"/>')
    return frame(chart, top + plot_height + 24, "bars", body)
