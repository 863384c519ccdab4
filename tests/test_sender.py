"""The outbox sender: every notification once, Telegram's errors and limits handled."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import html
import io
import itertools
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.entry.translations import create_i18n
from models.base import utc_now
from models.tables import (
    Assignment,
    Measure,
    Membership,
    Notification,
    NotificationStatus,
    Official,
    Organization,
    Plan,
    Role,
)
from scheduler.notifications import UNREACHABLE, Delivery, Photo, register, register_photos, render
from scheduler.sender import OutboxSender, RateLimiter

TEST_KIND = "test_plain"


@register(TEST_KIND)
def render_test(payload, gettext, ngettext, delivery):
    return html.escape(payload["text"]), None


class Clock:
    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


class FakeMonotonic:
    """The sender's stopwatch in tests: it moves only when the sender sleeps on it, so a wait
    of a second costs no real time and limits are checked on exact times, however busy the
    machine is."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        # Waiting for time to pass without ever asking for any would hang on this stopwatch.
        assert len(self.slept) < 100_000, "the sender keeps sleeping without time passing"
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)  # let the others run, as a real sleep would


def record_sends(bot, stopwatch: FakeMonotonic) -> list[tuple[float, int]]:
    """(time on the stopwatch, chat id) of every sendMessage the bot starts."""
    sends: list[tuple[float, int]] = []

    async def note(make_request, bot, method):
        if method.__api_method__ == "sendMessage":
            sends.append((stopwatch(), method.chat_id))
        return await make_request(bot, method)

    bot.session.middleware(note)
    return sends


def busiest_second(times: list[float]) -> int:
    """The most sends that started within any one second."""
    times = sorted(times)
    return max(
        (bisect.bisect_left(times, start + 1.0) - index for index, start in enumerate(times)),
        default=0,
    )


@pytest.fixture
def stopwatch() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
async def bot(emulator):
    bot = emulator.create_bot()
    yield bot
    await bot.session.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def make_sender(bot, sessionmaker, clock):
    i18n = create_i18n()

    def make(**kwargs) -> OutboxSender:
        kwargs.setdefault("clock", clock)
        # Tests that do not measure the limits need not wait a second between tries to a chat.
        kwargs.setdefault("per_chat_interval", 0.05)
        return OutboxSender(bot, sessionmaker, i18n, **kwargs)

    return make


async def add_official(sessionmaker, emulator, telegram_id, name="Анна", **fields) -> int:
    emulator.user(telegram_id, first_name=name)
    async with sessionmaker() as session, session.begin():
        official = Official(telegram_id=telegram_id, first_name=name, **fields)
        session.add(official)
        await session.flush()
        return official.id


async def enqueue(sessionmaker, clock, recipient_id, chat_id, key, text="hello", **fields) -> None:
    fields.setdefault("kind", TEST_KIND)
    fields.setdefault("payload", {"text": text})
    fields.setdefault("not_before", clock())
    async with sessionmaker() as session, session.begin():
        session.add(
            Notification(
                recipient_id=recipient_id,
                chat_id=chat_id,
                dedup_key=key,
                updated_at=clock(),
                **fields,
            )
        )


async def by_key(sessionmaker, key) -> Notification:
    async with sessionmaker() as session:
        return await session.scalar(select(Notification).where(Notification.dedup_key == key))


async def test_each_row_is_delivered_once(emulator, sessionmaker, clock, make_sender):
    chats = [7001, 7002, 7003]
    for index, chat in enumerate(chats):
        official = await add_official(sessionmaker, emulator, chat)
        await enqueue(sessionmaker, clock, official, chat, f"k{index}", text=f"<b>{index}</b> & co")
    future = await add_official(sessionmaker, emulator, 7004)
    await enqueue(
        sessionmaker, clock, future, 7004, "later", not_before=clock() + timedelta(hours=1)
    )
    sender = make_sender()

    stats = await sender.drain_once()
    assert (stats.claimed, stats.sent, stats.failed, stats.retried) == (3, 3, 0, 0)
    for index, chat in enumerate(chats):
        [message] = emulator.messages(chat)
        assert message.text == f"<b>{index}</b> & co"  # escaped, shown literally
        row = await by_key(sessionmaker, f"k{index}")
        assert row.status == NotificationStatus.SENT
        assert row.sent_message_id == message.message_id
        assert row.attempts == 1
    assert emulator.messages(7004) == []

    again = await sender.drain_once()
    assert (again.claimed, again.sent) == (0, 0)
    assert emulator.stats().sent_messages == 3


