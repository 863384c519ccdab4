"""Secrets that must never be shown (the bot token, the database password), and their removal
from any text: log records (bot/entry/logs.py), errors stored with a document's download.

aiogram puts the bot token into every file-download URL (`/file/bot<token>/<path>`), and
aiohttp repeats that URL in its errors. The secrets are registered once at start
(`remember_secrets`); `redact` then replaces each in a text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "<redacted>"
# Shorter strings are not replaced: they would cut ordinary words out of the logs.
MIN_SECRET_LENGTH = 8

_BOT_TOKEN = re.compile(r"\d+:[\w-]+")
_lock = threading.Lock()
_secrets: tuple[str, ...] = ()


def secret_forms(secret: str) -> list[str]:
    """What of a secret must never be shown, as written and as percent-encoded in a URL. Of a
    bot token (`<bot id>:<secret>`) that is the part after the bot id, which is public and so
    stays readable: `bot123456:<redacted>`."""
    if _BOT_TOKEN.fullmatch(secret):
        secret = secret.partition(":")[2]
    forms = {secret, quote(secret, safe=""), quote(secret)}
    return [form for form in forms if len(form) >= MIN_SECRET_LENGTH]


def remember_secrets(secrets: Iterable[str | None]) -> bool:
    """Add secrets to those `redact` removes; whether any is known now."""
    global _secrets
    forms = {form for secret in secrets if secret for form in secret_forms(secret)}
    with _lock:
        # Longest first, so that a token is replaced whole rather than its secret part alone.
        _secrets = tuple(sorted(forms | set(_secrets), key=len, reverse=True))
        return bool(_secrets)


def forget_secrets() -> None:
    global _secrets
    with _lock:
        _secrets = ()


def known_secrets() -> bool:
    return bool(_secrets)


def redact(text: str) -> str:
    """The text with every known secret replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text
