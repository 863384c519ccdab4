"""What a conversation holds between messages: aiogram FSM states and their data, and plans
read and previewed that wait for the coordinator's Confirm. Kept here so a restart (or a second
process) loses nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utc_now

# The key's parts that Telegram may leave out are stored as these, so the key can be primary.
NO_THREAD = 0
NO_BUSINESS_CONNECTION = ""


class Conversation(Base):
    """One FSM record: the state of a chat's conversation and its data (JSON text)."""

    __tablename__ = "conversations"
    __table_args__ = (Index(None, "updated_at"),)

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    business_connection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    destiny: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)


class PendingImport(Base):
    """A plan file read and previewed, waiting (an hour at most) for Confirm or Cancel.

    The file's bytes are kept, not what was understood of them: Confirm reads them again."""

    __tablename__ = "pending_imports"
    __table_args__ = (Index(None, "owner_telegram_id"), Index(None, "created_at"))

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_telegram_id: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now)
