"""The file of links `bot/invitation_batch.py` made: an .xlsx with one row per body and role,
and, when asked, a PNG QR code per link (for print-outs and letters), zipped or in a folder.

No aiogram here: the caller passes `gettext` for the headers (the chat's language, or the
command line's `--lang`) and the time zone in which the dates are written.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

import segno
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.calendar import time_zone
from bot.export_workbook import cell_text
from bot.i18n import N_
from bot.invitation_batch import BodyLink
from bot.invitations import deep_link
from models.tables import Role

COLUMNS = (
    (N_("Body"), 60),
    (N_("Short name"), 18),
    (N_("Role"), 14),
    (N_("Link"), 60),
    (N_("Uses allowed"), 10),
    (N_("Valid until"), 12),
    (N_("QR code file"), 28),
)
ROLE_NAMES = {Role.OFFICIAL: N_("official"), Role.HEAD: N_("head")}
QR_SCALE = 8  # pixels per module: a link's code is about 330 px square, sharp in print
QR_BORDER = 4  # the quiet zone the standard asks for, in modules
UNSAFE_IN_FILE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def qr_file_name(link: BodyLink, number: int) -> str:
    """`001-official-Минтруд.png`: sorted as the rows are, readable, safe on every system."""
    name = UNSAFE_IN_FILE_NAME.sub("_", link.short_name or link.full_name).strip("_")[:40]
    return f"{number:03d}-{link.role.value}-{name or 'body'}.png"


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


def _keep_text(sheet: Worksheet, row: int) -> None:
    """Text stays text: openpyxl would make a formula of a name that starts with "="."""
    for cell in sheet[row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def links_workbook(
    links: Sequence[BodyLink],
    bot_username: str,
    *,
    title: str,
    timezone: str,
    gettext: Callable[[str], str],
    with_qr: bool = False,
) -> bytes:
    """One sheet, one row per body and role: names, role, link, uses, last day; the QR file's
    name when the codes are made too."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = gettext("Invitations")
    columns = COLUMNS if with_qr else COLUMNS[:-1]
    sheet.append([cell_text(title)])
    _keep_text(sheet, 1)
    sheet.cell(row=1, column=1).font = Font(bold=True)
    sheet.append([gettext(header) for header, _width in columns])
    for index in range(len(columns)):
        sheet.cell(row=2, column=index + 1).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index + 1)].width = columns[index][1]
    zone = time_zone(timezone)
    for number, link in enumerate(links, start=1):
        row: list[object] = [
            cell_text(link.full_name),
            cell_text(link.short_name or ""),
            gettext(ROLE_NAMES[link.role]),
            deep_link(bot_username, link.token),
            link.max_uses,
            _last_day(link.expires_at, zone),
        ]
        if with_qr:
            row.append(qr_file_name(link, number))
        sheet.append(row)
        _keep_text(sheet, number + 2)
        sheet.cell(row=number + 2, column=6).number_format = "DD.MM.YYYY"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _last_day(expires_at: datetime, zone: tzinfo) -> datetime:
    """The expiry as a local date and time without a zone (what a cell holds)."""
    return expires_at.astimezone(zone).replace(tzinfo=None)


def qr_codes(links: Sequence[BodyLink], bot_username: str) -> list[tuple[str, bytes]]:
    """(file name, PNG) per link, named as in the workbook's last column."""
    return [
        (qr_file_name(link, number), qr_png(deep_link(bot_username, link.token)))
        for number, link in enumerate(links, start=1)
    ]


def qr_zip(links: Sequence[BodyLink], bot_username: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, png in qr_codes(links, bot_username):
            archive.writestr(name, png)
    return buffer.getvalue()
