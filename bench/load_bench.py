"""Load benchmark (issue 9): updates a second that one bot process handles end to end.

The local Bot API emulator (in this process) feeds updates to a real `python -m bot` process
that long-polls it over loopback HTTP and works on an SQLite file; the time from injecting an
update to the emulator seeing the bot's reply is each update's latency. In the same run and
through the same emulator, a bare aiogram echo bot (bench/echo_bot.py, no database) is the
yardstick. Target: the bot handles at least half the echo bot's rate.

Data: one plan of 3,000 measures, 100 bodies (30 measures each, a few overdue, some due this
week, most later), 500 officials (5 per body) who are registered members of their body.
Load: `--clients` people at a time, each doing the round an official does: /my, open the
biggest group (a paging button), the next page (a paging button), a measure's card: four
updates, each sent when the previous one was answered. `--updates` in all after a warm-up;
every wait is bounded (`--timeout` per reply; no round starts `--budget` seconds after a
bot started polling), so it stops by itself, with the figures of what it measured.
Prints one line per bot and, last, one JSON object; besides rates and latencies it gives
each bot's CPU time per update (all its threads), which tells a slow bot from a contended
one.

    .venv/bin/python bench/load_bench.py [--updates 2000] [--clients 50]
    LOAD_BENCH_PROFILE=/tmp/bot.prof .venv/bin/python bench/load_bench.py   # cProfile the bot

With LOAD_BENCH_PROFILE set, the bot process runs under cProfile and writes its statistics
there when it stops (read them with `python -m pstats FILE`); its figures are then slower.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "123456:LOAD-BENCH"
BODIES, OFFICIALS_PER_BODY, MEASURES_PER_BODY = 100, 5, 30
FIRST_USER = 20_000
TARGET_RATIO = 0.5
REPLY_METHODS = {"sendMessage", "editMessageText"}


async def build_database(url: str, today: date) -> None:
    """The plan, bodies, officials and memberships, written directly (no importer)."""
    from sqlalchemy import insert

    from models.engine import create_engine
    from models.migrations import upgrade_database
    from models.tables import Assignment, Measure, Membership, Official, Organization, Plan, Role

    await upgrade_database(url)
    engine = create_engine(url)
    rng = random.Random(9)
    async with engine.begin() as connection:
        await connection.execute(insert(Plan), [{"title": "Дорожная карта"}])
        await connection.execute(
            insert(Organization),
            [
                {"full_name": f"Орган {i}", "short_name": f"О{i}", "name_key": f"орган {i}"}
                for i in range(BODIES)
            ],
        )
        officials = BODIES * OFFICIALS_PER_BODY
        await connection.execute(
            insert(Official),
            [
                {"telegram_id": FIRST_USER + i, "first_name": f"Исполнитель {i}"}
                for i in range(officials)
            ],
        )
        await connection.execute(
            insert(Membership),
            [
                {
                    "official_id": i + 1,
                    "role": Role.OFFICIAL,
                    "organization_id": i // OFFICIALS_PER_BODY + 1,
                    "plan_id": None,
                }
                for i in range(officials)
            ],
        )
        measures, assignments = [], []
        for index in range(BODIES * MEASURES_PER_BODY):
            share = rng.random()
            days = (
                rng.randint(-30, -1)
                if share < 0.1
                else rng.randint(0, 7)
                if share < 0.3
                else (rng.randint(8, 300))
            )
            measures.append(
                {
                    "plan_id": 1,
                    "number": f"{index + 1}.",
                    "number_key": str(index + 1),
                    "sort_key": f"{index + 1:08d}",
                    "title": f"Мероприятие {index + 1}: подготовить и утвердить документ",
                    "deadline": today + timedelta(days=days),
                    "source_cells": {},
                }
            )
            assignments.append(
                {"measure_id": index + 1, "organization_id": index % BODIES + 1, "is_lead": True}
            )
        await connection.execute(insert(Measure), measures)
        await connection.execute(insert(Assignment), assignments)
    await engine.dispose()


def quiet_clock_shift() -> float:
    """Seconds to the coming Sunday 03:00 UTC: reminders go out only on working days in
    working hours, so the bot's own reminder scan sends nothing during the run."""
    now = datetime.now(UTC)
    sunday = (now + timedelta(days=(6 - now.weekday()) % 7 or 7)).replace(
        hour=3, minute=0, second=0, microsecond=0
    )
    return (sunday - now).total_seconds()