async def test_concurrent_drains_never_send_twice(emulator, sessionmaker, clock, make_sender):
    chats = list(range(7101, 7111))
    for chat in chats:
        official = await add_official(sessionmaker, emulator, chat)
        await enqueue(sessionmaker, clock, official, chat, f"c{chat}")
    # Two senders stand for two processes; the first one also gets a second, overlapping call.
    first, second = make_sender(global_per_second=200), make_sender(global_per_second=200)
    results = await asyncio.gather(first.drain_once(), first.drain_once(), second.drain_once())
    assert results[1].skipped
    assert sum(result.sent for result in results) == len(chats)
    assert all(len(emulator.messages(chat)) == 1 for chat in chats)


async def test_retry_after_then_server_error_then_success(
    emulator, sessionmaker, clock, make_sender
):
    official = await add_official(sessionmaker, emulator, 7201)
    await enqueue(sessionmaker, clock, official, 7201, "flaky")
    emulator.fail_next("sendMessage", 429, retry_after=1)
    emulator.fail_next("sendMessage", 500)
    stopwatch = FakeMonotonic()
    sender = make_sender(monotonic=stopwatch, sleep=stopwatch.sleep)
    sends = record_sends(sender.bot, stopwatch)

    stats = await sender.drain_once()
    # Waited out retry_after (1 s), then retried in place.
    assert len(sends) == 2
    assert sends[1][0] - sends[0][0] >= 1.0
    assert (stats.sent, stats.retried) == (0, 1)
    row = await by_key(sessionmaker, "flaky")
    assert row.status == NotificationStatus.PENDING
    assert row.attempts == 2
    assert row.not_before > clock()  # backoff
    assert "TelegramServerError" in row.last_error

    assert (await sender.drain_once()).claimed == 0  # not due yet
    clock.advance(seconds=10)
    stats = await sender.drain_once()
    assert stats.sent == 1
    row = await by_key(sessionmaker, "flaky")
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 3)
    assert len(emulator.messages(7201)) == 1
    assert emulator.stats().sent_messages == 1


async def test_server_errors_fail_after_max_attempts(emulator, sessionmaker, clock, make_sender):
    official = await add_official(sessionmaker, emulator, 7301)
    await enqueue(sessionmaker, clock, official, 7301, "down")
    emulator.fail_next("sendMessage", 502, times=10)
    sender = make_sender(max_attempts=3)
    outcomes = []
    for _ in range(4):
        outcomes.append(await sender.drain_once())
        clock.advance(minutes=10)
    assert [(s.retried, s.failed) for s in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    row = await by_key(sessionmaker, "down")
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 3)
    assert row.last_error
    assert emulator.messages(7301) == []


