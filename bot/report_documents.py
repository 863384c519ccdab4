"""A report's documents sent again to whoever may see the report, and a record of it.

Every time a person asks for a report's documents, each document sent is recorded: a
`document_sent` audit event says who (the actor) was sent which document (the entity).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.audit import change_event
from bot.report_review import ReportView, load_report
from models.tables import Document


async def documents_to_send(
    session: AsyncSession, roles: Roles, person_id: int, report_id: int
) -> ReportView:
    """The report with its documents for a person who may see it (refused as `load_report`
    refuses); each document is recorded as sent to them."""
    view = await load_report(session, roles, report_id)
    ids = [document.document_id for document in view.documents]
    if ids:
        documents = await session.scalars(select(Document).where(Document.id.in_(ids)))
        session.add_all(
            [
                change_event(
                    actor_id=person_id,
                    action="document_sent",
                    entity=document,
                    new=document.file_name or document.kind,
                )
                for document in documents
            ]
        )
    return view
