"""The directory written back as a workbook in the form it is imported from (`listing`)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.body_names import by_name
from bot.directory.listing import COLUMN_TITLES, GROUP_SEPARATOR, KIND_TITLES, N_, Column, Translate
from bot.timezones import city_of
from models.tables import BodyGroup, BodyGroupMember, BodyKind, Organization

COLUMN_WIDTHS = {Column.FULL_NAME: 60, Column.SHORT_NAME: 20, Column.GROUPS: 30, Column.HEAD: 30}


async def directory_workbook(session: AsyncSession, translate: Translate) -> bytes:
    """Every body of the directory, one row each, by full name."""
    bodies = by_name(await session.scalars(select(Organization).where(Organization.in_directory)))
    names = {body.id: body.full_name for body in bodies}
    groups: dict[int, list[str]] = {}
    for organization_id, group_name in await session.execute(
        select(BodyGroupMember.organization_id, BodyGroup.name)
        .join(BodyGroup, BodyGroup.id == BodyGroupMember.group_id)
        .order_by(BodyGroup.name)
    ):
        groups.setdefault(organization_id, []).append(group_name)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = translate(N_("Bodies"))[:31]
    sheet.append([translate(title) for title in COLUMN_TITLES.values()])
    for index, column in enumerate(COLUMN_TITLES, 1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(column, 16)
    for body in bodies:
        zone = body.timezone
        city = city_of(zone) if zone else None
        sheet.append(
            [
                body.full_name,
                body.short_name or "",
                translate(KIND_TITLES[body.kind or BodyKind.OTHER]),
                f"{GROUP_SEPARATOR} ".join(groups.get(body.id, [])),
                translate(city) if city else (zone or ""),
                names.get(body.parent_id, "") if body.parent_id else "",
                body.head_name or "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
