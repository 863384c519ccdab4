"""The directory of bodies in the chat: `/orgs import` then the list (.xlsx or .csv), previewed
with Save / Cancel; `/orgs export`; `/orgs unmatched` (bodies only plans named, matched to a
directory body or added to it); a body's names, kind and groups edited from its card."""

from __future__ import annotations

import asyncio
import enum
import hashlib
import io
import secrets
from datetime import datetime, timedelta
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot import successors
from bot.access import Roles, can_change_directory, require_coordinator
from bot.clock import person_today
from bot.config import Settings
from bot.directory import editing
from bot.directory.changes import plan_changes, require_administrator, save_changes
from bot.directory.listing import (
    KIND_TITLES,
    DirectoryFileError,
    Listing,
    Vocabulary,
    read_listing,
)
from bot.directory.workbook import directory_workbook
from bot.plan_import import messages
from bot.plan_import.model import ImportFailure
from bot.presentation.deadline_wording import format_day
from bot.presentation.directory_changes import changes_text
from bot.presentation.text_limits import page_of, shorten
from handlers.confirmations import markup_of
from handlers.plan_import import too_large_text
from handlers.replies import confirm_keyboard, page_buttons, page_label, show
from models.conversations import (
    StoredImport,
    drop_pending_import,
    forget_imports_before,
    keep_pending_import,
    pending_import,
)
from models.tables import BodyKind, Official

PENDING_LIFETIME = timedelta(hours=1)
TOKEN_PREFIX = "dir"
PAGE = 10
NAME_LENGTH = 120
BUTTON_LENGTH = 40


class DirectoryFile(StatesGroup):
    file = State()


class DirectoryInput(StatesGroup):
    match_name = State()
    edit_text = State()


class DirectoryAction(enum.StrEnum):
    SAVE = "save"
    CANCEL = "cancel"


class DirectoryDecision(CallbackData, prefix="dird"):
    action: DirectoryAction
    token: str


class UnmatchedPage(CallbackData, prefix="dup"):
    page: int


class UnmatchedAction(enum.StrEnum):
    OPEN = "open"
    ADD = "add"
    MATCH = "match"


class UnmatchedBody(CallbackData, prefix="dub"):
    action: UnmatchedAction
    organization_id: int


class MatchTo(CallbackData, prefix="dmt"):
    organization_id: int
    target_id: int


class EditField(enum.StrEnum):
    MENU = "menu"
    FULL_NAME = "full_name"
    SHORT_NAME = "short_name"
    KIND = "kind"
    GROUPS = "groups"
    SUCCESSOR = "successor"


class EditBody(CallbackData, prefix="deb"):
    organization_id: int
    field: EditField


class PickKind(CallbackData, prefix="dek"):
    organization_id: int
    kind: BodyKind


def vocabulary(i18n: I18n) -> Vocabulary:
    return Vocabulary(
        [
            lambda message, locale=locale: i18n.gettext(message, locale=locale)
            for locale in i18n.available_locales
        ]
    )


def _translate(message: str) -> str:
    return _(message)


def directory_hint(roles: Roles) -> str:
    """What /orgs adds about the directory: its commands, as far as the person may use them."""
    if can_change_directory(roles):
        return _(
            "Directory: /orgs import — load the list of bodies, /orgs export — download it, "
            "/orgs unmatched — bodies named in plans but not in the directory."
        )
    return _("Directory: /orgs export — download the list of bodies.")


# --- Import and export --------------------------------------------------------------------------


async def ask_for_directory(message: Message, roles: Roles, state: FSMContext) -> None:
    require_administrator(roles)
    await state.set_state(DirectoryFile.file)
    await message.answer(
        _(
            "Send the list of bodies as an Excel (.xlsx) or CSV file. Its first row names the "
            "columns: «Full name», «Short name», «Kind», «Groups» (separated by «;»), «Time zone», "
            "«Parent body», «Head». I will show what changes before saving anything; /cancel "
            "to stop."
        )
    )


async def _read(content: bytes, file_name: str | None, i18n: I18n) -> Listing | str:
    """The listing, or why it cannot be read."""
    try:
        return await asyncio.to_thread(read_listing, content, file_name, vocabulary(i18n))
    except ImportFailure as failure:
        return messages.render_failure(failure, _translate)
    except DirectoryFileError:
        return _(
            "No header row names the columns: the first row of the list must hold «Full name», "
            "«Short name», «Kind», «Groups», «Time zone», «Parent body», «Head»."
        )