async def seed_blocked_official(sessionmaker, emulator) -> dict[str, int]:
    """Official 7401 of a body with measures in two plans: the first has coordinator 7402,
    the second none (so the administrators hear of it)."""
    ids = {
        "official": await add_official(sessionmaker, emulator, 7401, name="Иван <Петров>"),
        "coordinator": await add_official(sessionmaker, emulator, 7402, name="Coordinator"),
        "admin": await add_official(sessionmaker, emulator, 7403, name="Admin"),
        "bystander": await add_official(sessionmaker, emulator, 7404, name="Other"),
    }
    async with sessionmaker() as session, session.begin():
        body = Organization(full_name="Body <X> & Co", name_key="body <x> & co")
        other_body = Organization(full_name="Other body", name_key="other body")
        plans = [Plan(title="First"), Plan(title="Second"), Plan(title="Unrelated")]
        session.add_all([body, other_body, *plans])
        await session.flush()
        for index, (plan, organization) in enumerate(
            [(plans[0], body), (plans[1], body), (plans[2], other_body)]
        ):
            measure = Measure(
                plan_id=plan.id,
                number=f"{index}.",
                number_key=str(index),
                sort_key=str(index),
                title="Measure",
            )
            session.add(measure)
            await session.flush()
            session.add(Assignment(measure_id=measure.id, organization_id=organization.id))
        session.add_all(
            [
                Membership(
                    official_id=ids["official"], role=Role.OFFICIAL, organization_id=body.id
                ),
                Membership(
                    official_id=ids["coordinator"], role=Role.COORDINATOR, plan_id=plans[0].id
                ),
                Membership(
                    official_id=ids["bystander"], role=Role.COORDINATOR, plan_id=plans[2].id
                ),
            ]
        )
    return ids


async def test_blocked_recipient(emulator, sessionmaker, clock, make_sender):
    ids = await seed_blocked_official(sessionmaker, emulator)
    official = ids["official"]
    await enqueue(sessionmaker, clock, official, 7401, "b1")
    await enqueue(sessionmaker, clock, official, 7401, "b2")  # in the same batch
    await enqueue(sessionmaker, clock, official, 7401, "b3", not_before=clock() + timedelta(days=1))
    emulator.user(7401).block_bot(notify=False)
    # 7403 has an Official row, 900000999 none: it is skipped.
    sender = make_sender(admin_ids={7403, 900_000_999})

    stats = await sender.drain_once()
    assert (stats.sent, stats.failed, stats.cancelled, stats.enqueued) == (0, 1, 2, 2)
    statuses = {key: (await by_key(sessionmaker, key)).status for key in ("b1", "b2", "b3")}
    assert statuses == {
        "b1": NotificationStatus.FAILED,
        "b2": NotificationStatus.CANCELLED,
        "b3": NotificationStatus.CANCELLED,
    }
    async with sessionmaker() as session:
        blocked_at = (await session.get(Official, official)).blocked_bot_at
    assert blocked_at is not None
    assert emulator.stats().calls_by_method.get("sendMessage") == 1  # b2 was never tried

    await sender.drain_once()
    # The same official, blocked again later that day: no second notice.
    await enqueue(sessionmaker, clock, official, 7401, "b4")
    again = await sender.drain_once()
    assert (again.failed, again.enqueued) == (1, 0)
    await sender.drain_once()

    for chat in (7402, 7403):
        [notice] = emulator.messages(chat)
        assert "Иван <Петров>" in notice.text
        assert "Body <X> & Co" in notice.text
    assert emulator.messages(7404) == []  # coordinator of an unrelated plan
    assert emulator.messages(7401) == []
    async with sessionmaker() as session:
        notices = (
            await session.scalars(select(Notification).where(Notification.kind == UNREACHABLE))
        ).all()
    assert sorted(n.recipient_id for n in notices) == sorted([ids["coordinator"], ids["admin"]])
    assert all(n.status == NotificationStatus.SENT for n in notices)


async def test_blocked_recipient_of_a_body_whose_measures_passed_on_today(
    emulator, sessionmaker, clock, make_sender
):
    """An assignment ended today is history: that plan's coordinator is not told."""
    ids = await seed_blocked_official(sessionmaker, emulator)
    async with sessionmaker() as session, session.begin():
        first = await session.scalar(select(Plan.id).where(Plan.title == "First"))
        measure = await session.scalar(select(Measure.id).where(Measure.plan_id == first))
        assignment = await session.scalar(
            select(Assignment).where(Assignment.measure_id == measure)
        )
        assignment.valid_until = clock().date()
    await enqueue(sessionmaker, clock, ids["official"], 7401, "passed")
    emulator.user(7401).block_bot(notify=False)
    sender = make_sender(admin_ids={7403})

    stats = await sender.drain_once()
    assert (stats.failed, stats.enqueued) == (1, 1)
    await sender.drain_once()
    assert emulator.messages(7402) == []
    [notice] = emulator.messages(7403)  # the second plan has no coordinator
    assert "Body <X> & Co" in notice.text


