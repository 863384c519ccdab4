"""The status chart a coordinator forwards: a readable PNG for any size of plan."""

from __future__ import annotations

import io
import itertools
import json
from datetime import date

import numpy as np
import pytest
from matplotlib.image import imread
from matplotlib.text import Text

from bot.entry.translations import create_i18n
from bot.measure_status import Status
from bot.presentation.chart_payload import chart_from_json, chart_to_json
from bot.presentation.status_chart import (
    COLOURS,
    MAX_BODIES,
    BodyStatusCounts,
    MonthDeadlines,
    StatusChart,
    bench_chart,
    build_status_figure,
    chart_caption,
    chart_rows,
    render_status_chart,
    status_chart_png,
    summary_chart,
    synthetic_chart,
)
from bot.summaries import BodyRow, DeadlinesByMonth, PlanSummary, StatusCounts


def russian(message: str) -> str:
    return create_i18n().gettext(message, locale="ru")


REAL_NAMES = (
    "Министерство цифрового развития и связи Новосибирской области",
    "Администрация г. Новосибирска (по согласованию)",
    "Минфин НСО",
    "Межведомственная рабочая группа по внедрению клиентоцентричности",
    "ОИО НСО",
)


def plan_with(bodies: int, months: int = 6) -> StatusChart:
    """A plan of `bodies` bodies, named as in the Novosibirsk roadmap (long and short)."""
    chart = synthetic_chart(bodies, months)
    named = [
        BodyStatusCounts(f"{REAL_NAMES[index % len(REAL_NAMES)]} {index}", body.counts)
        for index, body in enumerate(chart.bodies)
    ]
    return StatusChart(
        "Дорожная карта внедрения клиентоцентричности в Новосибирской области на 2025–2026 годы",
        named,
        chart.deadlines_by_month,
        chart.overdue_open,
    )


def opened(png: bytes) -> np.ndarray:
    assert png.startswith(b"\x89PNG")
    return imread(io.BytesIO(png), format="png")


def visible_texts(figure) -> list[Text]:
    texts = []
    for text in figure.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.figure is not None:
            texts.append(text)
    return texts


def overlapping(figure) -> list[tuple[str, str]]:
    renderer = figure.canvas.get_renderer()
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in visible_texts(figure)]
    clashes = []
    for (first, a), (second, b) in itertools.combinations(boxes, 2):
        # Texts closer than a few pixels read as one.
        gap = 3
        if a.x0 - gap < b.x1 and b.x0 - gap < a.x1 and a.y0 < b.y1 and b.y0 < a.y1:
            clashes.append((first, second))
    return clashes


@pytest.mark.parametrize("bodies", [0, 1, 20, 200])
def test_the_chart_renders_a_phone_sized_picture_for_any_number_of_bodies(bodies):
    image = opened(render_status_chart(plan_with(bodies), russian))
    height, width = image.shape[:2]
    assert width == 1080
    assert 600 <= height <= 2560  # Telegram keeps photos up to 2560 px on a side
    # Not blank: many distinct colours, the status colours among them.
    pixels = (image[:, :, :3] * 255).round().astype(int).reshape(-1, 3)
    colours = {tuple(pixel) for pixel in pixels[::7]}
    assert len(colours) > 20
    if bodies:
        overdue_red = tuple(int(COLOURS[Status.OVERDUE][i : i + 2], 16) for i in (1, 3, 5))
        assert overdue_red in colours


def test_no_deadlines_and_no_bodies_still_give_a_picture_that_says_so():
    figure = build_status_figure(StatusChart("Пустой план"), russian)
    texts = {text.get_text() for text in visible_texts(figure)}
    assert "Пока нет мероприятий с исполнителями" in texts
    assert "Нет открытых мероприятий со сроком" in texts
    assert opened(render_status_chart(StatusChart("Пустой план"), russian)).shape[1] == 1080


@pytest.mark.parametrize("bodies", [1, 20, 200])
@pytest.mark.parametrize("months", [1, 6, 15])
def test_no_text_overlaps_another(bodies, months):
    figure = build_status_figure(plan_with(bodies, months=months), russian)
    assert overlapping(figure) == []


def test_labels_are_russian_with_a_legend_of_every_status():
    figure = build_status_figure(plan_with(20), russian)
    texts = {text.get_text() for text in visible_texts(figure)}
    assert {"Статус по органам", "Открытые мероприятия по срокам", "Просрочено"} <= texts
    assert {"Выполнено", "На проверке", "Срок в ближайшие 7 дней", "Срок не установлен"} <= texts
    assert "Остальные органы (5)" in texts


