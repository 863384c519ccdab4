"""End to end: the real `python -m bot` process, polling a local Bot API emulator over HTTP."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.conftest import TEST_DATABASE_URL

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


async def run_to_exit(env: dict[str, str], timeout: float = START_TIMEOUT) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=env["DATA_DIR"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, (stdout + stderr).decode()


async def test_a_token_the_bot_api_refuses_is_reported_in_one_line(bot_process_env):
    env = {**bot_process_env, "BOT_TOKEN": "999:refused-token"}
    code, output = await run_to_exit(env)
    assert code == 2, output
    assert "error: BOT_TOKEN was refused by the Bot API (401 Unauthorized)" in output
    assert "Traceback" not in output


async def test_an_unreachable_bot_api_is_reported_in_one_line(bot_process_env):
    env = {**bot_process_env, "TELEGRAM_API_URL": "http://127.0.0.1:9"}
    code, output = await run_to_exit(env)
    assert code == 1, output
    assert "error: cannot reach the Bot API at http://127.0.0.1:9" in output
    assert "Traceback" not in output