def slow_recording(sender: OutboxSender, seconds: float) -> list[int]:
    """Make every write of sent messages take `seconds` longer; returns the batch sizes."""
    batches: list[int] = []
    record = sender._record_sent

    async def slow(batch):
        batches.append(len(batch))
        await asyncio.sleep(seconds)
        await record(batch)

    sender._record_sent = slow
    return batches


async def test_slow_database_does_not_slow_sending(
    emulator, sessionmaker, clock, stopwatch, make_sender
):
    chats = list(range(8200, 8220))
    for chat in chats:
        official = await add_official(sessionmaker, emulator, chat)
        await enqueue(sessionmaker, clock, official, chat, f"slow{chat}")
    sender = make_sender(
        per_chat_interval=1.0, concurrency=2, monotonic=stopwatch, sleep=stopwatch.sleep
    )
    # Every write of sent messages hangs until all 20 messages are out: if a write held a
    # sending slot, only as many messages as there are slots could go out meanwhile.
    batches: list[int] = []
    record = sender._record_sent
    database_answers = asyncio.Event()

    async def hanging(batch):
        batches.append(len(batch))
        await database_answers.wait()
        await record(batch)

    sender._record_sent = hanging
    drain = asyncio.create_task(sender.drain_once())
    with contextlib.suppress(AssertionError):  # the count below tells what went wrong
        await emulator.wait_until(lambda: emulator.stats().sent_messages == 20)
    sent_while_writing, writes_waiting = emulator.stats().sent_messages, len(batches)
    database_answers.set()
    stats = await drain

    assert writes_waiting >= 1  # the database was indeed being written to meanwhile
    assert sent_while_writing == 20
    assert stats.sent == 20
    # One write per message would be 20 slow writes; sent messages are written together.
    assert sum(batches) == 20
    assert len(batches) <= 3
    for chat in chats:
        row = await by_key(sessionmaker, f"slow{chat}")
        [message] = emulator.messages(chat)
        assert (row.status, row.sent_message_id) == (NotificationStatus.SENT, message.message_id)


async def test_message_out_before_a_block_stays_sent(emulator, sessionmaker, clock, make_sender):
    ids = await seed_blocked_official(sessionmaker, emulator)
    for key in ("first", "second", "third"):
        await enqueue(sessionmaker, clock, ids["official"], 7401, key)
    sender = make_sender(per_chat_interval=0.5)
    # The first message is still being written when the second finds the bot blocked.
    slow_recording(sender, 1.0)
    drain = asyncio.create_task(sender.drain_once())
    await emulator.wait_until(lambda: len(emulator.messages(7401)) == 1)
    emulator.user(7401).block_bot(notify=False)
    stats = await drain

    assert (stats.sent, stats.failed, stats.cancelled) == (1, 1, 1)
    statuses = [(await by_key(sessionmaker, key)).status for key in ("first", "second", "third")]
    assert statuses == [
        NotificationStatus.SENT,
        NotificationStatus.FAILED,
        NotificationStatus.CANCELLED,
    ]