async def receive_directory(
    message: Message,
    roles: Roles,
    state: FSMContext,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    i18n: I18n,
    now: datetime,
) -> None:
    require_administrator(roles)
    await state.clear()
    document = message.document
    assert document is not None and message.from_user is not None
    too_large = too_large_text(document.file_size, settings)
    if too_large is not None:
        await message.answer(too_large)
        return
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    content = buffer.getvalue()
    listing = await _read(content, document.file_name, i18n)
    if isinstance(listing, str):
        await message.answer(escape(listing))
        return
    changes = await plan_changes(session, listing)
    text = changes_text(changes, _translate)
    if not changes.anything:
        await message.answer(text + "\n\n" + _("Nothing to save: the directory is up to date."))
        return
    token = f"{TOKEN_PREFIX}{secrets.token_hex(8)}"
    await forget_imports_before(session, now - PENDING_LIFETIME)
    await keep_pending_import(
        session,
        StoredImport(
            token,
            message.from_user.id,
            document.file_name,
            hashlib.sha256(content).hexdigest(),
            content,
            now,
        ),
    )
    markup = confirm_keyboard(
        _("Save the directory"),
        DirectoryDecision(action=DirectoryAction.SAVE, token=token),
        DirectoryDecision(action=DirectoryAction.CANCEL, token=token),
    )
    await message.answer(text, reply_markup=markup)


async def decide(
    query: CallbackQuery,
    callback_data: DirectoryDecision,
    roles: Roles,
    official: Official,
    session: AsyncSession,
    i18n: I18n,
    now: datetime,
) -> None:
    require_administrator(roles)
    token = callback_data.token
    stored = None
    if token.startswith(TOKEN_PREFIX):
        stored = await pending_import(session, token, query.from_user.id, now - PENDING_LIFETIME)
    if stored is None or not await drop_pending_import(session, token):
        await query.answer(
            _("This preview has expired or is not yours. Send the file again."), show_alert=True
        )
        return
    await query.answer()
    if callback_data.action is DirectoryAction.CANCEL:
        await show(query, _("Cancelled: the directory is unchanged."), None)
        return
    listing = await _read(stored.content, stored.file_name, i18n)
    if isinstance(listing, str):  # it was read for the preview
        await show(query, escape(listing), None)
        return
    changes = await save_changes(session, listing, roles=roles, actor_id=official.id)
    await show(query, "✓ " + _("Saved.") + "\n\n" + changes_text(changes, _translate), None)


async def export_directory(message: Message, roles: Roles, session: AsyncSession) -> None:
    require_coordinator(roles)  # coordinators may view the directory
    content = await directory_workbook(session, _translate)
    await message.answer_document(
        BufferedInputFile(content, "directory.xlsx"), caption=_("The directory of bodies.")
    )


# --- Bodies only plans named ----------------------------------------------------------------------


async def unmatched_reply(
    session: AsyncSession, roles: Roles, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    bodies = await editing.unmatched_bodies(session, roles)
    if not bodies:
        return _("Every body the plans name is in the directory."), None
    shown = page_of(bodies, page, PAGE)
    lines = [
        _("<b>Bodies named in plans but not in the directory</b>: {count}.").format(
            count=len(bodies)
        )
        + page_label(shown),
        _("Open one to match it to a directory body or to add it to the directory."),
        "",
    ]
    builder = InlineKeyboardBuilder()
    for body in shown.items:
        lines.append("• " + escape(shorten(body.full_name, NAME_LENGTH)))
        builder.button(
            text=shorten(body.short_name or body.full_name, BUTTON_LENGTH),
            callback_data=UnmatchedBody(action=UnmatchedAction.OPEN, organization_id=body.id),
        )
    navigation = page_buttons(builder, shown, lambda number: UnmatchedPage(page=number))
    builder.adjust(*([1] * len(shown.items)), navigation or 1)
    return "\n".join(lines), markup_of(builder)


async def unmatched_command(message: Message, session: AsyncSession, roles: Roles) -> None:
    text, markup = await unmatched_reply(session, roles, 0)
    await message.answer(text, reply_markup=markup)


async def unmatched_page(
    query: CallbackQuery, callback_data: UnmatchedPage, session: AsyncSession, roles: Roles
) -> None:
    text, markup = await unmatched_reply(session, roles, callback_data.page)
    await query.answer()
    await show(query, text, markup)


async def unmatched_body(
    query: CallbackQuery,
    callback_data: UnmatchedBody,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    state: FSMContext,
) -> None:
    organization_id = callback_data.organization_id
    if callback_data.action is UnmatchedAction.ADD:
        body = await editing.add_to_directory(
            session, roles, actor_id=official.id, organization_id=organization_id
        )
        await query.answer()
        await show(
            query,
            _("✓ «{body}» is added to the directory.").format(body=escape(body.full_name)),
            None,
        )
        return
    body, _candidates = await editing.directory_candidates(session, roles, organization_id, "")
    await query.answer()
    if callback_data.action is UnmatchedAction.MATCH:
        await state.set_state(DirectoryInput.match_name)
        await state.update_data(organization_id=organization_id)
        await show(
            query,
            _("Type a few words of the directory body's name for «{body}».").format(
                body=escape(shorten(body.full_name, NAME_LENGTH))
            ),
            None,
        )
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("Match to a directory body"),
        callback_data=UnmatchedBody(action=UnmatchedAction.MATCH, organization_id=body.id),
    )
    builder.button(
        text=_("Add to the directory"),
        callback_data=UnmatchedBody(action=UnmatchedAction.ADD, organization_id=body.id),
    )
    builder.adjust(1)
    await show(
        query,
        _("<b>{body}</b>\nNamed in plans, not in the directory.").format(
            body=escape(shorten(body.full_name, NAME_LENGTH))
        ),
        builder.as_markup(),
    )


