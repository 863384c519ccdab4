"""What the report features share: the return-reason state other inputs cancel, the measure
card's report buttons, and a reply in the person's chat.

The features: report_draft (an official puts a report together and sends it), report_view
(reading one), report_documents (its files sent again), report_review (accept, return) and
review_list (/review). Their buttons' callback data live in bot.presentation.report_keyboards.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.presentation.report_keyboards import OpenReport, ReportStart
from bot.presentation.text_limits import shorten
from bot.refusals import Refusal, Refused
from bot.report_draft import reportable_measure_ids
from bot.review_list import measure_reports_waiting

TITLE_LENGTH = 200
BUTTON_LENGTH = 40


class ReviewInput(StatesGroup):
    return_reason = State()


async def reply_in_chat(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message:
    """A new message in the chat of the button (whose message may be too old to reach)."""
    assert query.bot is not None
    return await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def ask_in_chat(
    query: CallbackQuery,
    state: FSMContext,
    step: State,
    dialog: dict[str, Any],
    prompt: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    """A button starts a dialog: the press is answered, the dialog's step and what it holds
    (`dialog`, plain JSON) are kept, and its question comes as a new message."""
    await query.answer()
    await state.set_state(step)
    await state.set_data(dialog)
    return await reply_in_chat(query, prompt, markup)


@contextlib.asynccontextmanager
async def dialog_ends_on_refusal(
    state: FSMContext, *, ask_again: Collection[Refusal] = ()
) -> AsyncIterator[None]:
    """A refusal inside ends the dialog (its state is cleared) unless it is one of `ask_again`
    (the same question stands); the router-level error handler then answers it. Any other
    failure keeps the dialog, so the person can try again."""
    try:
        yield
    except Refused as refused:
        if refused.refusal not in ask_again:
            await end_dialog(state, refused)
        raise


async def end_dialog(state: FSMContext, refused: Refused) -> None:
    """End the dialog because of `refused`, which the caller raises next; the dialog stays
    ended although the refusal rolls the update back (bot/entry/middlewares.py)."""
    refused.ends_dialog = True
    await state.clear()


async def card_report_buttons(
    session: AsyncSession, roles: Roles, measure_id: int, plan_id: int
) -> list[tuple[str, CallbackData]]:
    """The measure card's report buttons: "Report" when the person may report on it now, and
    the reports waiting for review that they may open."""
    buttons: list[tuple[str, CallbackData]] = []
    if measure_id in await reportable_measure_ids(session, roles, [measure_id]):
        buttons.append((_("Report"), ReportStart(measure_id=measure_id)))
    for waiting in await measure_reports_waiting(session, roles, measure_id, plan_id):
        buttons.append(
            (
                _("Report under review: {body}").format(
                    body=shorten(waiting.organization_name, BUTTON_LENGTH)
                ),
                OpenReport(report_id=waiting.report_id),
            )
        )
    return buttons
