"""The status chart sent with a summary: one PNG a coordinator can forward as it is.

Two panels, one above the other, about 1080 px wide (a phone's screen):

* **status by body** — stacked horizontal bars, one per body, for the bodies with the most open
  measures (at most `MAX_BODIES`; the rest summed in one last bar, drawn as shares of the
  widest bar shown, with its true counts written on it), coloured by `Status` with
  the same colour everywhere, counts written on the segments wide enough to hold them;
* **open measures by deadline month** — overdue ones apart as the first (red) bar, then the
  months ahead (at most `MAX_MONTHS`; later months summed in the last bar).

matplotlib with the Agg backend through its object-oriented API (`Figure` + `FigureCanvasAgg`):
pyplot's global state is not thread-safe, and rendering runs in a worker thread
(`status_chart_png`). Labels come through the caller's translator (English msgids).
"""

from __future__ import annotations

import asyncio
import html
import io
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bot.i18n import N_
from bot.measure_status import OPEN_STATUSES, Status
from bot.presentation.text_limits import shorten
from bot.summaries import DeadlinesByMonth, PlanSummary

Translate = Callable[[str], str]

MAX_BODIES = 15
MAX_MONTHS = 12
OVERDUE_GAP = 1.7
NAME_LINE = 26
CAPTION_TITLE_LENGTH = 300
WIDTH_INCHES = 10.8
DPI = 100  # 1080 px wide
FONT_SIZE = 17
BAR_LABEL_SIZE = 15

# Shown statuses, in the order of the stacks; REMOVED is history, not drawn.
SHOWN: tuple[Status, ...] = (
    Status.DONE,
    Status.UNDER_REVIEW,
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.LATER,
    Status.NO_DEADLINE,
)
COLOURS: Mapping[Status, str] = {
    Status.DONE: "#2e7d32",
    Status.UNDER_REVIEW: "#1565c0",
    Status.OVERDUE: "#c62828",
    Status.DUE_SOON: "#f57c00",
    Status.LATER: "#78909c",
    Status.NO_DEADLINE: "#cfd8dc",
}
# Text on a segment: white on dark colours, black on light ones.
TEXT_COLOURS: Mapping[Status, str] = {
    Status.DUE_SOON: "black",
    Status.NO_DEADLINE: "black",
}
MONTH_COLOUR = "#546e7a"


def status_label(status: Status, translate: Translate) -> str:
    labels = {
        Status.DONE: N_("Done"),
        Status.UNDER_REVIEW: N_("Under review"),
        Status.OVERDUE: N_("Overdue"),
        Status.DUE_SOON: N_("Due within 7 days"),
        Status.LATER: N_("Later"),
        Status.NO_DEADLINE: N_("Deadline not set"),
        Status.REMOVED: N_("Removed from the plan"),
    }
    return translate(labels[status])


MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


@dataclass(frozen=True, slots=True)
class BodyStatusCounts:
    """One body's parts of measures, counted by status."""

    name: str
    counts: Mapping[Status, int]

    @property
    def open(self) -> int:
        """Work still to do or to decide: open parts and those under review."""
        return sum(self.counts.get(status, 0) for status in (*OPEN_STATUSES, Status.UNDER_REVIEW))


@dataclass(frozen=True, slots=True)
class MonthDeadlines:
    """Open measures due in one month (`month` is its first day): the current month and those
    ahead; overdue measures go to `StatusChart.overdue_open`, not here."""

    month: date
    count: int


@dataclass(frozen=True, slots=True)
class StatusChart:
    plan_title: str
    bodies: Sequence[BodyStatusCounts] = field(default_factory=tuple)
    deadlines_by_month: Sequence[MonthDeadlines] = field(default_factory=tuple)
    overdue_open: int = 0


def summary_chart(summary: PlanSummary, deadlines: DeadlinesByMonth) -> StatusChart:
    """The chart of a plan's summary (`bot.summaries.plan_summary`) and its open measures by
    deadline month (`bot.summaries.deadlines_by_month`)."""
    return StatusChart(
        summary.title,
        tuple(BodyStatusCounts(body.name, body.counts.by_status) for body in summary.bodies),
        tuple(MonthDeadlines(month, count) for month, count in deadlines.months),
        overdue_open=deadlines.overdue,
    )


def render_status_chart(chart: StatusChart, translate: Translate) -> bytes:
    """The chart as PNG bytes (blocking: call `status_chart_png` from the event loop)."""
    figure = build_status_figure(chart, translate)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


async def status_chart_png(chart: StatusChart, translate: Translate) -> bytes:
    """`render_status_chart` in a worker thread, leaving the event loop free."""
    return await asyncio.to_thread(render_status_chart, chart, translate)