async def match_name_typed(
    message: Message, session: AsyncSession, roles: Roles, state: FSMContext
) -> None:
    organization_id = int((await state.get_data()).get("organization_id", 0))
    body, candidates = await editing.directory_candidates(
        session, roles, organization_id, message.text or ""
    )
    if not candidates:
        await message.answer(_("No directory body has these words in its name. Try others."))
        return
    await state.clear()
    builder = InlineKeyboardBuilder()
    for candidate in candidates:
        builder.button(
            text=shorten(candidate.full_name, BUTTON_LENGTH),
            callback_data=MatchTo(organization_id=body.id, target_id=candidate.id),
        )
    builder.adjust(1)
    await message.answer(
        _("Which directory body is «{body}»?").format(
            body=escape(shorten(body.full_name, NAME_LENGTH))
        ),
        reply_markup=builder.as_markup(),
    )


async def match_to(
    query: CallbackQuery,
    callback_data: MatchTo,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    now: datetime,
) -> None:
    body = await editing.directory_candidates(session, roles, callback_data.organization_id, "")
    old_name = body[0].full_name
    target = await editing.match_to_directory(
        session,
        roles,
        actor_id=official.id,
        organization_id=callback_data.organization_id,
        target_id=callback_data.target_id,
        now=now,
    )
    await query.answer()
    await show(
        query,
        _(
            "✓ «{old}» is matched to «{body}»: its measures pass to it, and plans that write "
            "the old name will find it."
        ).format(old=escape(shorten(old_name, NAME_LENGTH)), body=escape(target.full_name)),
        None,
    )


# --- Editing a body -----------------------------------------------------------------------------


async def edit_menu(
    session: AsyncSession, roles: Roles, organization_id: int, note: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    body = await editing.directory_body(session, roles, organization_id)
    groups = await editing.body_groups(session, body.id)
    lines = [note, ""] if note else []
    lines += [
        _("<b>Editing the body</b>"),
        _("Full name: {value}").format(value=escape(shorten(body.full_name, NAME_LENGTH * 2))),
        _("Short name: {value}").format(value=escape(body.short_name or "—")),
        _("Kind: {value}").format(value=_(KIND_TITLES[body.kind or BodyKind.OTHER])),
        _("Groups: {value}").format(
            value=escape(shorten("; ".join(groups), NAME_LENGTH * 2)) or "—"
        ),
    ]
    successor = await successors.successor_of(session, body)
    if successor is not None:
        lines.append(
            _("Measures passed to the successor «{successor}» from {since}.").format(
                successor=escape(shorten(successor[0], NAME_LENGTH * 2)),
                since=format_day(successor[1]),
            )
        )
    builder = InlineKeyboardBuilder()
    for field, label in (
        (EditField.FULL_NAME, _("Full name")),
        (EditField.SHORT_NAME, _("Short name")),
        (EditField.KIND, _("Kind")),
        (EditField.GROUPS, _("Groups")),
        (EditField.SUCCESSOR, _("Pass to a successor")),
    ):
        builder.button(text=label, callback_data=EditBody(organization_id=body.id, field=field))
    builder.adjust(2)
    return "\n".join(lines), builder.as_markup()


async def edit_body(
    query: CallbackQuery,
    callback_data: EditBody,
    session: AsyncSession,
    roles: Roles,
    state: FSMContext,
) -> None:
    organization_id, field = callback_data.organization_id, callback_data.field
    text, markup = await edit_menu(session, roles, organization_id)
    await query.answer()
    if field is EditField.MENU:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
        return
    if field is EditField.KIND:
        builder = InlineKeyboardBuilder()
        for kind, title in KIND_TITLES.items():
            builder.button(
                text=_(title), callback_data=PickKind(organization_id=organization_id, kind=kind)
            )
        builder.adjust(1)
        await show(query, _("Choose the kind of the body."), builder.as_markup())
        return
    await state.set_state(DirectoryInput.edit_text)
    await state.update_data(organization_id=organization_id, field=field.value)
    prompts = {
        EditField.FULL_NAME: _("Type the body's new full name; the former one is kept."),
        EditField.SHORT_NAME: _("Type the body's short name, or «-» to remove it."),
        EditField.GROUPS: _("Type the body's groups separated by «;», or «-» for none."),
        EditField.SUCCESSOR: _(
            "Type the successor's name and the day its measures pass to it, for example"
            " «Ministry of Sport of the Omsk Region 05.06.2024». A body not in the directory is"
            " added to it."
        ),
    }
    await show(query, prompts[field], None)


async def edit_text_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    state: FSMContext,
    settings: Settings,
    now: datetime,
) -> None:
    data = await state.get_data()
    organization_id, field = int(data.get("organization_id", 0)), data.get("field")
    text = (message.text or "").strip()
    value = "" if text == "-" else text
    arguments = {"actor_id": official.id, "organization_id": organization_id}
    if field == EditField.SUCCESSOR:
        await successor_typed(
            message, session, roles, official, state, organization_id, settings, now
        )
        return
    if field == EditField.FULL_NAME:
        await editing.rename_body(session, roles, full_name=value, **arguments)
    elif field == EditField.SHORT_NAME:
        await editing.set_short_name(session, roles, short_name=value, **arguments)
    else:
        await editing.set_groups(session, roles, text=value, **arguments)
    await state.clear()
    text, markup = await edit_menu(session, roles, organization_id, "✓ " + _("Saved."))
    await message.answer(text, reply_markup=markup)


