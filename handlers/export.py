"""/export [PLAN WORDS]: a coordinator gets the plan as a spreadsheet (.xlsx) to forward (a
head of a body, their body's measures of it).

One plan coordinated: the file comes at once; several: a button per plan (paged), or words of
the title after the command. The first word may name what to export (`ExportKind`): `/export
original` gives the plan's original Word or Excel file with the marks column on every measure
row, in Russian whatever the person's language (it is the region's own form).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.config import Settings
from bot.export import ExportablePlan, ExportKind, exportable_plans, plan_workbook
from bot.i18n import DEFAULT_LOCALE
from bot.measure_status import StatusDates
from bot.original_form import marked_original
from bot.presentation.text_limits import page_of, shorten
from handlers.replies import page_buttons, page_label, show

PAGE_SIZE = 10
TITLE_LENGTH = 60
CAPTION_TITLE_LENGTH = 300


class ExportAction(enum.StrEnum):
    PLAN = "plan"  # export this plan (value: the plan's id)
    PAGE = "page"  # another page of the plans (value: the page)


class ExportButton(CallbackData, prefix="ex"):
    action: ExportAction
    kind: ExportKind
    value: int


def parse_request(args: str | None) -> tuple[ExportKind, str]:
    """`/export [KIND] [PLAN WORDS]` → what to export and the words of the plan's title."""
    words = (args or "").split()
    if words and words[0].casefold() in {kind.value for kind in ExportKind}:
        return ExportKind(words[0].casefold()), " ".join(words[1:])
    return ExportKind.TABLE, " ".join(words)


@dataclass(frozen=True, slots=True)
class SentFile:
    file_name: str
    content: bytes
    caption: str


async def exported_file(
    kind: ExportKind,
    session: AsyncSession,
    roles: Roles,
    plan_id: int,
    settings: Settings,
    now: datetime,
) -> SentFile:
    """The file of this kind for the plan (access is checked by the domain function)."""
    dates = StatusDates.at(now, settings.default_timezone)
    if kind is ExportKind.ORIGINAL:
        i18n = get_i18n()
        marked = await marked_original(
            session,
            roles,
            plan_id,
            dates,
            settings.data_dir,
            translate=lambda message: i18n.gettext(message, locale=DEFAULT_LOCALE),
        )
        caption = _("The plan in its original form, with a mark on every measure.")
        return SentFile(marked.file_name, marked.content, caption)
    table = await plan_workbook(
        session, roles, plan_id, dates, gettext=_, default_timezone=settings.default_timezone
    )
    caption = _("The plan as a spreadsheet: {count} measures.").format(count=table.measures)
    return SentFile(table.file_name, table.content, caption)


async def send_export(
    bot: Bot,
    chat_id: int,
    kind: ExportKind,
    plan_id: int,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    await bot.send_chat_action(chat_id, "upload_document")
    sent = await exported_file(kind, session, roles, plan_id, settings, now)
    await bot.send_document(
        chat_id, BufferedInputFile(sent.content, sent.file_name), caption=sent.caption
    )


def choice_keyboard(
    plans: list[ExportablePlan], kind: ExportKind, page: int, paged: bool
) -> tuple[str, InlineKeyboardMarkup]:
    shown = page_of(plans, page, PAGE_SIZE)
    builder = InlineKeyboardBuilder()
    for plan in shown.items:
        builder.button(
            text=shorten(plan.title, TITLE_LENGTH),
            callback_data=ExportButton(action=ExportAction.PLAN, kind=kind, value=plan.plan_id),
        )
    paging = 0
    if paged:
        paging = page_buttons(
            builder,
            shown,
            lambda number: ExportButton(action=ExportAction.PAGE, kind=kind, value=number),
        )
    builder.adjust(*([1] * len(shown.items)), *([paging] if paging else []))
    text = _("Which plan to export?") + (page_label(shown) if paged else "")
    if not paged and shown.pages > 1:
        text += "\n" + _("More plans match: write more words of the title.")
    return text, builder.as_markup()


async def export_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    kind, words = parse_request(command.args)
    plans = await exportable_plans(session, roles, words)
    if not plans:
        text = _("No plan of yours matches «{words}».") if words else _("There are no plans yet.")
        await message.answer(text.format(words=escape(shorten(words, TITLE_LENGTH))))
        return
    if len(plans) == 1:
        plan_id = plans[0].plan_id
        await send_export(bot, message.chat.id, kind, plan_id, session, roles, settings, now)
        return
    text, markup = choice_keyboard(plans, kind, 0, paged=not words)
    await message.answer(text, reply_markup=markup)


async def export_pressed(
    query: CallbackQuery,
    callback_data: ExportButton,
    bot: Bot,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    # Answered first: a big plan takes seconds. The domain checks again that the person
    # coordinates the plan (the data is not trusted); a refusal then comes as a message.
    await query.answer(_("Preparing the file…"))
    kind, plan_id = callback_data.kind, callback_data.value
    await send_export(bot, query.from_user.id, kind, plan_id, session, roles, settings, now)


async def page_pressed(
    query: CallbackQuery, callback_data: ExportButton, session: AsyncSession, roles: Roles
) -> None:
    plans = await exportable_plans(session, roles)
    text, markup = choice_keyboard(plans, callback_data.kind, callback_data.value, paged=True)
    await query.answer()
    await show(query, text, markup)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(export_command, Command("export"))
    router.callback_query.register(
        export_pressed, ExportButton.filter(F.action == ExportAction.PLAN)
    )
    router.callback_query.register(page_pressed, ExportButton.filter(F.action == ExportAction.PAGE))
    return router
