"""Settings and the command line, as an IT person setting the bot up would meet them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from models.migrations import head_revision

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SETTING_NAMES = (
    "BOT_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_API_URL",
    "ADMIN_IDS",
    "DEFAULT_TIMEZONE",
    "DATA_DIR",
    "LOG_LEVEL",
)


@pytest.fixture
def clean_environment(monkeypatch, tmp_path):
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    environment["PYTHONPATH"] = str(PROJECT_ROOT)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_put_the_database_under_the_data_dir(clean_environment):
    settings = load_settings()
    assert settings.default_timezone == "Europe/Moscow"
    assert settings.admin_ids == frozenset()
    assert settings.telegram_api_url is None
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.effective_database_url.endswith("/data/roadmap-bot.sqlite3")


def test_settings_come_from_the_environment_and_dot_env(clean_environment, monkeypatch):
    (clean_environment / ".env").write_text(
        "BOT_TOKEN=123456:ABCdef-ghi\nADMIN_IDS=111, 222,333\nDEFAULT_TIMEZONE=Asia/Omsk\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("DATA_DIR", str(clean_environment / "store"))
    settings = load_settings()
    assert settings.require_bot_token() == "123456:ABCdef-ghi"
    assert settings.admin_ids == frozenset({111, 222, 333})
    assert settings.default_timezone == "Asia/Omsk"
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert str(clean_environment / "store") in settings.effective_database_url


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE"),
        ("TELEGRAM_API_URL", "localhost:8081", "TELEGRAM_API_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_a_malformed_setting_is_named(clean_environment, monkeypatch, variable, value, named):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"{named} is malformed")


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "BOT_TOKEN is not set"),
        ("", "BOT_TOKEN is not set"),
        ("not-a-token", "BOT_TOKEN is malformed"),
        ("123:has space", "BOT_TOKEN is malformed"),
    ],
)
def test_the_token_is_required_and_checked(clean_environment, monkeypatch, token, message):
    if token is not None:
        monkeypatch.setenv("BOT_TOKEN", token)
    with pytest.raises(SettingsError, match=message):
        load_settings().require_bot_token()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "error: BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "garbage"}, "error: BOT_TOKEN is malformed"),
        ({"BOT_TOKEN": "1:a", "ADMIN_IDS": "x"}, "error: ADMIN_IDS is malformed"),
    ],
)
def test_running_without_a_good_token_prints_one_line_and_exits_2(tmp_path, env, expected):
    for args in ((), ("run",)):
        result = run_cli(*args, env=env, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(expected)
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert not (tmp_path / "data").exists(), "nothing is created before the settings are valid"


def test_help_lists_the_sub_commands(tmp_path):
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "run" in result.stdout
    assert "db" in result.stdout


def test_db_upgrade_creates_and_migrates_the_sqlite_file(tmp_path):
    data_dir = tmp_path / "state"
    env = {"DATA_DIR": str(data_dir)}
    result = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (data_dir / "roadmap-bot.sqlite3").is_file()
    assert f"revision: {head_revision()}" in result.stdout
    current = run_cli("db", "current", env=env, cwd=tmp_path)
    assert f"revision: {head_revision()}" in current.stdout
    down = run_cli("db", "downgrade", "base", env=env, cwd=tmp_path)
    assert "none (empty database)" in down.stdout
