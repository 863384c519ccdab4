"""End to end: the real `python -m bot` process, polling a local Bot API emulator over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_DATABASE_URL, TEST_TOKEN

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 90.0  # importing aiogram and migrating take a few seconds on a slow machine


class BotProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=self.env["DATA_DIR"],
            env=self.env,
            stdout=self.log,
            stderr=self.log,
            stdin=asyncio.subprocess.DEVNULL,
        )

    async def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            self.log.close()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
async def bot_process_env(emulator, empty_database_url, tmp_path) -> dict[str, str]:
    data_dir = tmp_path / "state"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATA_DIR=str(data_dir),
        ADMIN_IDS="",
        LOG_LEVEL="INFO",
    )
    if TEST_DATABASE_URL:
        env["DATABASE_URL"] = empty_database_url
    return env


async def wait_until_polling(emulator, process: BotProcess) -> None:
    try:
        await emulator.wait_for_polling(timeout=START_TIMEOUT)
    except AssertionError:
        raise AssertionError(
            f"the bot did not start polling; its log:\n{process.output()}"
        ) from None


async def test_start_help_and_lang_round_trips_and_a_graceful_restart(
    emulator, bot_process_env, tmp_path
):
    process = BotProcess(bot_process_env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        if not TEST_DATABASE_URL:
            assert (Path(bot_process_env["DATA_DIR"]) / "roadmap-bot.sqlite3").is_file()

        user = emulator.user(3001, first_name="Мария", last_name="Сидорова")
        user.send_command("/start")
        greeting = await user.wait_for_message(timeout=20)
        assert greeting.text.startswith("Здравствуйте, Мария Сидорова!")

        user.send_command("/help")
        help_text = await user.wait_for_message()
        assert "Что можно сделать" in help_text.text and "/lang" in help_text.text

        user.send_command("/lang")
        prompt = await user.wait_for_message("Выберите язык")
        user.press(prompt, text="English")
        edited = await user.wait_for_edit(prompt)
        assert edited.text == "The bot will speak English with you."

        user.send_command("/help")
        assert "What you can do" in (await user.wait_for_message()).text

        assert await process.stop(signal.SIGTERM) == 0
        log = process.output()
        assert "Stopped cleanly" in log, log
        assert "Traceback" not in log, log
        # Every handled update was confirmed to Telegram before the process left.
        assert emulator.pending_updates == []
        sent_before_restart = len(emulator.messages(3001))

        # The restart neither repeats old answers nor forgets the chosen language.
        await process.start()
        await wait_until_polling(emulator, process)
        user.send_command("/start")
        again = await user.wait_for_message(timeout=20)
        assert again.text.startswith("Hello, Мария Сидорова!")
        assert len(emulator.messages(3001)) == sent_before_restart + 1
        assert await process.stop(signal.SIGINT) == 0
        assert "Stopped cleanly" in process.output()
    finally:
        process.kill()