async def successor_typed(
    message: Message,
    session: AsyncSession,
    roles: Roles,
    official: Official,
    state: FSMContext,
    organization_id: int,
    settings: Settings,
    now: datetime,
) -> None:
    """«Pass to a successor»: the successor's name and the day, typed in one message."""
    typed = successors.read_successor_text(message.text or "")
    if typed is None:
        await message.answer(
            _("Type the successor's name and the day as 05.06.2024, or send /cancel.")
        )
        return
    name, since = typed
    today = await person_today(session, official, now, settings.default_timezone)
    passed = await successors.set_successor(
        session,
        roles,
        actor_id=official.id,
        body_id=organization_id,
        successor_name=name,
        since=since,
        today=today,
        now=now,
    )
    await state.clear()
    names = {
        "body": escape(shorten(passed.body_name, NAME_LENGTH)),
        "successor": escape(shorten(passed.successor_name, NAME_LENGTH)),
        "since": format_day(passed.since),
    }
    if not passed.changed:
        note = _("«{body}» already passes its measures to «{successor}» from {since}.")
    elif passed.since > today:
        note = _("From {since}, the measures of «{body}» will pass to «{successor}».")
    else:
        note = _(
            "From {since}, the measures of «{body}» pass to «{successor}»; its officials are"
            " asked whether they now work there."
        )
    lines = [note.format(**names)]
    if passed.measures:
        lines.append(
            ngettext(
                "{count} measure in force was passed.",
                "{count} measures in force were passed.",
                passed.measures,
            ).format(count=passed.measures)
        )
    text, markup = await edit_menu(session, roles, organization_id, "✓ " + "\n".join(lines))
    await message.answer(text, reply_markup=markup)


async def kind_picked(
    query: CallbackQuery,
    callback_data: PickKind,
    session: AsyncSession,
    roles: Roles,
    official: Official,
) -> None:
    await editing.set_kind(
        session,
        roles,
        actor_id=official.id,
        organization_id=callback_data.organization_id,
        kind=callback_data.kind,
    )
    text, markup = await edit_menu(
        session, roles, callback_data.organization_id, "✓ " + _("Saved.")
    )
    await query.answer()
    await show(query, text, markup)


async def out_of_date(query: CallbackQuery) -> None:
    await query.answer(_("This button is out of date."), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_for_directory, Command("orgs", magic=F.args == "import"))
    router.message.register(export_directory, Command("orgs", magic=F.args == "export"))
    router.message.register(unmatched_command, Command("orgs", magic=F.args == "unmatched"))
    router.message.register(receive_directory, StateFilter(DirectoryFile.file), F.document)
    router.message.register(match_name_typed, StateFilter(DirectoryInput.match_name), F.text)
    router.message.register(edit_text_typed, StateFilter(DirectoryInput.edit_text), F.text)
    router.callback_query.register(decide, DirectoryDecision.filter())
    router.callback_query.register(unmatched_page, UnmatchedPage.filter())
    router.callback_query.register(unmatched_body, UnmatchedBody.filter())
    router.callback_query.register(match_to, MatchTo.filter())
    router.callback_query.register(edit_body, EditBody.filter())
    router.callback_query.register(kind_picked, PickKind.filter())
    prefixes = tuple(
        f"{data.__prefix__}:"
        for data in (DirectoryDecision, UnmatchedPage, UnmatchedBody, MatchTo, EditBody, PickKind)
    )
    router.callback_query.register(out_of_date, F.data.startswith(prefixes))
    return router