async def test_a_refused_message_is_sent_once_in_its_safe_form_and_unknown_kinds_fail(
    emulator, sessionmaker, clock, make_sender
):
    official = await add_official(sessionmaker, emulator, 7501)
    # Too long for Telegram: not tried as is, but cut to fit.
    await enqueue(sessionmaker, clock, official, 7501, "long", text="x" * 5000)
    await enqueue(sessionmaker, clock, official, 7501, "unknown", kind="no_such_kind")
    other = await add_official(sessionmaker, emulator, 7502)
    await enqueue(sessionmaker, clock, other, 7502, "refused")
    third = await add_official(sessionmaker, emulator, 7503)
    await enqueue(sessionmaker, clock, third, 7503, "refused twice")
    emulator.fail_next("sendMessage", 400, chat_id=7502)
    emulator.fail_next("sendMessage", 400, chat_id=7503, times=2)
    sender = make_sender()

    stats = await sender.drain_once()
    assert (stats.sent, stats.failed, stats.retried) == (2, 2, 0)
    [long] = emulator.messages(7501)
    assert long.text.startswith("xxx") and long.text.endswith("…") and len(long.text) == 4096
    assert [m.text for m in emulator.messages(7502)] == ["hello"]
    assert (await by_key(sessionmaker, "refused")).status == NotificationStatus.SENT
    for key, attempts in (("unknown", 1), ("refused twice", 2)):
        row = await by_key(sessionmaker, key)
        assert (row.status, row.attempts) == (NotificationStatus.FAILED, attempts)
        assert row.last_error
    clock.advance(hours=1)
    assert (await sender.drain_once()).claimed == 0
    assert emulator.stats().calls_by_method.get("sendMessage") == 5
    async with sessionmaker() as session:
        assert (await session.get(Official, official)).blocked_bot_at is None


async def test_stuck_rows_are_recovered_and_sent_once(emulator, sessionmaker, clock, make_sender):
    official = await add_official(sessionmaker, emulator, 7601)
    await enqueue(sessionmaker, clock, official, 7601, "stuck", status="sending", attempts=1)
    await enqueue(sessionmaker, clock, official, 7601, "poison", status="sending", attempts=8)
    clock.advance(minutes=10)
    await enqueue(sessionmaker, clock, official, 7601, "in-flight", status="sending", attempts=1)
    sender = make_sender()

    stats = await sender.drain_once()
    assert (stats.recovered, stats.sent) == (1, 1)
    assert len(emulator.messages(7601)) == 1
    assert (await by_key(sessionmaker, "stuck")).status == NotificationStatus.SENT
    assert (await by_key(sessionmaker, "poison")).status == NotificationStatus.FAILED
    # Claimed a moment ago by another process: left alone.
    assert (await by_key(sessionmaker, "in-flight")).status == NotificationStatus.SENDING
    again = await sender.drain_once()
    assert (again.recovered, again.sent) == (0, 0)
    assert len(emulator.messages(7601)) == 1


async def test_stop_releases_claimed_rows(emulator, sessionmaker, clock, make_sender):
    official = await add_official(sessionmaker, emulator, 7701)
    for index in range(3):
        await enqueue(sessionmaker, clock, official, 7701, f"s{index}")
    sender = make_sender()
    task = asyncio.create_task(sender.drain_once())
    await emulator.wait_until(lambda: len(emulator.messages(7701)) == 1)
    sender.request_stop()
    stats = await task
    assert (stats.sent, stats.released) == (1, 2)
    rows = [await by_key(sessionmaker, f"s{index}") for index in range(3)]
    assert [row.status for row in rows] == [
        NotificationStatus.SENT,
        NotificationStatus.PENDING,
        NotificationStatus.PENDING,
    ]
    assert [row.attempts for row in rows] == [1, 0, 0]


