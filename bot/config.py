"""Settings read from the environment and `.env` (see `.env.example`)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = PROJECT_ROOT / "locales"
SQLITE_FILE_NAME = "roadmap-bot.sqlite3"
DEFAULT_LOCALE = "ru"
SUPPORTED_LOCALES = ("ru", "en")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    bot_token: SecretStr | None = None
    database_url: str | None = None
    telegram_api_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_timezone: str = "Europe/Moscow"
    data_dir: Path = Path("./data")
    log_level: str = "INFO"
    # How often the reminder scan looks for due reminders, and the sender drains the outbox.
    reminder_scan_seconds: float = Field(default=60.0, gt=0)
    outbox_drain_seconds: float = Field(default=2.0, gt=0)
    # How often report documents not yet copied under DATA_DIR/documents are downloaded.
    document_fetch_seconds: float = Field(default=10.0, gt=0)
    # The largest file a report takes, and all the files of one report together (MB).
    report_file_max_mb: float = Field(default=20.0, gt=0)
    report_max_mb: float = Field(default=50.0, gt=0)
    # Shifts the bot's clock for reminders by this many seconds (staging, demos and the
    # end-to-end tests, which must see a working morning whatever the real time is).
    clock_shift_seconds: float = 0.0
    # How long a graceful stop waits for updates that are being handled.
    shutdown_grace_seconds: float = Field(default=10.0, gt=0)
    # Conversations (report drafts, typed reasons, pending inputs, registration steps) are
    # kept in the database, or in Redis when this is set (redis://host:6379/0).
    redis_url: str | None = None
    # A conversation untouched for this many days is dropped.
    conversation_days: float = Field(default=14.0, gt=0)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        if isinstance(value, int):
            return frozenset({value})
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            ids: set[int] = set()
            for part in parts:
                if not part:
                    continue
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"expected comma-separated Telegram user ids, got {part!r}")
                ids.add(int(part))
            return frozenset(ids)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}, expected e.g. Europe/Moscow") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r} (expected DEBUG, INFO, WARNING, ERROR)")
        return level

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"expected a redis:// or rediss:// URL, got {value!r}")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value.strip()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / SQLITE_FILE_NAME).resolve()}"

    def now(self) -> datetime:
        """The current moment for reminders: UTC, shifted by CLOCK_SHIFT_SECONDS."""
        return datetime.now(UTC) + timedelta(seconds=self.clock_shift_seconds)

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    def require_bot_token(self) -> str:
        """The token, validated; raises SettingsError naming BOT_TOKEN."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise SettingsError(
                "BOT_TOKEN is not set: put the token from @BotFather into the environment "
                "or the .env file (see .env.example)"
            )
        token = self.bot_token.get_secret_value().strip()
        if not is_well_formed_token(token):
            raise SettingsError(
                "BOT_TOKEN is malformed: expected '<bot id>:<secret>' as given by @BotFather"
            )
        return token


def is_well_formed_token(token: str) -> bool:
    """The shape of a BotFather token: digits, a colon, then letters, digits, '_' or '-'.

    Checked here rather than with aiogram's validator so that the command line answers at once
    without importing the whole Telegram client.
    """
    bot_id, colon, secret = token.partition(":")
    return bool(
        colon
        and bot_id.isdigit()
        and secret
        and all(char.isascii() and (char.isalnum() or char in "_-") for char in secret)
    )


def load_settings(**overrides: object) -> Settings:
    """Read settings; a malformed value raises SettingsError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            variable = "_".join(str(part) for part in item["loc"][:1]).upper() or "settings"
            reason = item["msg"].removeprefix("Value error, ")
            problems.append(f"{variable} is malformed: {reason}")
        raise SettingsError("; ".join(problems)) from None