# --- the emulated people ------------------------------------------------------------------


class Replies:
    """Hands each chat's next reply (a sent or edited message) to whoever waits for it."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.waiting: dict[int, asyncio.Future[tuple[float, int]]] = {}
        self._seen = len(emulator.calls)
        notify = emulator._notify

        def on_call() -> None:
            calls = emulator.calls
            for call in calls[self._seen :]:
                if call.method in REPLY_METHODS and call.ok:
                    chat_id = int(call.params.get("chat_id", 0))
                    future = self.waiting.pop(chat_id, None)
                    if future is not None and not future.done():
                        message_id = (
                            call.result["message_id"]
                            if isinstance(call.result, dict)
                            else int(call.params["message_id"])
                        )
                        future.set_result((call.time + call.duration, message_id))
            self._seen = len(calls)
            notify()

        emulator._notify = on_call

    def expect(self, chat_id: int) -> asyncio.Future[tuple[float, int]]:
        future = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    timeouts: int = 0
    unexpected: int = 0  # a reply without the button the round presses next
    rounds: int = 0


def buttons(message: Any) -> list[dict[str, Any]]:
    return [b for b in message.buttons() if "callback_data" in b]


def biggest_group(message: Any) -> str | None:
    def count(button: dict[str, Any]) -> int:
        digits = "".join(c for c in button["text"].rsplit(":", 1)[-1] if c.isdigit())
        return int(digits or 0)

    groups = [b for b in buttons(message) if b["callback_data"].startswith("my:")]
    return max(groups, key=count)["callback_data"] if groups else None


def next_page(message: Any) -> str | None:
    for button in buttons(message):
        parts = button["callback_data"].split(":")
        if parts[0] == "my" and parts[-1] == "1":
            return button["callback_data"]
    return next((b["callback_data"] for b in buttons(message) if b["text"] == "›"), None)


def a_measure(message: Any) -> str | None:
    return next(
        (b["callback_data"] for b in buttons(message) if b["callback_data"].startswith("m:")),
        None,
    )


async def run_load(
    emulator: Any,
    replies: Replies,
    users: list[int],
    updates: int,
    clients: int,
    timeout: float,
    deadline: float,
) -> tuple[Load, float]:
    """`clients` people at a time do rounds until `updates` updates were answered; no round
    starts after `deadline` (time.monotonic())."""
    load = Load()
    people = itertools.cycle(users)
    started = time.monotonic()

    async def step(user: Any, inject: Any) -> Any:
        reply = replies.expect(user.id)
        injected_at = time.monotonic()
        inject()
        try:
            seen_at, message_id = await asyncio.wait_for(reply, timeout)
        except TimeoutError:
            replies.waiting.pop(user.id, None)
            load.timeouts += 1
            return None
        load.latencies.append(seen_at - injected_at)
        return emulator.message(user.id, message_id)

    async def one_round(user: Any) -> None:
        message = await step(user, lambda: user.send_command("/my"))
        for choose in (biggest_group, next_page, a_measure):
            if message is None:
                return
            data = choose(message)
            if data is None:
                load.unexpected += 1
                return
            pressed = message
            message = await step(user, lambda m=pressed, d=data: user.press(m, callback_data=d))
        load.rounds += 1

    async def client() -> None:
        while len(load.latencies) + load.timeouts < updates and time.monotonic() < deadline:
            await one_round(emulator.user(next(people)))

    await asyncio.gather(*(client() for _ in range(clients)))
    return load, time.monotonic() - started


def start_process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU time the process has used so far, all its threads (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def stop_process(process: subprocess.Popen[bytes]) -> int:
    """Stop it as a service manager would (SIGTERM); its exit code. Waits without blocking
    the event loop: the emulator must answer the stopping bot's last calls."""
    process.send_signal(signal.SIGTERM)
    try:
        return await asyncio.to_thread(process.wait, 60)
    except subprocess.TimeoutExpired:
        process.kill()
        return await asyncio.to_thread(process.wait)


