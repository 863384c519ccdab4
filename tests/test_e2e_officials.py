"""End to end with the real bot process: a coordinator imports a real plan, invites two
officials of different bodies, and each sees exactly their own body's measures in /my."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from sqlalchemy import select

from models.engine import create_engine
from models.tables import Assignment, Measure, Organization
from tests.test_e2e_process import PROJECT_ROOT, BotProcess, wait_until_polling

SAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "plans" / "novosibirsk-roadmap-2025-2026.txt"
ADMIN = 910_000_001


def database_url(env: dict[str, str]) -> str:
    return env.get("DATABASE_URL") or (
        f"sqlite+aiosqlite:///{Path(env['DATA_DIR']) / 'roadmap-bot.sqlite3'}"
    )


async def measures_by_body(url: str) -> dict[str, set[str]]:
    """Full name of each body → numbers of the measures assigned to it."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Organization.full_name, Measure.number)
                .join(Assignment, Assignment.organization_id == Organization.id)
                .join(Measure, Measure.id == Assignment.measure_id)
            )
            bodies: dict[str, set[str]] = {}
            for name, number in rows:
                bodies.setdefault(name, set()).add(number)
            return bodies
    finally:
        await engine.dispose()


async def invitation_token(env: dict[str, str], body: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        "--org",
        body,
        "--role",
        "official",
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode == 0, stderr.decode()
    link = stdout.decode().strip().splitlines()[-1]
    match = re.fullmatch(r"https://t\.me/roadmap_test_bot\?start=([A-Za-z0-9_-]{32,64})", link)
    assert match, link
    return match.group(1)


async def listed_numbers(emulator, user) -> tuple[int, set[str]]:
    """The total /my shows, and every measure number found by opening each group's pages."""
    user.send_command("/my")
    overview = await user.wait_for_message()
    total = int(re.search(r"(\d+)", overview.text.splitlines()[0]).group(1))
    numbers: set[str] = set()
    groups = [row[0] for row in emulator.button_texts(overview)]
    message = overview
    for group in groups:
        user.press(message, text=group)
        message = await user.wait_for_edit(
            message,
            lambda m, g=group: m.text.startswith(g.split(":")[0]),
            min_edits=len(message.history) + 1,
        )
        while True:
            for row in emulator.button_texts(message):
                if len(row) == 1 and re.match(r"^\d", row[0]):
                    numbers.add(row[0].split(" ")[0])
            if "›" in emulator.button_texts(message)[-1]:
                user.press(message, text="›")
                message = await user.wait_for_edit(message, min_edits=len(message.history) + 1)
                continue
            break
        user.press(message, text="Обзор")
        message = await user.wait_for_edit(message, min_edits=len(message.history) + 1)
    return total, numbers


async def test_officials_see_exactly_their_bodys_measures(emulator, bot_process_env, tmp_path):
    env = {**bot_process_env, "ADMIN_IDS": str(ADMIN)}
    admin = emulator.user(ADMIN, first_name="Ирина", last_name="Координатова")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        admin.send_document(SAMPLE.name, SAMPLE.read_bytes(), mime_type="text/plain")
        status = await admin.wait_for_message(SAMPLE.name, timeout=30)
        preview = await admin.wait_for_edit(status, "Сохранить план?", timeout=60)
        assert "мероприятий: 66" in preview.text
        admin.press(preview, text="Сохранить план")
        await admin.wait_for_edit(preview, "сохранён", min_edits=2, timeout=60)

        bodies = await measures_by_body(database_url(env))
        first = max(bodies, key=lambda name: len(bodies[name]))
        second = next(
            name
            for name in sorted(bodies, key=lambda name: len(bodies[name]))
            if bodies[name] - bodies[first] and bodies[first] - bodies[name]
        )
        official = emulator.user(920_000_001, first_name="Анна", last_name="Петрова")
        official.send_command("/start", args=await invitation_token(env, first))
        assert "Спасибо" in (await official.wait_for_message(timeout=20)).text
        total, numbers = await listed_numbers(emulator, official)
        assert total == len(bodies[first])
        assert numbers == bodies[first]

        other = emulator.user(920_000_002, first_name="Иван", last_name="Кузнецов")
        other.send_command("/start", args=await invitation_token(env, second))
        assert "Спасибо" in (await other.wait_for_message(timeout=20)).text
        total, numbers = await listed_numbers(emulator, other)
        assert total == len(bodies[second])
        assert numbers == bodies[second]
        assert not numbers & (bodies[first] - bodies[second])

        assert await process.stop() == 0
    finally:
        process.kill()
