"""Operator logs: one line per event, on standard error."""

from __future__ import annotations

import logging

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str) -> None:
    logging.basicConfig(level=level, format=LOG_FORMAT, force=True)
    # aiohttp's access chatter and APScheduler's per-run lines drown what matters.
    logging.getLogger("apscheduler.executors").setLevel(
        max(logging.WARNING, logging.getLevelName(level))
    )
    logging.getLogger("aiogram.event").setLevel(max(logging.INFO, logging.getLevelName(level)))