def chart_caption(chart: StatusChart, translate: Translate) -> str:
    """A short HTML caption for the photo (well within Telegram's 1,024 characters)."""
    title = html.escape(shorten(chart.plan_title, CAPTION_TITLE_LENGTH))
    text = translate(N_("«{title}»: status by body and open measures by deadline month"))
    return text.format(title=f"<b>{title}</b>")


def build_status_figure(chart: StatusChart, translate: Translate) -> Figure:
    """The laid-out figure, drawn once (tests measure its texts)."""
    rows = chart_rows(chart.bodies, translate)
    months = month_bars(chart, translate)
    body_height = max(2.4, 0.7 * len(rows) + 1.6)
    month_height = 4.6
    legend_height = 1.1
    figure = Figure(
        figsize=(WIDTH_INCHES, body_height + legend_height + month_height + 0.8),
        dpi=DPI,
        layout="constrained",
    )
    FigureCanvasAgg(figure)
    figure.get_layout_engine().set(h_pad=0.1, hspace=0.04)
    figure.suptitle(shorten(chart.plan_title, 60), fontsize=FONT_SIZE + 4, fontweight="bold")
    # Two subfigures: each panel lays out its own margins (long body names do not squeeze the
    # months), the legend of the statuses under the bodies' panel.
    top, bottom = figure.subfigures(
        2, 1, height_ratios=[body_height + legend_height, month_height], hspace=0.02
    )
    body_axes = top.subplots()
    month_axes = bottom.subplots()
    _draw_bodies(body_axes, rows, translate)
    _draw_months(month_axes, months, translate)
    handles = [_legend_patch(COLOURS[status], status_label(status, translate)) for status in SHOWN]
    top.legend(
        handles=handles,
        loc="outside lower center",
        ncols=3,
        fontsize=FONT_SIZE - 1,
        frameon=False,
    )
    figure.canvas.draw()
    if rows:
        _label_segments(figure, body_axes, rows)
    return figure


@dataclass(frozen=True, slots=True)
class BodyRow:
    """One bar of the first panel; `summed` marks the bar of the bodies not shown one by one."""

    label: str
    counts: dict[Status, int]
    summed: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def chart_rows(bodies: Sequence[BodyStatusCounts], translate: Translate) -> list[BodyRow]:
    """The bars of the first panel, top to bottom: the bodies with the most open parts (the
    most overdue first among equals), then the others summed in one bar."""
    ranked = sorted(
        bodies, key=lambda body: (-body.open, -body.counts.get(Status.OVERDUE, 0), body.name)
    )
    shown, rest = ranked[:MAX_BODIES], ranked[MAX_BODIES:]
    if len(rest) == 1:
        shown, rest = ranked, []
    rows = [BodyRow(body_label(body.name), _counts(body.counts)) for body in shown]
    if rest:
        summed = {status: sum(body.counts.get(status, 0) for body in rest) for status in SHOWN}
        label = translate(N_("Other bodies ({count})")).format(count=len(rest))
        rows.append(BodyRow(label, summed, summed=True))
    return rows


def body_label(name: str) -> str:
    """A body's name on at most two lines of `NAME_LINE` characters, cut with "…"."""
    lines = textwrap.wrap(" ".join(name.split()), NAME_LINE, break_long_words=True)
    if len(lines) <= 2:
        return "\n".join(lines)
    return f"{lines[0]}\n{shorten(' '.join(lines[1:]), NAME_LINE)}"


def month_bars(chart: StatusChart, translate: Translate) -> list[tuple[str, int, str]]:
    """(label, count, colour) of the second panel: overdue first, then months ahead (the year
    written under January and under the first month)."""
    bars = [(translate(N_("Overdue")), chart.overdue_open, COLOURS[Status.OVERDUE])]
    months = sorted(chart.deadlines_by_month, key=lambda item: item.month)
    shown = months[: MAX_MONTHS - 1] if len(months) > MAX_MONTHS else months
    for index, item in enumerate(shown):
        label = translate(MONTHS[item.month.month - 1])
        if index == 0 or item.month.month == 1:
            label = f"{label}\n{item.month.year}"
        bars.append((label, item.count, MONTH_COLOUR))
    if len(months) > len(shown):
        later = sum(item.count for item in months[len(shown) :])
        bars.append((translate(N_("later")), later, MONTH_COLOUR))
    return bars


def _counts(counts: Mapping[Status, int]) -> dict[Status, int]:
    return {status: int(counts.get(status, 0)) for status in SHOWN}


