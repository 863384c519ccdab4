"""A status chart kept in a notification's payload (JSON) until it is drawn at send time.

Only the bars the chart draws are kept: the `MAX_BODIES` bodies with the most open parts, the
others summed into one "other bodies" bar, so a plan of 2,000 bodies stays a small payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.measure_status import Status
from bot.presentation.status_chart import (
    MAX_BODIES,
    SHOWN,
    BodyStatusCounts,
    MonthDeadlines,
    StatusChart,
    ranked_bodies,
)

__all__ = ["chart_from_json", "chart_to_json"]


def chart_to_json(chart: StatusChart) -> dict[str, Any]:
    """The chart as JSON, kept to the bars it draws (the bodies beyond them summed)."""
    ranked = ranked_bodies(chart.bodies)
    shown, rest = ranked[:MAX_BODIES], ranked[MAX_BODIES:]
    if len(rest) == 1 and not chart.summed_bodies:
        shown, rest = ranked, []  # drawn as a bar of its own (`chart_rows`)
    summed = {status: chart.summed.get(status, 0) for status in SHOWN}
    for body in rest:
        for status in SHOWN:
            summed[status] += body.counts.get(status, 0)
    return {
        "title": chart.plan_title,
        "bodies": [[body.name, _counts_json(body.counts)] for body in shown],
        "summed_bodies": chart.summed_bodies + len(rest),
        "summed": _counts_json(summed),
        "months": [[item.month.isoformat(), item.count] for item in chart.deadlines_by_month],
        "overdue": chart.overdue_open,
    }


def chart_from_json(data: Mapping[str, Any]) -> StatusChart:
    return StatusChart(
        plan_title=str(data.get("title") or ""),
        bodies=tuple(
            BodyStatusCounts(str(name), _counts_of_json(counts))
            for name, counts in data.get("bodies") or ()
        ),
        deadlines_by_month=tuple(
            MonthDeadlines(date.fromisoformat(month), int(count))
            for month, count in data.get("months") or ()
        ),
        overdue_open=int(data.get("overdue") or 0),
        summed_bodies=int(data.get("summed_bodies") or 0),
        summed=_counts_of_json(data.get("summed") or {}),
    )


def _counts_json(counts: Mapping[Status, int]) -> dict[str, int]:
    return {status.value: int(count) for status, count in counts.items() if count}


def _counts_of_json(data: Mapping[str, Any]) -> dict[Status, int]:
    return {Status(status): int(count) for status, count in data.items()}