async def test_limits_are_respected(emulator, sessionmaker, clock, stopwatch, make_sender):
    # The busy chat's rows come first: they must not hold up the 60 others.
    busy = await add_official(sessionmaker, emulator, 8100)
    for index in range(3):
        await enqueue(sessionmaker, clock, busy, 8100, f"busy{index}", text=f"busy {index}")
    chats = list(range(8000, 8060))
    for chat in chats:
        official = await add_official(sessionmaker, emulator, chat)
        await enqueue(sessionmaker, clock, official, chat, f"r{chat}")
    # The production limits: 24.5 a second, at most 25 in any second, a second per chat.
    sender = make_sender(per_chat_interval=1.0, monotonic=stopwatch, sleep=stopwatch.sleep)
    sends = record_sends(sender.bot, stopwatch)

    stats = await sender.drain_once()
    assert stats.sent == 63
    times = [at for at, _ in sends]
    assert busiest_second(times) <= 25
    for chat in [8100, *chats]:
        chat_times = [at for at, to in sends if to == chat]
        assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(chat_times))
    busy_messages = emulator.messages(8100)
    assert [m.text for m in busy_messages] == ["busy 0", "busy 1", "busy 2"]
    # The busy chat did not hold the others up: they went out at the global pace meanwhile,
    # 25 in the first second, and all 63 within 62 intervals of 1/24.5 s.
    started = times[0]
    assert sum(1 for at in times if at < started + 1.0) == 25
    assert times[-1] - started <= 62 / 24.5 + 1e-6


async def test_never_more_than_25_in_any_second_even_after_late_sends(stopwatch):
    """Sends that start late may catch up, but never put 26 messages into one second."""
    limiter = RateLimiter(24.5, 1.0, stopwatch, max_per_second=25, sleep=stopwatch.sleep)
    rng = random.Random(5)
    starts = []
    for index in range(2000):
        await limiter.acquire(index)
        starts.append(stopwatch())
        # Now and then the caller is late for its next slot (a slow event loop, a long send).
        stopwatch.now += rng.choice([0.0, 0.0, 0.0, 0.01, 0.05, 0.3])
    assert busiest_second(starts) == 25
    # Without lateness, the pace is the configured one.
    steady = RateLimiter(24.5, 1.0, stopwatch, max_per_second=25, sleep=stopwatch.sleep)
    began = stopwatch()
    for index in range(245):
        await steady.acquire(index)
    assert 24 <= 244 / (stopwatch() - began) <= 25


def test_unreachable_renderer_escapes_and_pluralises():
    def gettext(message):
        return message

    def ngettext(singular, plural, n):
        return singular if n == 1 else plural

    delivery = Delivery(now=utc_now())
    one, markup = render(
        UNREACHABLE, {"person": "<Ann>", "bodies": ["A & B"]}, gettext, ngettext, delivery
    )
    assert markup is None
    assert "«&lt;Ann&gt;»" in one
    assert "«A &amp; B»" in one
    assert "this body" in one
    two, _ = render(
        UNREACHABLE, {"person": "Ann", "bodies": ["A", "B"]}, gettext, ngettext, delivery
    )
    assert "these bodies" in two
    assert "«A», «B»" in two
    none, _ = render(UNREACHABLE, {"person": "Ann", "bodies": []}, gettext, ngettext, delivery)
    assert "«Ann»" in none


@register("test_i18n")
def render_with_aiogram_gettext(payload, gettext, ngettext, delivery):
    # Uses aiogram's context-bound `_`, which needs the context the sender sets up.
    from aiogram.utils.i18n import gettext as _

    return f"{_('Change the language')} | {gettext('Change the language')}", None


async def test_rendered_in_recipients_locale(emulator, sessionmaker, clock, make_sender):
    russian = await add_official(sessionmaker, emulator, 7801)  # no locale: the default one
    english = await add_official(sessionmaker, emulator, 7802, locale="en")
    await enqueue(sessionmaker, clock, russian, 7801, "ru", kind="test_i18n")
    await enqueue(sessionmaker, clock, english, 7802, "en", kind="test_i18n")
    assert (await make_sender().drain_once()).sent == 2
    assert emulator.messages(7801)[0].text == "Сменить язык | Сменить язык"
    assert emulator.messages(7802)[0].text == "Change the language | Change the language"


PHOTO_KIND = "test_photo"


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@register(PHOTO_KIND)
def render_photo_text(payload, gettext, ngettext, delivery):
    return html.escape(payload["text"]), None


