"""/summary, /overdue, /upcoming, /org, /section: where a plan stands and the lists behind every
number (bot/summaries.py, bot/summary_lists.py; text and buttons in
bot/presentation/summary_view.py)."""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.config import Settings
from bot.measure_status import StatusDates
from bot.presentation.callbacks import MeasureList, SummaryPage, View
from bot.presentation.status_chart import chart_caption, status_chart_png, summary_chart
from bot.presentation.summary_view import (
    LIST_PAGE,
    body_summary_keyboard,
    list_keyboard,
    plan_choice_keyboard,
    plan_summary_keyboard,
    render_body_summary,
    render_list,
    render_plan_summary,
)
from bot.presentation.text_limits import BUTTON_TEXT_LIMIT, page_cut, shorten
from bot.summaries import (
    BodySummary,
    Choice,
    PlanSummary,
    body_summary,
    deadlines_by_month,
    plan_summary,
    summary_for,
)
from bot.summary_lists import Listed, find_bodies, find_sections, measure_list, upcoming_days
from handlers.replies import answer, show

Rendered = tuple[str, InlineKeyboardMarkup | None]


def status_dates(settings: Settings, now: datetime) -> StatusDates:
    return StatusDates.at(now, settings.default_timezone)


def render(
    found: PlanSummary | BodySummary | Choice, page: int = 0, sections: bool = False, plan: int = 0
) -> Rendered:
    if isinstance(found, PlanSummary):
        return (
            render_plan_summary(found, page, _, _, sections),
            plan_summary_keyboard(found, page, _, sections),
        )
    if isinstance(found, BodySummary):
        return render_body_summary(found, page, _, _), body_summary_keyboard(found, page, _, plan)
    if not found.options:
        return _("There are no plans yet."), None
    if found.of_bodies:
        return _choices(
            _("Which body?"),
            [(name, SummaryPage(view=View.BODY, body=body_id)) for body_id, name in found.options],
        )
    return _("Which plan?"), plan_choice_keyboard(found.options)


CHOICES = 30  # buttons a "which one?" question offers; more matches ask for more words


def _choices(question: str, options: list[tuple[str, SummaryPage]]) -> Rendered:
    """A question with a button per option; past CHOICES options, the first ones and a request
    to narrow the search (the words typed cannot travel in a button to page through them)."""
    if len(options) > CHOICES:
        question += "\n" + _("{count} match: write more of the name to narrow them.").format(
            count=len(options)
        )
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=shorten(text, BUTTON_TEXT_LIMIT), callback_data=data.pack())]
            for text, data in options[:CHOICES]
        ]
    )
    return question, markup


async def send_summary(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    dates = status_dates(settings, now)
    found = await summary_for(session, roles, dates, command.args or "")
    if isinstance(found, PlanSummary):
        await send_chart(message, session, roles, found, dates)
    await answer(message, *render(found))


async def send_chart(
    message: Message, session: AsyncSession, roles: Roles, summary: PlanSummary, dates: StatusDates
) -> None:
    """The plan's chart (status by body, open measures by deadline month) as a photo, before
    the summary's text (a caption could not hold the text: 1,024 characters)."""
    deadlines = await deadlines_by_month(session, roles, summary.plan_id, dates)
    chart = summary_chart(summary, deadlines)
    picture = BufferedInputFile(await status_chart_png(chart, _), filename="summary.png")
    await message.answer_photo(picture, caption=chart_caption(chart, _))


async def show_summary_page(
    query: CallbackQuery,
    callback_data: SummaryPage,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    dates = status_dates(settings, now)
    if callback_data.view is View.BODY:
        found: PlanSummary | BodySummary = await body_summary(
            session, roles, callback_data.body, dates
        )
    else:
        section = callback_data.section if callback_data.view is View.SECTION else None
        found = await plan_summary(session, roles, callback_data.plan, dates, section)
    await query.answer()
    await show(
        query, *render(found, callback_data.page, callback_data.sections, callback_data.plan)
    )


async def show_list(
    query: CallbackQuery,
    callback_data: MeasureList,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    text, markup = await _list(callback_data, session, roles, settings, now)
    await query.answer()
    await show(query, text, markup)


async def _list(
    shown: MeasureList, session: AsyncSession, roles: Roles, settings: Settings, now: datetime
) -> Rendered:
    dates = status_dates(settings, now)
    filters = shown.filters()
    listing = await measure_list(session, roles, filters, dates, page=shown.page, size=LIST_PAGE)
    page = page_cut(listing.items, listing.page, listing.total, LIST_PAGE)
    return (
        render_list(listing, page, shown.listed, shown.days, _, _),
        list_keyboard(page, shown.model_copy(update={"page": page.page}), _),
    )


async def send_overdue(
    message: Message, session: AsyncSession, roles: Roles, settings: Settings, now: datetime
) -> None:
    shown = MeasureList(listed=Listed.OVERDUE)
    await answer(message, *await _list(shown, session, roles, settings, now))


async def send_upcoming(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    shown = MeasureList(listed=Listed.UPCOMING, days=upcoming_days(command.args))
    await answer(message, *await _list(shown, session, roles, settings, now))


async def send_body(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    bodies = await find_bodies(session, roles, command.args or "")
    if len(bodies) == 1:
        found = await body_summary(session, roles, bodies[0][0], status_dates(settings, now))
        await answer(message, *render(found))
    elif not bodies:
        await message.answer(_("No body matches. Send /org and a part of its name."))
    else:
        options = [(name, SummaryPage(view=View.BODY, body=body_id)) for body_id, name in bodies]
        await answer(message, *_choices(_("Which body?"), options))


async def send_section(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    roles: Roles,
    settings: Settings,
    now: datetime,
) -> None:
    sections = await find_sections(session, roles, command.args or "")
    if not sections:
        await message.answer(_("No section has this number. Send /section and its number."))
        return
    if not roles.is_coordinator:
        shown = MeasureList(listed=Listed.ALL, section=sections[0].section_id)
        await answer(message, *await _list(shown, session, roles, settings, now))
        return
    options = [
        (
            f"{section.number} {section.title}",
            SummaryPage(view=View.SECTION, plan=section.plan_id, section=section.section_id),
        )
        for section in sections
    ]
    if len(options) > 1:
        await answer(message, *_choices(_("Which section?"), options))
        return
    found = await plan_summary(
        session, roles, sections[0].plan_id, status_dates(settings, now), sections[0].section_id
    )
    await answer(message, *render(found))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(send_summary, Command("summary"))
    router.message.register(send_overdue, Command("overdue"))
    router.message.register(send_upcoming, Command("upcoming"))
    router.message.register(send_body, Command("org"))
    router.message.register(send_section, Command("section"))
    router.callback_query.register(show_summary_page, SummaryPage.filter())
    router.callback_query.register(show_list, MeasureList.filter())
    return router
