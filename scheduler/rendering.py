"""Notifications as messages: the recipient's language, the sender's clock, and a safe form.

The renderers of each kind are registered in scheduler.notifications. A message that does not
fit Telegram, or that Telegram refused, is sent once more in its safe form: the renderer's
compact form, or, should even that not fit, the text cut to fit and the buttons Telegram
would accept. Pictures of a kind (`photos`) are drawn at send time too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiogram.utils.i18n import I18n

from bot.presentation.fits import button_count, cut_to_fit, keyboard_that_fits, message_fits
from bot.presentation.text_limits import CAPTION_LIMIT, visible_length
from scheduler.notifications import (
    Delivery,
    Photo,
    Rendered,
    UnknownKindError,
    photos_for,
    renderer_for,
)
from scheduler.outbox import Claimed

logger = logging.getLogger(__name__)

__all__ = ["NotificationRenderer"]


class NotificationRenderer:
    """Renders claimed notifications in their recipient's language (else `default_locale`)."""

    def __init__(self, i18n: I18n, default_locale: str, clock: Callable[[], datetime]) -> None:
        self.i18n = i18n
        self.default_locale = default_locale
        self._clock = clock

    def first_form(self, row: Claimed) -> tuple[Rendered | None, bool]:
        """The message to try first, and whether it is the safe form: the full form if it
        renders and fits, else the safe form (None if that cannot be built either). Raises
        UnknownKindError for a kind without a renderer."""
        try:
            rendered = self.render(row)
        except UnknownKindError:
            raise
        except Exception:
            logger.exception("Notification %s (%s): rendering failed", row.id, row.kind)
            return self.render_safe(row), True
        if message_fits(*rendered):
            return rendered, False
        # A message the bot built that Telegram would refuse: a bug, and not a reason to leave
        # the person unreminded.
        logger.error(
            "Notification %s (%s) does not fit Telegram (%d characters, %d buttons); "
            "sending its safe form",
            row.id,
            row.kind,
            visible_length(rendered[0]),
            button_count(rendered[1]),
        )
        return self.render_safe(row), True

    def render(self, row: Claimed, *, compact: bool = False) -> Rendered:
        """The message of `row` in the recipient's language, as of the sender's clock now."""
        renderer = renderer_for(row.kind)
        locale = row.locale if row.locale in self.i18n.available_locales else self.default_locale
        i18n = self.i18n

        def gettext(message: str) -> str:
            return i18n.gettext(message, locale=locale)

        def ngettext(singular: str, plural: str, n: int) -> str:
            return i18n.gettext(singular, plural, n, locale=locale)

        delivery = Delivery(now=self._clock(), compact=compact)
        # Outside an update there is no i18n context: renderers that use aiogram's `_` need one.
        with i18n.context(), i18n.use_locale(locale):
            return renderer(row.payload, gettext, ngettext, delivery)

    async def photos(self, row: Claimed) -> list[Photo]:
        """The pictures sent before the text of `row` (none if its kind has none). A picture
        that cannot be drawn, or whose caption is too long, is left out: the text still goes."""
        renderer = photos_for(row.kind)
        if renderer is None:
            return []
        locale = row.locale if row.locale in self.i18n.available_locales else self.default_locale
        i18n = self.i18n

        def gettext(message: str) -> str:
            return i18n.gettext(message, locale=locale)

        try:
            photos = await renderer(row.payload, gettext, Delivery(now=self._clock()))
        except Exception:
            logger.exception("Notification %s (%s): drawing its pictures failed", row.id, row.kind)
            return []
        fitting = [photo for photo in photos if visible_length(photo.caption) <= CAPTION_LIMIT]
        if len(fitting) < len(photos):
            logger.error("Notification %s (%s): a caption is too long", row.id, row.kind)
        return fitting

    def render_safe(self, row: Claimed) -> Rendered | None:
        """The safe form: the renderer's compact form, or, if even that does not fit, the text
        cut to fit and the buttons Telegram would accept; None if it cannot be rendered."""
        try:
            text, markup = self.render(row, compact=True)
        except Exception:
            logger.exception("Notification %s (%s): the compact form failed", row.id, row.kind)
            return None
        if message_fits(text, markup):
            return text, markup
        logger.error(
            "Notification %s (%s): the compact form does not fit either (%d characters, %d "
            "buttons); sending it cut",
            row.id,
            row.kind,
            visible_length(text),
            button_count(markup),
        )
        return cut_to_fit(text), keyboard_that_fits(markup)
