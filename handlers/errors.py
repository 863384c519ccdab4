"""The last line of defence: log the failure, answer the person politely in their language."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, User
from aiogram.utils.i18n import I18n

from bot.entry.middlewares import UpdateSession
from bot.i18n import pick_locale
from bot.refusals import Refused
from handlers.refusals import refusal_text
from handlers.replies import saved_not_shown

logger = logging.getLogger(__name__)


async def on_refused(event: ErrorEvent, i18n: I18n, locale: str | None = None) -> bool:
    """A domain function said no: nothing was written (the update's transaction rolled back);
    tell the person why, as an alert on the button or as a reply."""
    refused = event.exception
    assert isinstance(refused, Refused)
    user = _user_of(event)
    logger.info(
        "Update %s from user %s refused: %s",
        event.update.update_id,
        user.id if user else None,
        refused.refusal.value,
    )
    if locale is None:
        locale = pick_locale(None, user.language_code if user else None)
    with i18n.context(), i18n.use_locale(locale):
        try:
            await _tell(event, refusal_text(refused))
        except TelegramAPIError:
            logger.warning("Could not tell user %s about a refusal", user.id if user else None)
    return True


def _user_of(event: ErrorEvent) -> User | None:
    update = event.update
    if update.message is not None:
        return update.message.from_user
    if update.callback_query is not None:
        return update.callback_query.from_user
    return None


async def on_error(
    event: ErrorEvent,
    i18n: I18n,
    locale: str | None = None,
    update_session: UpdateSession | None = None,
) -> bool:
    user = _user_of(event)
    # Changes are committed before the bot talks to Telegram, so a failure to show the result
    # (a refused or timed-out reply) leaves them saved; say so, or the person repeats them.
    saved = update_session is not None and update_session.saved_changes
    _log_failure(event, user, saved)
    if locale is None:
        locale = pick_locale(None, user.language_code if user else None)
    with i18n.context(), i18n.use_locale(locale):
        try:
            await _tell(event, _failure_text(i18n, saved))
        except TelegramAPIError:
            logger.warning("Could not tell user %s about the failure", user.id if user else None)
    return True


def _log_failure(event: ErrorEvent, user: User | None, saved: bool) -> None:
    update = event.update
    logger.error(
        "Update %s (%s) from user %s failed (changes saved: %s): %s: %s",
        update.update_id,
        update.event_type,
        user.id if user else None,
        saved,
        type(event.exception).__name__,
        event.exception,
        exc_info=event.exception,
    )


def _failure_text(i18n: I18n, saved: bool) -> str:
    if saved:
        return saved_not_shown()
    return i18n.gettext(
        "Sorry, something went wrong on our side and nothing was saved. "
        "Please try again in a minute; if it happens again, tell your coordinator."
    )


async def _tell(event: ErrorEvent, text: str) -> None:
    """As an alert on the pressed button; as a message when the button was answered already
    (the failure came after the handler answered it)."""
    update = event.update
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=True)
        except TelegramBadRequest:
            if query.bot is None:
                raise
            await query.bot.send_message(query.from_user.id, text)
    elif update.message is not None:
        await update.message.answer(text)


def build_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_refused, ExceptionTypeFilter(Refused))
    router.errors.register(on_error)
    return router
