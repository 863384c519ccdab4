"""Issue 9: the database is never locked over the network, and a failure to show a result never
undoes the change behind it.

Updates commit before every Telegram call and read without SQLite's write lock, so one person's
slow Telegram connection stalls nobody else and not the outbox sender's bookkeeping."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import date

import pytest
from sqlalchemy import func, select, update

from models.base import utc_now
from models.tables import (
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Report,
    ReportStatus,
    Role,
)
from scheduler.notifications import register
from tests.test_coordination import (
    COORDINATOR_A,
    OFFICIAL_A,
    OFFICIAL_B,
    World,
    make_world,
    open_card,
    rows,
    settled,
    today,
    user,
)
from tests.test_reports import open_my_card, send_report_with_file_and_photo

SAVED = "Your change was saved, but something went wrong while showing the result."
NOTHING_SAVED = "Sorry, something went wrong on our side and nothing was saved."

LOAD_KIND = "test_load_plain"


@register(LOAD_KIND)
def render_load_notification(payload, gettext, ngettext, delivery):
    return html.escape(payload["text"]), None


@pytest.fixture
async def world(running_bot) -> World:
    created = await make_world(running_bot.sessionmaker, today(running_bot))
    # Messages from the outbox follow the language people chose: these people chose English.
    async with running_bot.sessionmaker() as session, session.begin():
        await session.execute(update(Official).values(locale="en"))
    return created


# --- A display failure never undoes the work ----------------------------------------------------


@pytest.mark.parametrize("status", [400, 500])
async def test_a_moved_deadline_stays_moved_when_the_card_cannot_be_shown(
    running_bot, world, status
):
    anna = user(running_bot, COORDINATOR_A)
    card = await open_card(anna, "1.1", "1.1. Утверждён порядок обратной связи")
    anna.press(card, text="Change the deadline")
    await anna.wait_for_message("Send the new deadline")
    anna.send_text("5.3.27")
    await anna.wait_for_message("Why is the deadline of measure 1.1. moved to 05.03.2027?")

    description = "Bad Request: message is too long" if status == 400 else None
    running_bot.emulator.fail_next(
        "sendMessage", status, chat_id=COORDINATOR_A, description=description
    )
    anna.send_text("Письмо Минфина")
    told = await anna.wait_for_message(lambda m: "saved" in (m.text or ""))
    assert told.text.startswith(SAVED)

    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.deadline == date(2027, 3, 5)


async def test_an_accepted_report_stays_accepted_when_the_result_cannot_be_shown(
    running_bot, world
):
    official = user(running_bot, OFFICIAL_A)
    coordinator = user(running_bot, COORDINATOR_A)
    card = await open_my_card(official, "Утверждён порядок")
    await send_report_with_file_and_photo(official, card)
    review = await coordinator.wait_for_message("A report for review", timeout=15)
    coordinator.press(review, text="Accept")
    await coordinator.wait_for_edit(review, "Accept the report?")

    # The button is answered, then replacing the message with the result fails.
    running_bot.emulator.fail_next("editMessageText", 500, chat_id=COORDINATOR_A)
    coordinator.press(review, text="Accept")
    told = await coordinator.wait_for_message(lambda m: "saved" in (m.text or ""))
    assert told.text.startswith(SAVED)

    [report] = await rows(running_bot, Report)
    assert report.status is ReportStatus.ACCEPTED
    [measure] = await rows(running_bot, Measure, Measure.id == world.feedback)
    assert measure.done_on == today(running_bot)


async def test_a_failure_of_an_update_that_changed_nothing_says_nothing_was_saved(
    running_bot, world
):
    oleg = user(running_bot, OFFICIAL_A)
    await settled(oleg)  # his first contact (recorded as a change) is behind him
    running_bot.emulator.fail_next("sendMessage", 500, chat_id=OFFICIAL_A)
    oleg.send_command("/my")
    told = await oleg.wait_for_message(lambda m: "saved" in (m.text or ""))
    assert told.text.startswith(NOTHING_SAVED)


# --- One slow chat stalls nobody ----------------------------------------------------------------

OTHER_OFFICIALS = 40  # each sends 5 updates: /my, a group, a card, /lang, a language
OUTBOX_CHATS = 100


async def add_officials(running_bot, world: World) -> list[int]:
    ids = [5000 + number for number in range(OTHER_OFFICIALS)]
    async with running_bot.sessionmaker() as session, session.begin():
        for telegram_id in ids:
            person = Official(telegram_id=telegram_id, first_name=f"U{telegram_id}")
            session.add(person)
            await session.flush()
            session.add(
                Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=world.labour)
            )
    return ids


async def fill_outbox(running_bot) -> list[int]:
    chats = [8000 + number for number in range(OUTBOX_CHATS)]
    now = utc_now()
    async with running_bot.sessionmaker() as session, session.begin():
        for chat in chats:
            running_bot.emulator.user(chat)
            person = Official(telegram_id=chat, first_name=f"R{chat}")
            session.add(person)
            await session.flush()
            session.add(
                Notification(
                    recipient_id=person.id,
                    chat_id=chat,
                    kind=LOAD_KIND,
                    dedup_key=f"load-{chat}",
                    payload={"text": f"outbox message to {chat}"},
                    not_before=now,
                    updated_at=now,
                )
            )
    return chats


async def a_busy_official(running_bot, telegram_id: int) -> None:
    """Five updates, one after another as a person taps: three read, the last one writes."""
    wait = 120  # a bound for a stalled bot to fail, not a speed requirement
    person = user(running_bot, telegram_id)
    person.send_command("/my")
    overview = await person.wait_for_message("Your measures", timeout=wait)
    group = next(text for text in overview.flat_button_texts() if text.startswith("Due within"))
    person.press(overview, text=group)
    listing = await person.wait_for_edit(overview, timeout=wait)
    measure = next(text for text in listing.flat_button_texts() if "Утверждён порядок" in text)
    person.press(listing, text=measure)
    await person.wait_for_edit(overview, lambda m: "Plan:" in (m.text or ""), wait, min_edits=2)
    person.send_command("/lang")
    choice = await person.wait_for_message("Choose the language", timeout=wait)
    person.press(choice, text="Русский")
    await person.wait_for_edit(choice, "Язык бота", timeout=wait)


async def test_one_slow_chat_stalls_nobody_and_nothing_is_sent_twice(running_bot, world, caplog):
    caplog.set_level(logging.INFO)
    emulator = running_bot.emulator
    others = await add_officials(running_bot, world)
    outbox_chats = await fill_outbox(running_bot)

    # Тамара's network is slow: her answers take 40 s (over SQLite's 30 s busy timeout). She
    # switches the language: the change is saved before the bot answers her button.
    tamara = user(running_bot, OFFICIAL_B)
    tamara.send_command("/lang")
    choice = await tamara.wait_for_message("Choose the language")
    emulator.delay_chat(OFFICIAL_B, 40)
    tamara.press(choice, text="Русский")
    await emulator.wait_until(lambda: emulator.delayed_calls_waiting == 1)
    assert await locale_of(running_bot, OFFICIAL_B) == "ru"

    # Meanwhile 40 people make 200 updates and the sender delivers the outbox (25 a second).
    await asyncio.gather(*(a_busy_official(running_bot, telegram_id) for telegram_id in others))
    await emulator.wait_until(
        lambda: all(emulator.messages(chat) for chat in outbox_chats),
        timeout=120,
        message="the outbox was not delivered while Тамара waited",
    )
    # All of that was answered while Тамара's answer was still on its way.
    assert emulator.delayed_calls_waiting == 1
    assert not tamara.callback_answers and choice.edit_count == 0
    emulator.release_chat(OFFICIAL_B)
    await tamara.wait_for_edit(choice, "Язык бота")

    # The languages chosen were saved; the sender recorded every send, each sent once; nothing
    # met a locked database.
    async with running_bot.sessionmaker() as session:
        locales = set(
            await session.scalars(select(Official.locale).where(Official.telegram_id.in_(others)))
        )
    assert locales == {"ru"}
    assert await recorded_as_sent(running_bot, OUTBOX_CHATS)
    assert all(len(emulator.messages(chat)) == 1 for chat in outbox_chats)
    assert "database is locked" not in caplog.text
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


async def locale_of(running_bot, telegram_id: int) -> str | None:
    async with running_bot.sessionmaker() as session:
        return await session.scalar(
            select(Official.locale).where(Official.telegram_id == telegram_id)
        )


async def recorded_as_sent(running_bot, count: int) -> bool:
    """Wait for the sender's bookkeeping (it records sends in batches, after them)."""
    for _ in range(600):
        async with running_bot.sessionmaker() as session:
            sent = await session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(
                    Notification.kind == LOAD_KIND, Notification.status == NotificationStatus.SENT
                )
            )
        if sent == count:
            return True
        await asyncio.sleep(0.1)
    return False
