"""Operator logs: one line per event, on standard error, with no secret in them.

aiogram puts the bot token into every file-download URL (`/file/bot<token>/<path>`), and
aiohttp repeats that URL in its errors, so a failed download would write the token into the
log, message and traceback alike. Once `setup_logging` (or `redact_secrets`) has run, every log
record is made redacted as it is created, whichever logger and handler it goes to: its message
is formatted and the secrets replaced, and so are its traceback and stack text.

Personal data stays out of our own log lines: people, bodies, plans, reports and files are
named by their ids, never by names, usernames, titles or texts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"

_lock = threading.Lock()
_secrets: tuple[str, ...] = ()
_original_factory = logging.getLogRecordFactory()
_formatter = logging.Formatter()


def setup_logging(level: str, secrets: Iterable[str | None] = ()) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    redact_secrets(secrets)
    # aiohttp's access chatter and APScheduler's per-run lines drown what matters.
    logging.getLogger("apscheduler.executors").setLevel(
        max(logging.WARNING, logging.getLevelName(level))
    )
    logging.getLogger("aiogram.event").setLevel(max(logging.INFO, logging.getLevelName(level)))


def secret_forms(token: str) -> list[str]:
    """What of a bot token must never be shown: the whole token and its secret part (after
    the bot id), as written and as percent-encoded in a URL. The bot id alone is public."""
    forms = {token, quote(token, safe=""), quote(token)}
    _bot_id, sep, secret = token.partition(":")
    if sep and secret:
        forms.update({secret, quote(secret, safe="")})
    # Longest first, so that a token is replaced whole rather than its secret part alone.
    return sorted((form for form in forms if len(form) >= 8), key=len, reverse=True)


def redact_secrets(secrets: Iterable[str | None]) -> None:
    """From now on, every log record is created with these strings (bot tokens) replaced."""
    global _secrets
    forms = {form for secret in secrets if secret for form in secret_forms(secret)}
    with _lock:
        _secrets = tuple(sorted(forms | set(_secrets), key=len, reverse=True))
        if _secrets and logging.getLogRecordFactory() is not _redacted_record:
            logging.setLogRecordFactory(_redacted_record)


def forget_secrets() -> None:
    """Back to plain records (for tests)."""
    global _secrets
    with _lock:
        _secrets = ()
        if logging.getLogRecordFactory() is _redacted_record:
            logging.setLogRecordFactory(_original_factory)


def redact(text: str) -> str:
    """The text with every known secret replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _original_factory(*args, **kwargs)
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: let the handler report it as it would
        return record
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters use exc_text when it is set: the traceback is written redacted.
        record.exc_text = redact(_formatter.formatException(record.exc_info))
        # The exception object itself is not kept: a handler formatting it anew (or reading
        # its arguments) would see the secret.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record
