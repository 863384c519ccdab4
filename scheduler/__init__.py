"""Background jobs on APScheduler 3 (in memory: schedules that matter live in our own tables)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.background import finish_or_cancel
from scheduler.maintenance import optimize_sqlite

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}


class JobRunner:
    """Runs a job coroutine, logs its failures, and lets a stop wait for running jobs."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def wrap(self, name: str, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await job()
            except asyncio.CancelledError:
                # Only a stop cancels a job, once its grace is over: its transaction rolls back.
                logger.warning("Background job %s was cancelled by the stop", name)
            except Exception:
                logger.exception("Background job %s failed", name)
            finally:
                self._running.discard(task)

        return run

    async def wait(self, timeout: float) -> None:
        await finish_or_cancel(self._running, timeout)


class BackgroundJobs:
    """The scheduler and its jobs, started and stopped by the dispatcher's hooks."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.scheduler = AsyncIOScheduler(timezone="UTC", job_defaults=JOB_DEFAULTS)
        self.runner = JobRunner()
        if engine.dialect.name == "sqlite":
            self.add_interval("sqlite-optimize", lambda: optimize_sqlite(engine), seconds=6 * 3600)

    def add_interval(
        self,
        name: str,
        job: Callable[[], Awaitable[Any]],
        *,
        seconds: float,
        start_now: bool = False,
    ) -> None:
        """Run `job` every `seconds`; with `start_now`, also at once when the scheduler starts
        (what was due while the bot was down is not left waiting a whole interval)."""
        extra = {"next_run_time": datetime.now(UTC)} if start_now else {}
        self.scheduler.add_job(
            self.runner.wrap(name, job), "interval", seconds=seconds, id=name, name=name, **extra
        )

    def start(self) -> None:
        self.scheduler.start()
        logger.info(
            "Scheduler started with jobs: %s", [job.id for job in self.scheduler.get_jobs()]
        )

    async def stop(self, timeout: float) -> None:
        """No new runs, then running jobs get `timeout` to finish, then the scheduler shuts
        down. (APScheduler's own shutdown cancels running coroutine jobs at once.)"""
        if self.scheduler.running:
            self.scheduler.pause()
        await self.runner.wait(timeout)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        logger.info("Scheduler stopped")
