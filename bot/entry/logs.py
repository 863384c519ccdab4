"""Operator logs: one line per event, on standard error, with no secret in them.

Once `setup_logging` (or `redact_log_records`) has run, every log record is redacted as it is
created (bot/redaction.py), whichever logger and handler it goes to: its message is formatted
and the secrets replaced, and so are its traceback and stack text. aiogram puts the bot token
into file-download URLs, and aiohttp repeats them in its errors and tracebacks.

Personal data stays out of our own log lines: people, bodies, plans, reports and files are
named by their ids, never by names, usernames, titles, file names or texts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bot.redaction import forget_secrets, known_secrets, redact, remember_secrets

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_original_factory = logging.getLogRecordFactory()
_formatter = logging.Formatter()


def setup_logging(level: str, secrets: Iterable[str | None] = ()) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    redact_log_records(secrets)
    # aiohttp's access chatter and APScheduler's per-run lines drown what matters.
    logging.getLogger("apscheduler.executors").setLevel(
        max(logging.WARNING, logging.getLevelName(level))
    )
    logging.getLogger("aiogram.event").setLevel(max(logging.INFO, logging.getLevelName(level)))


def redact_log_records(secrets: Iterable[str | None]) -> None:
    """From now on, every log record is created with these secrets (bot token) replaced."""
    if remember_secrets(secrets) and logging.getLogRecordFactory() is not _redacted_record:
        logging.setLogRecordFactory(_redacted_record)


def plain_log_records() -> None:
    """Back to records as they come, no secret known (for tests)."""
    forget_secrets()
    if logging.getLogRecordFactory() is _redacted_record:
        logging.setLogRecordFactory(_original_factory)


def _redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _original_factory(*args, **kwargs)
    if not known_secrets():
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: the handler reports it as it would
        return record
    record.msg, record.args = redact(message), None
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters write exc_text when it is set: the traceback goes out redacted. The
        # exception itself is not kept: a handler formatting it anew would show the secret.
        record.exc_text = redact(_formatter.formatException(record.exc_info))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record
