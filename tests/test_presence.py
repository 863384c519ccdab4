"""When people were last seen: noted by their updates, written later by one background task,
so an update that only reads does not write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.people import Presence, TelegramPerson, recognise
from models.tables import Official

MOMENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def stored_last_seen(sessionmaker, telegram_id: int) -> datetime | None:
    async with sessionmaker() as session:
        return await session.scalar(
            select(Official.last_seen_at).where(Official.telegram_id == telegram_id)
        )


async def test_reading_leaves_the_stamp_to_the_background_writer(sessionmaker):
    async with sessionmaker() as session, session.begin():
        session.add(Official(telegram_id=501, first_name="Анна"))
    presence = Presence(sessionmaker, delay=3600)
    async with sessionmaker() as session, session.begin():
        official = await recognise(session, TelegramPerson(501, "Анна"), MOMENT, presence=presence)
        assert not session.dirty  # the update itself writes nothing
        assert official.last_seen_at is None
    assert presence.waiting == 1

    await presence.flush()

    assert presence.waiting == 0
    assert await stored_last_seen(sessionmaker, 501) == MOMENT


async def test_a_recent_stamp_is_not_written_again(sessionmaker):
    async with sessionmaker() as session, session.begin():
        session.add(Official(telegram_id=502, first_name="Борис", last_seen_at=MOMENT))
    presence = Presence(sessionmaker, delay=3600)
    async with sessionmaker() as session, session.begin():
        await recognise(
            session, TelegramPerson(502, "Борис"), MOMENT + timedelta(minutes=4), presence=presence
        )
        assert presence.waiting == 0
        await recognise(
            session, TelegramPerson(502, "Борис"), MOMENT + timedelta(minutes=6), presence=presence
        )
    assert presence.waiting == 1
    await presence.flush()
    assert await stored_last_seen(sessionmaker, 502) == MOMENT + timedelta(minutes=6)


async def test_first_contact_is_stored_at_once_and_stamped_later(sessionmaker):
    presence = Presence(sessionmaker, delay=3600)
    async with sessionmaker() as session, session.begin():
        official = await recognise(
            session, TelegramPerson(503, "Вера", username="vera"), MOMENT, presence=presence
        )
    assert official.id is not None
    async with sessionmaker() as session:
        stored = await session.scalar(select(Official).where(Official.telegram_id == 503))
        assert stored is not None and stored.username == "vera"
    await presence.flush()
    assert await stored_last_seen(sessionmaker, 503) == MOMENT


async def test_everyone_seen_is_written_after_the_delay_without_a_flush(sessionmaker):
    async with sessionmaker() as session, session.begin():
        session.add_all(Official(telegram_id=510 + i, first_name=f"P{i}") for i in range(3))
    presence = Presence(sessionmaker, delay=0)
    async with sessionmaker() as session, session.begin():
        for i in range(3):
            await recognise(session, TelegramPerson(510 + i, f"P{i}"), MOMENT, presence=presence)
    writer = presence._writer
    assert writer is not None
    await writer
    for i in range(3):
        assert await stored_last_seen(sessionmaker, 510 + i) == MOMENT