async def measure_bot(
    name: str,
    emulator: Any,
    command: list[str],
    env: dict[str, str],
    log: Path,
    options: argparse.Namespace,
) -> dict[str, Any]:
    users = list(emulator.users)
    process = start_process(command, env, log)
    try:
        await emulator.wait_for_polling(timeout=120)
        replies = Replies(emulator)
        deadline = time.monotonic() + options.budget
        # Warm-up: every official once is too many; a few rounds load the code and caches.
        await run_load(emulator, replies, users[-40:], 80, 10, options.timeout, deadline)
        cpu_before = cpu_seconds(process)
        load, seconds = await run_load(
            emulator,
            replies,
            users,
            options.updates,
            options.clients,
            options.timeout,
            deadline,
        )
        cpu = cpu_seconds(process) - cpu_before
    finally:
        exit_code = await stop_process(process)
        emulator._updates.clear()  # what the stopped bot had not confirmed is not the next one's
    answered = len(load.latencies)
    latencies = sorted(load.latencies)
    figures = {
        "updates": answered,
        "seconds": round(seconds, 2),
        "rate": round(answered / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(0.99 * (answered - 1))] * 1000, 1) if latencies else None,
        "cpu_ms_per_update": round(cpu * 1000 / answered, 2) if answered else None,
        "timeouts": load.timeouts,
        "unexpected_replies": load.unexpected,
        "rounds": load.rounds,
        "exit_code": exit_code,
    }
    print(
        f"{name}: {answered} updates in {figures['seconds']} s = {figures['rate']}/s, "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"{figures['cpu_ms_per_update']} ms CPU per update, "
        f"{load.timeouts} timeouts, {load.unexpected} unexpected replies (log: {log})",
        flush=True,
    )
    return figures


async def run(options: argparse.Namespace) -> dict[str, Any]:
    from tests.emulator import BotAPIEmulator

    folder = Path(tempfile.mkdtemp(prefix="load-bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}"
    started = time.perf_counter()
    await build_database(url, datetime.now(UTC).date())
    officials = BODIES * OFFICIALS_PER_BODY
    print(
        f"data: {BODIES * MEASURES_PER_BODY} measures, {BODIES} bodies, {officials} officials "
        f"built in {time.perf_counter() - started:.1f} s ({folder})",
        flush=True,
    )
    async with BotAPIEmulator(token=TOKEN) as emulator:
        for index in range(officials):
            emulator.user(FIRST_USER + index, first_name=f"Исполнитель {index}")
        common = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emulator.base_url}
        echo = await measure_bot(
            "echo bot",
            emulator,
            [str(ROOT / "bench" / "echo_bot.py")],
            common,
            folder / "echo.log",
            options,
        )
        profile = os.environ.get("LOAD_BENCH_PROFILE")
        bot = await measure_bot(
            "bot",
            emulator,
            ["-m", "cProfile", "-o", profile, "-m", "bot"] if profile else ["-m", "bot"],
            {
                **common,
                "DATABASE_URL": url,
                "DATA_DIR": str(folder / "data"),
                "LOG_LEVEL": "WARNING",
                "CLOCK_SHIFT_SECONDS": str(quiet_clock_shift()),
                "REMINDER_SCAN_SECONDS": "3600",
            },
            folder / "bot.log",
            options,
        )
    ratio = round(bot["rate"] / echo["rate"], 3) if echo["rate"] else None
    return {
        "bot_rate": bot["rate"],
        "echo_rate": echo["rate"],
        "ratio": ratio,
        "p50_ms": bot["p50_ms"],
        "p99_ms": bot["p99_ms"],
        "updates": bot["updates"],
        "target_ratio": TARGET_RATIO,
        "within_target": ratio is not None and ratio >= TARGET_RATIO and not bot["timeouts"],
        "clients": options.clients,
        "bot": bot,
        "echo": echo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=2000, help="updates per bot, measured")
    parser.add_argument("--clients", type=int, default=50, help="people writing at a time")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a reply")
    parser.add_argument(
        "--budget", type=float, default=300.0, help="no round starts later than this, per bot"
    )
    options = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        figures = asyncio.run(run(options))
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