def test_the_bodies_with_most_open_measures_are_shown_the_rest_summed():
    bodies = [
        BodyStatusCounts(f"Орган {index}", {Status.OVERDUE: index, Status.DONE: 50})
        for index in range(40)
    ]
    rows = chart_rows(bodies, russian)
    assert len(rows) == MAX_BODIES + 1
    assert [row.label for row in rows[:3]] == ["Орган 39", "Орган 38", "Орган 37"]
    assert rows[-1].label == "Остальные органы (25)"
    assert rows[-1].counts[Status.OVERDUE] == sum(range(25))
    assert rows[-1].counts[Status.DONE] == 50 * 25


def test_long_body_names_are_shortened_with_an_ellipsis():
    name = "Министерство цифрового развития и связи Новосибирской области (по согласованию)"
    rows = chart_rows([BodyStatusCounts(name, {Status.LATER: 3})], russian)
    first, second = rows[0].label.split("\n")
    assert first == "Министерство цифрового"
    assert second.endswith("…") and len(second) <= 26


def test_counts_are_written_on_the_bars_where_they_fit():
    chart = StatusChart(
        "План",
        [
            BodyStatusCounts("Минфин", {Status.OVERDUE: 300, Status.DONE: 1}),
            BodyStatusCounts("Минздрав", {Status.LATER: 200}),
        ],
        [MonthDeadlines(date(2026, 6, 1), 12)],
        overdue_open=40,
    )
    figure = build_status_figure(chart, russian)
    segment_labels = [t.get_text() for t in figure.findobj(Text) if t.get_gid() == "segment"]
    assert sorted(segment_labels) == ["200", "300"]  # the "1" does not fit its sliver


async def test_rendering_runs_in_a_worker_thread_and_gives_the_same_png():
    png = await status_chart_png(plan_with(3), russian)
    assert opened(png).shape[1] == 1080


def test_the_benchmark_reports_seconds_per_size():
    figures = bench_chart((5,))
    assert figures["chart_5_bodies_s"] > 0
    assert figures["chart_5_bodies_png_bytes"] > 10_000


def test_the_caption_fits_a_photo_and_escapes_the_title():
    caption = chart_caption(StatusChart("План <НСО> " + "очень длинный " * 100), russian)
    assert len(caption) <= 1024
    assert "&lt;НСО&gt;" in caption
    assert caption.endswith("статус по органам и открытые мероприятия по месяцам срока")


def test_a_chart_kept_in_a_notification_draws_the_same_bars_from_a_small_payload():
    chart = synthetic_chart(2_000)
    payload = chart_to_json(chart)
    assert len(json.dumps(payload, ensure_ascii=False)) < 10_000
    kept = chart_from_json(json.loads(json.dumps(payload)))
    assert chart_rows(kept.bodies, russian, kept.summed_bodies, kept.summed) == chart_rows(
        chart.bodies, russian
    )
    assert kept.deadlines_by_month == tuple(chart.deadlines_by_month)
    assert kept.overdue_open == chart.overdue_open
    # A plan of 16 bodies keeps its 16 bars, as the chart of /summary draws them.
    small = synthetic_chart(MAX_BODIES + 1)
    kept = chart_from_json(chart_to_json(small))
    assert chart_rows(kept.bodies, russian, kept.summed_bodies, kept.summed) == chart_rows(
        small.bodies, russian
    )


def test_the_chart_of_a_summary_has_a_bar_per_body_and_its_deadline_months():
    counts = StatusCounts({Status.OVERDUE: 2, Status.DONE: 1})
    summary = PlanSummary(
        plan_id=1,
        title="План",
        counts=counts,
        bodies=(BodyRow(7, "Минфин", counts, has_people=False),),
        sections=(),
    )
    deadlines = DeadlinesByMonth(overdue=2, months=((date(2026, 6, 1), 3),))
    chart = summary_chart(summary, deadlines)
    assert chart.plan_title == "План" and chart.overdue_open == 2
    assert chart.bodies == (BodyStatusCounts("Минфин", {Status.OVERDUE: 2, Status.DONE: 1}),)
    assert chart.deadlines_by_month == (MonthDeadlines(date(2026, 6, 1), 3),)
    assert render_status_chart(chart, russian).startswith(b"\x89PNG")
