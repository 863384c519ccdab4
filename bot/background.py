"""Work that outlives its update (reading a large file), tracked so a stop can end it cleanly."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Coroutine
from typing import Any

logger = logging.getLogger(__name__)


async def finish_or_cancel(tasks: Collection[asyncio.Task[Any]], timeout: float) -> None:
    """Let the tasks finish within `timeout` seconds, then cancel those still running and wait
    for them to end."""
    if not tasks:
        return
    _, pending = await asyncio.wait(set(tasks), timeout=timeout)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


class BackgroundWork:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def is_running(self, name: str) -> bool:
        """Whether work of this name is under way."""
        return any(task.get_name() == name for task in self._tasks)

    def start_once(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any] | None:
        """Start the work unless work of the same name is under way (then None: not started)."""
        if self.is_running(name):
            work.close()
            return None
        return self.start(work, name)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Background work %s failed", task.get_name(), exc_info=task.exception())

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def stop(self, timeout: float) -> None:
        await finish_or_cancel(self._tasks, timeout)
