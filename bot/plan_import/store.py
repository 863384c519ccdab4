"""Writing an understood plan to the database, and re-importing a changed version of it.

A plan is recognised by its title; its sections are rebuilt from each version of the document.
Its measures are matched by number (`measure_store.py`), their executors by body
(`assignment_store.py`), bodies found or created once (`body_directory.py`); what changed is
reported (`changes.py`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import record_change
from bot.change_announcements import announce_changes, changes_between, plan_measure_states
from bot.plan_import.body_directory import OrganizationDirectory, name_key
from bot.plan_import.changes import PlanChanges, PlanNotYours, StoreReport
from bot.plan_import.measure_store import store_measures
from bot.plan_import.model import ImportResult, ParsedPlan
from bot.plan_versions import add_version
from models.queries import live_plan
from models.tables import Measure, Membership, Plan, Role, Section, SectionKind, VersionKind

__all__ = [
    "PlanChanges",
    "PlanNotYours",
    "StoreReport",
    "make_importer_coordinator",
    "name_key",
    "plan_key",
    "store_import",
]


def plan_key(title: str) -> str:
    return name_key(title)


async def store_import(
    session: AsyncSession,
    result: ImportResult,
    *,
    actor_id: int | None,
    may_update_plan: Any = None,
    may_rename_bodies: bool = True,
    source_file_name: str | None = None,
    source_sha256: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> StoreReport:
    """Write every plan of `result`; the caller's transaction commits or rolls back all of it.

    `may_update_plan(plan_id) -> bool` guards re-imports (a coordinator updates only their
    own plans); new plans are always allowed, and the importing person coordinates them.
    `may_rename_bodies`: whether the file's names replace stored bodies' (an administrator's
    or the operator's import); otherwise the stored names stay and the report lists the others.
    """
    now = now or datetime.now(UTC)
    today = today or now.date()
    directory = OrganizationDirectory(session, may_rename=may_rename_bodies)
    await directory.load()
    reports = []
    for parsed in result.plans:
        plan, created = await _find_or_create_plan(session, parsed, actor_id)
        if not created and may_update_plan is not None and not may_update_plan(plan.id):
            raise PlanNotYours(plan.title)
        plan.source_file_name = source_file_name
        plan.source_sha256 = source_sha256
        changes = PlanChanges(plan_id=plan.id, title=plan.title, created=created)
        before = {} if created else await plan_measure_states(session, plan.id)
        section_ids = await _replace_sections(session, plan, parsed)
        version = await add_version(
            session,
            plan.id,
            kind=VersionKind.IMPORT,
            actor_id=actor_id,
            now=now,
            file_name=source_file_name,
        )
        await store_measures(
            session, plan, parsed, section_ids, directory, changes, actor_id, today, now, version.id
        )
        if created or changes.added or changes.changed or changes.removed or changes.restored:
            changes.version_id = version.id
        else:  # the same file again: no new version
            await session.delete(version)
            await session.flush()
        if not created:
            # The bodies concerned are told what this version changed, in one message each.
            await announce_changes(
                session,
                changes_between(before, await plan_measure_states(session, plan.id)),
                actor_id=actor_id,
                change_set=f"import:{plan.id}:{now.isoformat()}",
                now=now,
            )
        reports.append(changes)
    return StoreReport(
        plans=reports,
        organizations_created=directory.created,
        name_differences=list(directory.differences.values()),
    )


async def _find_or_create_plan(
    session: AsyncSession, parsed: ParsedPlan, actor_id: int | None
) -> tuple[Plan, bool]:
    key = plan_key(parsed.title)
    for plan in await session.scalars(select(Plan).where(live_plan())):
        if plan_key(plan.title) == key:
            return plan, False
    plan = Plan(title=parsed.title, created_by_id=actor_id)
    session.add(plan)
    await session.flush()
    await record_change(
        session, actor_id=actor_id, action="plan_imported", entity=plan, new=parsed.title
    )
    return plan, True


async def _replace_sections(
    session: AsyncSession, plan: Plan, parsed: ParsedPlan
) -> dict[str, int]:
    """Sections are the document's structure: rebuilt from each version of it."""
    await session.execute(
        Measure.__table__.update().where(Measure.plan_id == plan.id).values(section_id=None)
    )
    await session.execute(delete(Section).where(Section.plan_id == plan.id))
    ids: dict[str, int] = {}
    for position, parsed_section in enumerate(parsed.sections):
        section = Section(
            plan_id=plan.id,
            parent_id=ids.get(parsed_section.parent_key) if parsed_section.parent_key else None,
            kind=SectionKind(parsed_section.kind),
            number=parsed_section.number,
            title=parsed_section.title,
            year=parsed_section.year,
            position=position,
        )
        session.add(section)
        await session.flush()
        ids[parsed_section.key] = section.id
    return ids


async def make_importer_coordinator(
    session: AsyncSession, report: StoreReport, official_id: int
) -> None:
    """The person who imported a new plan coordinates it."""
    for plan in report.plans:
        if plan.created:
            session.add(
                Membership(
                    official_id=official_id,
                    role=Role.COORDINATOR,
                    plan_id=plan.plan_id,
                    granted_by_id=official_id,
                )
            )
    await session.flush()
