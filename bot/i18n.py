"""The languages the bot speaks, which one a person reads, and the marker of message ids.

No aiogram here: the catalogues are loaded at start-up (bot/entry/translations.py), and text
is translated where it is shown (handlers/, bot/presentation/, scheduler/ renderers).
"""

from __future__ import annotations

from bot.config import DEFAULT_LOCALE, SUPPORTED_LOCALES

__all__ = ["DEFAULT_LOCALE", "N_", "SUPPORTED_LOCALES", "pick_locale"]


def N_(message: str) -> str:
    """Marks a message id for extraction (`pybabel extract -k N_`); translated when shown."""
    return message


def pick_locale(stored: str | None, telegram_language: str | None) -> str:
    """The interface language: the person's choice, else their Telegram client's, else Russian."""
    if stored in SUPPORTED_LOCALES:
        return stored
    if telegram_language:
        language = telegram_language.split("-")[0].lower()
        if language in SUPPORTED_LOCALES:
            return language
    return DEFAULT_LOCALE