@register_photos(PHOTO_KIND)
async def render_photos(payload, gettext, delivery):
    return [Photo(tiny_png(), f"<b>{n}</b>") for n in payload["photos"]]


def record_all_sends(bot, stopwatch: FakeMonotonic) -> list[tuple[float, str]]:
    """(time on the stopwatch, method) of every send the bot starts."""
    sends: list[tuple[float, str]] = []

    async def note(make_request, bot, method):
        if method.__api_method__ in ("sendMessage", "sendPhoto"):
            sends.append((stopwatch(), method.__api_method__))
        return await make_request(bot, method)

    bot.session.middleware(note)
    return sends


async def test_pictures_go_first_then_the_text_each_within_the_limits(
    emulator, sessionmaker, clock, make_sender
):
    official = await add_official(sessionmaker, emulator, 7901)
    payload = {"text": "the digest", "photos": ["chart 1", "chart 2"]}
    await enqueue(sessionmaker, clock, official, 7901, "pics", kind=PHOTO_KIND, payload=payload)
    stopwatch = FakeMonotonic()
    sender = make_sender(monotonic=stopwatch, sleep=stopwatch.sleep, per_chat_interval=1.0)
    sends = record_all_sends(sender.bot, stopwatch)

    stats = await sender.drain_once()
    assert stats.sent == 1
    first, second, text = emulator.messages(7901)
    assert (first.caption, second.caption, text.text) == ("chart 1", "chart 2", "the digest")
    assert [method for _, method in sends] == ["sendPhoto", "sendPhoto", "sendMessage"]
    # One chat gets one send a second, pictures included.
    assert all(later - earlier >= 1.0 for (earlier, _), (later, _) in itertools.pairwise(sends))
    row = await by_key(sessionmaker, "pics")
    assert (row.status, row.sent_message_id) == (NotificationStatus.SENT, text.message_id)
    assert (await sender.drain_once()).claimed == 0


async def test_a_picture_that_fails_for_a_while_is_retried_with_its_text_never_losing_it(
    emulator, sessionmaker, clock, make_sender
):
    official = await add_official(sessionmaker, emulator, 7902)
    payload = {"text": "the digest", "photos": ["chart"]}
    await enqueue(sessionmaker, clock, official, 7902, "flaky", kind=PHOTO_KIND, payload=payload)
    emulator.fail_next("sendPhoto", 429, retry_after=1)
    emulator.fail_next("sendPhoto", 500)
    stopwatch = FakeMonotonic()
    sender = make_sender(monotonic=stopwatch, sleep=stopwatch.sleep)

    stats = await sender.drain_once()
    assert (stats.sent, stats.retried) == (0, 1)  # 429 waited out, then 500: later
    assert emulator.messages(7902) == []
    row = await by_key(sessionmaker, "flaky")
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 2)
    clock.advance(seconds=10)
    assert (await sender.drain_once()).sent == 1
    picture, text = emulator.messages(7902)
    assert picture.photo and text.text == "the digest"


async def test_a_refused_picture_is_left_out_and_the_text_sent(
    emulator, sessionmaker, clock, make_sender, caplog
):
    official = await add_official(sessionmaker, emulator, 7903)
    payload = {"text": "the digest", "photos": ["refused", "fine"]}
    await enqueue(sessionmaker, clock, official, 7903, "bad", kind=PHOTO_KIND, payload=payload)
    emulator.fail_next("sendPhoto", 400, description="Bad Request: PHOTO_INVALID_DIMENSIONS")
    sender = make_sender()
    with caplog.at_level("ERROR"):
        stats = await sender.drain_once()
    assert (stats.sent, stats.failed) == (1, 0)
    picture, text = emulator.messages(7903)
    assert (picture.caption, text.text) == ("fine", "the digest")
    assert any("picture refused" in record.getMessage() for record in caplog.records)
    row = await by_key(sessionmaker, "bad")
    assert row.status == NotificationStatus.SENT
