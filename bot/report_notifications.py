"""What reports tell people through the outbox (rendered by scheduler.report_messages).

"report_submitted" goes to each reviewer of a new report; "report_reviewed" to its author once
it is accepted or returned. Both are written in the transaction that changes the report, so
they go out with it or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.notification_kinds import (
    REPORT_REVIEWED,
    REPORT_SUBMITTED,
    ReportReviewedNotice,
    ReportSubmittedNotice,
)
from models.queries import Recipient, administrators, enqueue_notification, plan_reviewers
from models.tables import Official

if TYPE_CHECKING:
    from bot.evidence import Requisites
    from bot.report_draft import ReportTarget
    from bot.report_review import ReportView

# Outbox kinds (defined with their payloads in bot.notification_kinds).
REPORT_SUBMITTED_KIND = REPORT_SUBMITTED
REPORT_REVIEWED_KIND = REPORT_REVIEWED


async def reviewers_of(
    session: AsyncSession, plan_id: int, author_id: int, admin_telegram_ids: frozenset[int]
) -> list[Recipient]:
    """Who reviews a report on the plan: its coordinators (the administrators, for a plan with
    none), never the report's author."""
    reviewers = [
        reviewer
        for reviewer in (await plan_reviewers(session, {plan_id}, admin_telegram_ids)).get(
            plan_id, []
        )
        if reviewer.official_id != author_id
    ]
    if not reviewers:
        # The author is the plan's only coordinator: someone else must review.
        reviewers = [
            admin
            for admin in await administrators(session, admin_telegram_ids)
            if admin.official_id != author_id
        ]
    return reviewers


async def tell_reviewers(
    session: AsyncSession,
    reviewers: list[Recipient],
    *,
    report_id: int,
    target: ReportTarget,
    author: Official | None,
    comment: str | None,
    documents: int,
    now: datetime,
    requisites: Requisites | None = None,
) -> int:
    """Queue "a report for review" for each reviewer; how many were queued."""
    payload = ReportSubmittedNotice(
        report_id=report_id,
        measure_id=target.measure_id,
        number=target.number,
        title=target.title,
        plan=target.plan_title,
        body=target.organization_name,
        person=author.display_name if author is not None else "",
        comment=comment or "",
        documents=documents,
        deadline=target.deadline,
        requisites=requisites.as_dict() if requisites else None,
    ).to_json()
    told = 0
    for reviewer in reviewers:
        told += await enqueue_notification(
            session,
            recipient=reviewer,
            kind=REPORT_SUBMITTED_KIND,
            dedup_key=f"{REPORT_SUBMITTED_KIND}:{report_id}:{reviewer.official_id}",
            payload=payload,
            now=now,
        )
    return told


async def tell_author(
    session: AsyncSession,
    view: ReportView,
    *,
    reviewer_id: int,
    accepted: bool,
    reason: str | None,
    measure_done: bool,
    now: datetime,
) -> bool:
    """Queue "your report is accepted / returned" for its author, if they can still be told."""
    author = await session.get(Official, view.author_id)
    if author is None or not author.is_active or author.blocked_bot_at is not None:
        return False
    reviewer = await session.get(Official, reviewer_id)
    return await enqueue_notification(
        session,
        recipient=Recipient(author.id, author.telegram_id, author.timezone),
        kind=REPORT_REVIEWED_KIND,
        dedup_key=f"{REPORT_REVIEWED_KIND}:{view.report_id}",
        payload=ReportReviewedNotice(
            report_id=view.report_id,
            measure_id=view.measure_id,
            number=view.number,
            title=view.title,
            body=view.organization_name,
            accepted=accepted,
            reason=reason or "",
            reviewer=reviewer.display_name if reviewer is not None else "",
            measure_done=measure_done,
        ).to_json(),
        now=now,
    )
