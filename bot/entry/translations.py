"""Translations: gettext catalogues under `locales/`, read from the `.po` sources at start.

aiogram's `I18n` loads only compiled `.mo` files; compiling them in memory with Babel keeps the
`.po` files the single source of truth and leaves nothing to build by hand.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import DEFAULT_LOCALE, LOCALES_DIR

__all__ = ["PoI18n", "create_i18n"]

DOMAIN = "messages"


class PoI18n(I18n):
    """`I18n` that compiles `locales/<lang>/LC_MESSAGES/messages.po` in memory."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for locale_dir in sorted(Path(self.path).iterdir()):
            po_path = locale_dir / "LC_MESSAGES" / f"{self.domain}.po"
            if not po_path.is_file():
                continue
            with po_path.open("rb") as source:
                catalog = read_po(source, locale=locale_dir.name, domain=self.domain)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            translations[locale_dir.name] = gettext.GNUTranslations(buffer)
        return translations


# aiogram's context mixin gives every subclass a context variable of its own, but `gettext`
# (and `_`) look up `I18n`'s: share it, or handlers would find no translator.
PoI18n._ContextInstanceMixin__context_instance = I18n._ContextInstanceMixin__context_instance  # type: ignore[attr-defined]


def create_i18n(path: Path = LOCALES_DIR) -> PoI18n:
    return PoI18n(path=path, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


def command_gettext(locale: str) -> Callable[[str], str]:
    """Translation for a command line run (no update, so the locale is given explicitly)."""
    i18n = create_i18n()

    def translate(message: str) -> str:
        return i18n.gettext(message, locale=locale)

    return translate
