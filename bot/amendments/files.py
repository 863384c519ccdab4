"""An order's file read into an `AmendmentOrder`: the one place that calls the reader
(`bot.amendments.reading`, built alongside), so that the chat and the command line share it."""

from __future__ import annotations

from importlib import import_module

from bot.amendments.order import AmendmentOrder


class OrderNotRead(Exception):
    """The file is no amendment order (or cannot be read): `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_order_file(content: bytes, file_name: str) -> AmendmentOrder:
    """The order in a .docx, .txt or a PDF's text copy; raises `OrderNotRead`."""
    try:
        reading = import_module("bot.amendments.reading")
    except ImportError:  # the reader is not connected yet
        raise OrderNotRead("no_reader") from None
    try:
        return reading.read_order(content, file_name)
    except reading.OrderUnreadable as error:
        raise OrderNotRead(str(getattr(error, "reason", error))) from error
