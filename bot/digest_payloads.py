"""The payload of a weekly digest notification (kind `bot.notification_kinds.WEEKLY_DIGEST`):
per plan its summary, its chart's data and what changed, as the scan stored it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.measure_status import Status
from bot.payload_fields import optional_date, optional_int, optional_moment, text
from bot.status_counts import StatusCounts
from bot.summaries import BodyRow

__all__ = ["DigestItem", "DigestList", "PlanDigest", "WeeklyDigestNotice"]


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One measure named in a digest's list of changes (or a body, with no measure id)."""

    measure_id: int | None
    number: str
    title: str
    deadline: date | None
    body: str
    count: int = 0  # for a body: its open measures

    def to_json(self) -> dict[str, Any]:
        return {
            "measure_id": self.measure_id,
            "number": self.number,
            "title": self.title,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "body": self.body,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestItem:
        return cls(
            measure_id=optional_int(data, "measure_id"),
            number=text(data, "number"),
            title=text(data, "title"),
            deadline=optional_date(data, "deadline"),
            body=text(data, "body"),
            count=int(data.get("count") or 0),
        )


@dataclass(frozen=True, slots=True)
class DigestList:
    """How many, and the first few of them."""

    count: int = 0
    items: tuple[DigestItem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "items": [item.to_json() for item in self.items]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> DigestList:
        data = data or {}
        return cls(
            count=int(data.get("count") or 0),
            items=tuple(DigestItem.from_json(item) for item in data.get("items") or ()),
        )


def _body_json(row: BodyRow) -> dict[str, Any]:
    return {
        "id": row.organization_id,
        "name": row.name,
        "counts": {status.value: count for status, count in row.counts.by_status.items()},
        "review_past_deadline": row.counts.review_past_deadline,
        "has_people": row.has_people,
        "registered": row.registered,
        "full_name": row.full_name,
    }


def _body_of_json(data: Mapping[str, Any]) -> BodyRow:
    return BodyRow(
        organization_id=int(data.get("id") or 0),
        name=text(data, "name"),
        counts=StatusCounts(
            {Status(k): int(v) for k, v in (data.get("counts") or {}).items()},
            int(data.get("review_past_deadline") or 0),
        ),
        has_people=bool(data.get("has_people", True)),
        registered=int(data.get("registered") or 0),
        full_name=text(data, "full_name"),
    )


@dataclass(frozen=True, slots=True)
class PlanDigest:
    """One plan in a weekly digest: its summary as `bot.summaries.plan_summary` counts it
    (measures by `bot.measure_status.Status` value, the worst bodies of `body_count`, the
    chart's data as `bot.presentation.chart_payload` keeps it), and what changed since the
    last digest."""

    plan_id: int
    title: str
    counts: dict[str, int]
    review_past_deadline: int  # of the measures under review, how many are past the deadline
    newly_overdue: DigestList
    accepted: DigestList
    returned: DigestList
    unregistered: DigestList  # bodies with open measures and nobody registered
    bodies: tuple[BodyRow, ...] = ()  # the worst bodies of the summary, most overdue first
    body_count: int = 0  # bodies in the summary
    chart: Mapping[str, Any] | None = None

    @property
    def status_counts(self) -> StatusCounts:
        return StatusCounts(
            {Status(status): count for status, count in self.counts.items()},
            self.review_past_deadline,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "title": self.title,
            "counts": dict(self.counts),
            "review_past_deadline": self.review_past_deadline,
            "newly_overdue": self.newly_overdue.to_json(),
            "accepted": self.accepted.to_json(),
            "returned": self.returned.to_json(),
            "unregistered": self.unregistered.to_json(),
            "bodies": [_body_json(row) for row in self.bodies],
            "body_count": self.body_count,
            "chart": dict(self.chart) if self.chart is not None else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanDigest:
        return cls(
            plan_id=int(data["plan_id"]),
            title=text(data, "title"),
            counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
            review_past_deadline=int(data.get("review_past_deadline") or 0),
            newly_overdue=DigestList.from_json(data.get("newly_overdue")),
            accepted=DigestList.from_json(data.get("accepted")),
            returned=DigestList.from_json(data.get("returned")),
            unregistered=DigestList.from_json(data.get("unregistered")),
            bodies=tuple(_body_of_json(row) for row in data.get("bodies") or ()),
            body_count=int(data.get("body_count") or 0),
            chart=data.get("chart") or None,
        )


@dataclass(frozen=True, slots=True)
class WeeklyDigestNotice:
    """Kind WEEKLY_DIGEST: one coordinator's weekly digest (or one part of it, when their
    plans need several messages): the period it covers and each plan."""

    plan_ids: tuple[int, ...]
    period_start: datetime | None  # the last digest (None: the first one, a week back)
    period_end: datetime
    timezone: str  # the recipient's, in which the period is told
    plans: tuple[PlanDigest, ...]
    part: int = 1
    parts: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_ids": list(self.plan_ids),
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat(),
            "timezone": self.timezone,
            "plans": [plan.to_json() for plan in self.plans],
            "part": self.part,
            "parts": self.parts,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WeeklyDigestNotice:
        return cls(
            plan_ids=tuple(int(plan_id) for plan_id in data.get("plan_ids") or ()),
            period_start=optional_moment(data, "period_start"),
            period_end=datetime.fromisoformat(data["period_end"]),
            timezone=str(data.get("timezone") or "UTC"),
            plans=tuple(PlanDigest.from_json(plan) for plan in data.get("plans") or ()),
            part=int(data.get("part") or 1),
            parts=int(data.get("parts") or 1),
        )
