"""The requisites of the document that proves a measure, asked step by step in a report draft.

«Document requisites» on the draft asks for the kind of document (straight away when the
measure's result names one kind, from buttons otherwise), then for its number, date and link
as the kind needs (bot.evidence.REQUISITES), and — where the plan accepts requisites without a
file — its reference in the region's document system. Every step may be skipped; a typed value
is checked politely and asked again when wrong. The requisites live in the draft (FSM data,
JSON) until the report is sent.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Roles
from bot.clock import timezone_of, today_in
from bot.config import Settings
from bot.evidence import EvidenceKind, RequisiteField, Requisites, fields_to_ask, with_value
from bot.evidence_wording import kind_name
from bot.presentation.requisites_keyboards import RequisiteAction, RequisitesStep
from bot.report_draft import ReportDraft, report_target
from handlers.report_draft import DRAFT, ReportInput, open_draft, post_draft
from models.tables import Official

# FSM data while a requisite is asked: the field being asked.
ASKING = "requisite_field"


def _prompts() -> dict[RequisiteField, str]:
    return {
        RequisiteField.NUMBER: _(
            "Write the document's number (for a letter, its outgoing number), for example "
            "123. The number and date may go together: «No. 123 of 01.03.2025»."
        ),
        RequisiteField.DATE: _("Write the document's date, for example 31.12.2025."),
        RequisiteField.LINK: _(
            "Send the link to the document or the page where it is published (http:// or https://)."
        ),
        RequisiteField.REFERENCE: _(
            "Write the document's reference in the region's document system (for example, its "
            "registration number in the electronic document system)."
        ),
    }


def _step_keyboard(assignment_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Skip"),
        callback_data=RequisitesStep(action=RequisiteAction.SKIP, assignment_id=assignment_id),
    )
    builder.button(
        text=_("Back to the report"),
        callback_data=RequisitesStep(action=RequisiteAction.BACK, assignment_id=assignment_id),
    )
    builder.adjust(2)
    return builder.as_markup()


def _kinds_keyboard(draft: ReportDraft) -> InlineKeyboardMarkup:
    """The kinds the measure's result names first, then the others."""
    expected = list(draft.expected)
    kinds = expected + [kind for kind in EvidenceKind if kind not in expected]
    builder = InlineKeyboardBuilder()
    for kind in kinds:
        builder.button(
            text=kind_name(kind, _),
            callback_data=RequisitesStep(
                action=RequisiteAction.KIND, assignment_id=draft.assignment_id, kind=kind
            ),
        )
    builder.button(
        text=_("Back to the report"),
        callback_data=RequisitesStep(
            action=RequisiteAction.BACK, assignment_id=draft.assignment_id
        ),
    )
    builder.adjust(1)
    return builder.as_markup()


def _next_field(draft: ReportDraft, after: RequisiteField | None) -> RequisiteField | None:
    """The step after `after` (the first with `None`) whose value is not given yet."""
    assert draft.requisites is not None
    rules = fields_to_ask(draft.requisites.kind, reference=draft.without_file_allowed)
    fields = [rule.field for rule in rules]
    start = fields.index(after) + 1 if after in fields else 0
    for field in fields[start:]:
        if draft.requisites.value(field) is None:
            return field
    return None


async def _ask(
    bot: Bot, chat_id: int, state: FSMContext, draft: ReportDraft, after: RequisiteField | None
) -> None:
    """Ask the next requisite, or go back to the draft when none is left."""
    field = _next_field(draft, after)
    if field is None:
        await state.set_state(ReportInput.collecting)
        await post_draft(bot, chat_id, state, draft)
        return
    await state.set_state(ReportInput.requisite)
    await state.update_data({DRAFT: draft.as_dict(), ASKING: field.value})
    assert draft.requisites is not None
    text = f"<b>{escape(kind_name(draft.requisites.kind, _))}</b>\n{_prompts()[field]}"
    await bot.send_message(chat_id, text, reply_markup=_step_keyboard(draft.assignment_id))


async def _begin(
    bot: Bot, chat_id: int, state: FSMContext, draft: ReportDraft, kind: EvidenceKind
) -> None:
    # Picking a kind again starts its requisites afresh (to correct a step).
    draft.requisites = Requisites(kind=kind)
    await _ask(bot, chat_id, state, draft, None)


async def requisites_pressed(
    query: CallbackQuery,
    callback_data: RequisitesStep,
    state: FSMContext,
    session: AsyncSession,
    roles: Roles,
    bot: Bot,
) -> None:
    # The assignment must still be the person's to report on, whatever the button says.
    target = await report_target(session, roles, callback_data.assignment_id)
    draft = await open_draft(state, target.assignment_id)
    chat_id = query.from_user.id
    if draft is None:
        if callback_data.action not in {RequisiteAction.START, RequisiteAction.KIND}:
            await query.answer(_("This draft is no longer open."), show_alert=True)
            return
        # A draft closed meanwhile (or a button of an older one): open a fresh draft.
        draft = ReportDraft.for_target(target)
        await state.set_state(ReportInput.collecting)
        await state.set_data({DRAFT: draft.as_dict()})
    # The plan's setting as it is now: it decides whether the document system's reference is
    # asked.
    draft.without_file_allowed = target.requisites_without_file
    await query.answer()
    action = callback_data.action
    if action is RequisiteAction.START:
        expected = draft.expected
        if len(expected) == 1:
            await _begin(bot, chat_id, state, draft, expected[0])
        else:
            await bot.send_message(
                chat_id,
                _("Which document proves the measure?"),
                reply_markup=_kinds_keyboard(draft),
            )
    elif action is RequisiteAction.KIND and callback_data.kind is not None:
        await _begin(bot, chat_id, state, draft, callback_data.kind)
    elif action is RequisiteAction.SKIP and draft.requisites is not None:
        asking = (await state.get_data()).get(ASKING)
        await _ask(bot, chat_id, state, draft, RequisiteField(asking) if asking else None)
    else:
        await state.set_state(ReportInput.collecting)
        await post_draft(bot, chat_id, state, draft)


async def requisite_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    official: Official,
    settings: Settings,
    now: datetime,
    bot: Bot,
) -> None:
    draft = await open_draft(state)
    asking = (await state.get_data()).get(ASKING)
    if draft is None or draft.requisites is None or not asking:
        await state.set_state(ReportInput.collecting)
        return
    field = RequisiteField(asking)
    today = today_in(await timezone_of(session, official, settings.default_timezone), now)
    # A wrong value is refused politely; the same step stays open to write it again.
    draft.requisites = with_value(draft.requisites, field, message.text or "", today)
    await _ask(bot, message.chat.id, state, draft, field)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(
        requisite_typed, StateFilter(ReportInput.requisite), F.text & ~F.text.startswith("/")
    )
    router.callback_query.register(requisites_pressed, RequisitesStep.filter())
    return router
