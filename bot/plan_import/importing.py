"""Use cases of importing: the preview a coordinator confirms, and storing with rights checked."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles, can_change_directory
from bot.plan_import.model import ImportResult
from bot.plan_import.store import StoreReport, make_importer_coordinator, store_import
from bot.plan_sources import keep_original, latest_source
from models.tables import PlanVersion


async def link_sources(session: AsyncSession, report: StoreReport) -> None:
    """Each version this import made names the file kept for it."""
    for plan in report.plans:
        if plan.version_id is not None:
            source = await latest_source(session, plan.plan_id)
            version = await session.get(PlanVersion, plan.version_id)
            if source is not None and version is not None:
                version.source_id = source.id


def can_import(roles: Roles) -> bool:
    """Coordinators and administrators load plans; officials never do."""
    return roles.is_coordinator


def can_rename_bodies(roles: Roles) -> bool:
    """The directory of bodies is shared by every plan: only an administrator's import renames
    a stored body; a coordinator's keeps the stored names."""
    return can_change_directory(roles)


@dataclass(frozen=True, slots=True)
class PlanPreview:
    title: str
    sections: int
    measures: int
    done: int
    without_deadline: int
    bodies: tuple[str, ...]
    deadlines_by_month: tuple[tuple[date, int], ...]  # first day of the month → measures due


@dataclass(frozen=True, slots=True)
class ImportPreview:
    plans: tuple[PlanPreview, ...]
    warnings: int
    bodies: tuple[str, ...] = field(default_factory=tuple)  # across all plans, first seen first


def summarise(result: ImportResult) -> ImportPreview:
    plans = []
    all_bodies: dict[str, None] = {}
    for plan in result.plans:
        bodies: dict[str, None] = {}
        months: Counter[date] = Counter()
        for measure in plan.measures:
            for executor in measure.executors:
                label = executor.short_name or executor.name
                bodies.setdefault(label)
                all_bodies.setdefault(label)
            if measure.deadline is not None and not measure.done:
                months[measure.deadline.replace(day=1)] += 1
        plans.append(
            PlanPreview(
                title=plan.title,
                sections=len(plan.sections),
                measures=len(plan.measures),
                done=sum(1 for m in plan.measures if m.done),
                without_deadline=sum(1 for m in plan.measures if m.deadline is None),
                bodies=tuple(bodies),
                deadlines_by_month=tuple(sorted(months.items())),
            )
        )
    return ImportPreview(
        plans=tuple(plans), warnings=len(result.warnings), bodies=tuple(all_bodies)
    )


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def import_for(
    session: AsyncSession,
    result: ImportResult,
    *,
    importer_id: int | None,
    roles: Roles | None,
    file_name: str | None,
    content: bytes,
    today: date | None = None,
    now: datetime | None = None,
    data_dir: Path | None = None,
) -> StoreReport:
    """Store the plans for a person (None: the operator's command line, which may do all).

    A coordinator re-imports only plans they coordinate and coordinates the plans they add;
    stored bodies keep their names unless an administrator imports (`can_rename_bodies`).
    Raises `store.PlanNotYours` (and so writes nothing, the caller rolling back) otherwise.
    With `data_dir`, the file itself is kept as the plans' next version (`bot.plan_sources`).
    """
    now = now or datetime.now(UTC)
    sha256 = file_digest(content)
    report = await store_import(
        session,
        result,
        actor_id=importer_id,
        may_update_plan=None if roles is None else roles.coordinates_plan,
        may_rename_bodies=roles is None or can_rename_bodies(roles),
        source_file_name=file_name,
        source_sha256=sha256,
        today=today,
        now=now,
    )
    if data_dir is not None:
        await keep_original(
            session,
            [plan.plan_id for plan in report.plans],
            data_dir=data_dir,
            content=content,
            sha256=sha256,
            file_name=file_name,
            source_format=result.source_format,
            importer_id=importer_id,
            now=now,
        )
        await link_sources(session, report)
    if importer_id is not None and roles is not None and not roles.is_admin:
        await make_importer_coordinator(session, report, importer_id)
    return report
