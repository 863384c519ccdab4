"""/find: measures of the plans a coordinator coordinates, by number or by words of the title."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.body_names import fold
from bot.plan_import.model import normalise_number
from bot.refusals import Refusal, Refused
from bot.scope import coordinated_plan_ids
from models.queries import live_measure
from models.tables import Measure, Plan

NUMBER_QUERY = re.compile(r"№?\s*(\d{1,3}(?:\.\d{1,3}){0,7})\.?")


@dataclass(frozen=True, slots=True)
class FoundMeasure:
    measure_id: int
    plan_id: int
    plan_title: str
    number: str
    title: str
    deadline: date | None


def number_of_query(text: str) -> str | None:
    """The measure number a query asks for ("1.1", "1.1.", "№ 3.2"), as a number key."""
    match = NUMBER_QUERY.fullmatch(" ".join(text.split()))
    return normalise_number(match.group(1)) if match else None


async def find_measures(session: AsyncSession, roles: Roles, text: str) -> list[FoundMeasure]:
    """Measures (not removed) of the plans the person coordinates: by number first, then by
    every word of the title. Refused to anyone who coordinates nothing."""
    if not roles.is_coordinator:
        raise Refused(Refusal.NOT_AVAILABLE)
    plan_ids = await coordinated_plan_ids(session, roles)
    words = fold(text).split()
    if not words or not plan_ids:
        return []
    key = number_of_query(text)
    rows = await session.execute(
        select(
            Measure.id,
            Measure.plan_id,
            Plan.title.label("plan_title"),
            Measure.number,
            Measure.number_key,
            Measure.title,
            Measure.deadline,
        )
        .join(Plan, Plan.id == Measure.plan_id)
        .where(Measure.plan_id.in_(plan_ids), live_measure())
        .order_by(Measure.plan_id, Measure.sort_key, Measure.id)
    )
    by_number, by_title = [], []
    for row in rows:
        found = FoundMeasure(
            row.id, row.plan_id, row.plan_title, row.number, row.title, row.deadline
        )
        # A number the plan repeats is stored as "1.5#2": it is still "1.5".
        if key is not None and row.number_key.split("#")[0] == key:
            by_number.append(found)
        elif all(word in fold(row.title) for word in words):
            by_title.append(found)
    return by_number + by_title
