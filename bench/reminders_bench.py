"""Reminder benchmark (issue 5): one scan over 100,000 measures, the sender's throughput
against the local Bot API emulator, and the common way (one APScheduler date job per
reminder) side by side.

Data: 2,000 bodies, 5,000 officials, 100,000 measures with deadlines from half a year ago to
a year ahead (90% of the past ones done), in a fresh SQLite file. Targets: a scan under 2 s
on SQLite; with Telegram's limits on, at least 24 msg/s sustained, no 429, and never more
than 25 messages received by the emulator within one second.
Each part runs in its own process, so peak memory (VmHWM) is its own.
Prints one line per figure and, last, one JSON object with all of them.

    .venv/bin/python bench/reminders_bench.py [--measures 100000] [--messages 600]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bench.measuring import peak_rss_mb, run_child  # noqa: E402

NOW = datetime(2025, 5, 14, 7, 0, tzinfo=UTC)  # Wednesday, 10:00 in Moscow
BODIES, OFFICIALS = 2_000, 5_000


def rss_mb() -> float:
    """Resident memory now (Linux), to tell what the jobs themselves take."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def build_database(url: str, measures: int) -> None:
    from sqlalchemy import insert

    from models.engine import create_engine
    from models.migrations import upgrade_database
    from models.tables import (
        Assignment,
        Measure,
        Membership,
        Official,
        Organization,
        Plan,
        Role,
    )

    await upgrade_database(url)
    engine = create_engine(url)
    rng = random.Random(7)
    today = NOW.date()
    async with engine.begin() as connection:
        await connection.execute(insert(Plan), [{"title": f"План {i}"} for i in range(10)])
        await connection.execute(
            insert(Organization),
            [{"full_name": f"Орган {i}", "name_key": f"орган {i}"} for i in range(BODIES)],
        )
        await connection.execute(
            insert(Official),
            [
                {"telegram_id": 10_000 + i, "first_name": f"Исполнитель {i}"}
                for i in range(OFFICIALS)
            ],
        )
        await connection.execute(
            insert(Membership),
            [
                {
                    "official_id": i + 1,
                    "role": Role.OFFICIAL,
                    "organization_id": i % BODIES + 1,
                    "plan_id": None,
                }
                for i in range(OFFICIALS - 10)
            ]
            + [
                {
                    "official_id": OFFICIALS - 9 + i,
                    "role": Role.COORDINATOR,
                    "organization_id": None,
                    "plan_id": i + 1,
                }
                for i in range(10)
            ],
        )
        rows = []
        for index in range(measures):
            deadline = today + timedelta(days=rng.randint(-180, 365))
            done = deadline < today and rng.random() < 0.9
            rows.append(
                {
                    "plan_id": index % 10 + 1,
                    "number": f"{index}.",
                    "number_key": str(index),
                    "sort_key": f"{index:08d}",
                    "title": f"Мероприятие {index}",
                    "deadline": deadline,
                    "done_on": deadline if done else None,
                    "source_cells": {},
                }
            )
        for start in range(0, measures, 5_000):
            await connection.execute(insert(Measure), rows[start : start + 5_000])
        await connection.execute(
            insert(Assignment),
            [
                {"measure_id": i + 1, "organization_id": rng.randint(1, BODIES), "is_lead": True}
                for i in range(measures)
            ],
        )
    await engine.dispose()


def busiest_second(arrivals: list[float]) -> int:
    """The most messages the emulator received within any one second."""
    arrivals = sorted(arrivals)
    most, first = 0, 0
    for last, moment in enumerate(arrivals):
        while arrivals[first] <= moment - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def scan_part(url: str) -> dict[str, float]:
    from models.engine import create_engine, create_sessionmaker
    from scheduler.reminders import scan_reminders

    async def run() -> dict[str, float]:
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        figures = {}
        for label, moment in (("first", NOW), ("steady", NOW + timedelta(minutes=1))):
            started = time.perf_counter()
            written = await scan_reminders(
                sessionmaker, now=moment, default_timezone="Europe/Moscow"
            )
            figures[f"scan_{label}_seconds"] = round(time.perf_counter() - started, 3)
            figures[f"scan_{label}_messages"] = written
        await engine.dispose()
        figures["peak_mb"] = peak_rss_mb()
        return figures

    return asyncio.run(run())