def _draw_bodies(axes: Any, rows: list[BodyRow], translate: Translate) -> None:
    axes.set_title(translate(N_("Status by body")), fontsize=FONT_SIZE + 1, loc="left")
    if not rows:
        _say_empty(axes, translate(N_("No measures with executors yet")))
        return
    # The summed bar would dwarf the others: it is drawn as shares of the widest bar shown,
    # its counts written on it (and its total at its end).
    widest = max((row.total for row in rows if not row.summed), default=0) or max(
        row.total for row in rows
    )
    scales = [widest / row.total if row.summed and row.total else 1.0 for row in rows]
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for status in SHOWN:
        widths = [row.counts[status] * scale for row, scale in zip(rows, scales, strict=True)]
        # The container's label names its status; "_" keeps it out of any legend.
        axes.barh(
            positions, widths, left=left, color=COLOURS[status], height=0.7, label=f"_{status}"
        )
        left = [start + width for start, width in zip(left, widths, strict=True)]
    axes.set_yticks(positions, [row.label for row in rows], fontsize=FONT_SIZE - 1)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=FONT_SIZE - 2)
    axes.set_xlim(0, max(widest, 1) * 1.02)
    axes.xaxis.get_major_locator().set_params(integer=True, nbins=6)
    axes.spines[["top", "right"]].set_visible(False)
    if rows[-1].summed:
        axes.get_yticklabels()[-1].set_fontstyle("italic")


def _draw_months(axes: Any, bars: list[tuple[str, int, str]], translate: Translate) -> None:
    axes.set_title(translate(N_("Open measures by deadline")), fontsize=FONT_SIZE + 1, loc="left")
    if not any(count for _, count, _ in bars):
        _say_empty(axes, translate(N_("No open measures with a deadline")))
        return
    # The overdue bar stands apart: a gap after it leaves room for its longer label.
    positions = [-OVERDUE_GAP, *range(len(bars) - 1)]
    drawn = axes.bar(
        positions,
        [count for _, count, _ in bars],
        color=[colour for _, _, colour in bars],
        width=0.7,
    )
    labels = [label for label, _, _ in bars]
    axes.set_xticks(positions, labels, fontsize=FONT_SIZE - 2)
    axes.set_xlim(-OVERDUE_GAP - 1.1, len(bars) - 1.5)
    axes.bar_label(drawn, fontsize=BAR_LABEL_SIZE, padding=2)
    axes.set_ylim(0, max(count for _, count, _ in bars) * 1.18)
    axes.tick_params(axis="y", labelsize=FONT_SIZE - 2)
    axes.yaxis.get_major_locator().set_params(integer=True, nbins=5)
    axes.spines[["top", "right"]].set_visible(False)


def _say_empty(axes: Any, text: str) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, text, ha="center", va="center", fontsize=FONT_SIZE, color="#555555")


def _legend_patch(colour: str, label: str) -> Patch:
    return Patch(facecolor=colour, label=label)


def _label_segments(figure: Figure, axes: Any, rows: list[BodyRow]) -> None:
    """Counts on the segments wide enough to hold them (measured after layout)."""
    renderer = figure.canvas.get_renderer()
    for container in axes.containers:
        status = Status(container.get_label().removeprefix("_"))
        for bar in container:
            row = rows[round(bar.get_y() + bar.get_height() / 2)]
            value = row.counts[status]
            if value <= 0:
                continue
            x = bar.get_x() + bar.get_width() / 2
            y = bar.get_y() + bar.get_height() / 2
            text = axes.text(
                x,
                y,
                str(value),
                ha="center",
                va="center",
                fontsize=BAR_LABEL_SIZE,
                color=TEXT_COLOURS.get(status, "white"),
                in_layout=False,
            )
            text.set_gid("segment")
            box = bar.get_window_extent(renderer)
            label = text.get_window_extent(renderer)
            if label.width + 6 > box.width or label.height > box.height:
                text.remove()


def bench_chart(body_counts: Sequence[int] = (200, 2_000)) -> dict[str, float]:
    """Seconds to render the chart for plans with this many bodies (for bench/summary_bench.py)."""
    figures: dict[str, float] = {}
    for bodies in body_counts:
        chart = synthetic_chart(bodies)
        started = time.perf_counter()
        png = render_status_chart(chart, lambda text: text)
        figures[f"chart_{bodies}_bodies_s"] = round(time.perf_counter() - started, 3)
        figures[f"chart_{bodies}_bodies_png_bytes"] = len(png)
    return figures


def synthetic_chart(bodies: int, months: int = 14) -> StatusChart:
    """A plan with `bodies` bodies of varied counts and deadlines over `months` months."""
    rows = []
    for index in range(bodies):
        counts = {
            status: ((index + 1) * (position + 3)) % (7 + position)
            for position, status in enumerate(SHOWN)
        }
        name = f"Министерство развития территории номер {index + 1} Новосибирской области"
        rows.append(BodyStatusCounts(name, counts))
    deadlines = [
        MonthDeadlines(date(2027 + (month // 12), month % 12 + 1, 1), 5 + (month * 37) % 90)
        for month in range(months)
    ]
    return StatusChart("План мероприятий («дорожная карта»)", rows, deadlines, overdue_open=143)
