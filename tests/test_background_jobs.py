"""Stopping the bot lets a running background job (a reminder scan, a download) finish."""

from __future__ import annotations

import asyncio
import logging

from bot.background import BackgroundWork
from scheduler import BackgroundJobs


async def test_a_stop_waits_for_a_running_job_instead_of_cancelling_it(engine):
    jobs = BackgroundJobs(engine)
    started, finished = asyncio.Event(), asyncio.Event()

    async def scan() -> None:
        started.set()
        await asyncio.sleep(0.5)
        finished.set()

    jobs.add_interval("scan", scan, seconds=3600, start_now=True)
    jobs.start()
    await asyncio.wait_for(started.wait(), 5)
    await jobs.stop(timeout=5)
    assert finished.is_set()
    await asyncio.sleep(0.05)  # the asyncio scheduler shuts down on the loop's next turn
    assert not jobs.scheduler.running


async def test_a_job_past_the_grace_is_cancelled_quietly(engine, caplog):
    jobs = BackgroundJobs(engine)
    started = asyncio.Event()

    async def stuck() -> None:
        started.set()
        await asyncio.sleep(60)

    jobs.add_interval("stuck", stuck, seconds=3600, start_now=True)
    jobs.start()
    await asyncio.wait_for(started.wait(), 5)
    with caplog.at_level(logging.WARNING):
        await jobs.stop(timeout=0.2)
    assert "Background job stuck was cancelled by the stop" in caplog.text
    assert "Traceback" not in caplog.text and "raised an exception" not in caplog.text


async def test_work_outliving_its_update_finishes_or_is_cancelled_at_the_stop():
    work = BackgroundWork()
    done: list[str] = []

    async def read(name: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        done.append(name)

    quick = work.start(read("small file", 0.01), "small file")
    slow = work.start(read("huge file", 60), "huge file")
    await work.stop(timeout=0.5)
    assert done == ["small file"]
    assert quick.done() and not quick.cancelled()
    assert slow.cancelled()
    assert work.running == 0