def sender_part(url: str, messages: int, limits: bool) -> dict[str, float]:
    """Drain `messages` outbox rows (one per chat, plus 5 to one busy chat) to the emulator."""
    from aiogram.exceptions import TelegramRetryAfter  # noqa: F401  (aiogram loaded before timing)
    from sqlalchemy import insert, update

    from bot.entry.translations import create_i18n
    from models.engine import create_engine, create_sessionmaker
    from models.tables import Notification
    from scheduler.notifications import register
    from scheduler.sender import OutboxSender
    from tests.emulator import BotAPIEmulator

    @register("bench")
    def render(payload, gettext, ngettext, delivery):  # noqa: ANN001
        return f"Напоминание {payload['n']}", None

    async def run() -> dict[str, float]:
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        # The busy chat (5 messages, which need 4 s at 1/s) goes first, spread through the run.
        chats = [10_000] * 5 + [10_000 + i for i in range(messages)]
        async with engine.begin() as connection:
            await connection.execute(update(Notification).values(status="cancelled"))
            await connection.execute(
                insert(Notification),
                [
                    {
                        "recipient_id": chat - 10_000 + 1,
                        "chat_id": chat,
                        "kind": "bench",
                        "dedup_key": f"bench:{limits}:{n}",
                        "payload": {"n": n},
                        "not_before": datetime.now(UTC) - timedelta(seconds=1),
                    }
                    for n, chat in enumerate(chats)
                ],
            )
        async with BotAPIEmulator(token="123456:BENCH") as emulator:
            for chat in set(chats):
                emulator.user(chat)
            if limits:
                emulator.rate_limit(per_chat_per_second=1, global_per_second=30)
            bot = emulator.create_bot()
            if limits:
                sender = OutboxSender(bot, sessionmaker, create_i18n())
            else:
                sender = OutboxSender(
                    bot,
                    sessionmaker,
                    create_i18n(),
                    global_per_second=10_000,
                    per_chat_interval=0,
                    max_per_second=None,
                )
            started = time.perf_counter()
            sent = 0
            while sent < len(chats) and time.perf_counter() - started < 300:
                stats = await sender.drain_once()
                sent += stats.sent
            elapsed = time.perf_counter() - started
            await bot.session.close()
            emulator_stats = emulator.stats()
            arrivals = [
                call.time for call in emulator.calls if call.method == "sendMessage" and call.ok
            ]
        await engine.dispose()
        return {
            "sent": sent,
            "seconds": round(elapsed, 2),
            "messages_per_second": round(sent / elapsed, 1),
            "too_many_requests": emulator_stats.too_many_requests,
            "busiest_second": busiest_second(arrivals),
        }

    return asyncio.run(run())


def apscheduler_part(measures: int) -> dict[str, float]:
    """The common way: one in-memory APScheduler date job per upcoming reminder."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    async def remind(measure_id: int) -> None:  # pragma: no cover (never fires here)
        return None

    async def run() -> dict[str, float]:
        before = rss_mb()
        scheduler = AsyncIOScheduler(timezone="UTC")
        rng = random.Random(7)
        started = time.perf_counter()
        for measure_id in range(measures):
            run_at = NOW + timedelta(days=rng.randint(1, 365), hours=rng.randint(0, 8))
            scheduler.add_job(
                remind, "date", run_date=run_at, args=[measure_id], id=str(measure_id)
            )
        scheduler.start(paused=True)
        elapsed = time.perf_counter() - started
        scheduler.shutdown(wait=False)
        return {
            "jobs": measures,
            "start_seconds": round(elapsed, 2),
            "rss_mb_before_jobs": before,
            "rss_mb_with_jobs": rss_mb(),
            "peak_mb": peak_rss_mb(),
        }

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        part, *rest = args.child
        if part == "scan":
            result = scan_part(rest[0])
        elif part == "sender":
            result = sender_part(rest[0], int(rest[1]), rest[2] == "on")
        else:
            result = apscheduler_part(int(rest[0]))
        print(json.dumps(result))
        return

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    started = time.perf_counter()
    asyncio.run(build_database(url, args.measures))
    print(
        f"data: {args.measures} measures, {BODIES} bodies, {OFFICIALS} officials "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    figures: dict[str, object] = {
        "measures": args.measures,
        "bodies": BODIES,
        "officials": OFFICIALS,
    }
    scan = run_child(__file__, "scan", url)
    print(
        f"scan: first {scan['scan_first_seconds']} s ({scan['scan_first_messages']} messages), "
        f"steady {scan['scan_steady_seconds']} s ({scan['scan_steady_messages']}), "
        f"peak {scan['peak_mb']} MB"
    )
    figures["scan"] = scan
    for mode in ("off", "on"):
        sent = run_child(__file__, "sender", url, str(args.messages), mode)
        print(
            f"sender, limits {mode}: {sent['sent']} messages in {sent['seconds']} s = "
            f"{sent['messages_per_second']} msg/s, {sent['too_many_requests']} × 429, "
            f"busiest second {sent['busiest_second']}"
        )
        figures[f"sender_limits_{mode}"] = sent
    jobs = run_child(__file__, "apscheduler", str(args.measures))
    print(
        f"APScheduler date jobs: {jobs['jobs']} jobs added in {jobs['start_seconds']} s, "
        f"peak {jobs['peak_mb']} MB (scan process: {scan['peak_mb']} MB)"
    )
    figures["apscheduler_date_jobs"] = jobs
    figures["targets"] = {
        "scan_seconds": 2,
        "limited_messages_per_second": 24,
        "busiest_second_at_most": 25,
    }
    figures["within_targets"] = (
        # Both the scan that writes the morning's reminders and the quiet one after it.
        scan["scan_first_seconds"] < 2
        and scan["scan_steady_seconds"] < 2
        and figures["sender_limits_on"]["messages_per_second"] >= 24  # type: ignore[index]
        and figures["sender_limits_on"]["too_many_requests"] == 0  # type: ignore[index]
        and figures["sender_limits_on"]["busiest_second"] <= 25  # type: ignore[index]
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
