"""Plan files take turns: one at a time per coordinator, two in the whole bot."""

from __future__ import annotations

import asyncio

from bench.crafted_files import xlsx_just_under_the_caps
from bot.plan_import.queue import ImportQueue
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_plan_import_chat import PLAN_ROWS, plan_csv


async def test_a_second_file_of_one_coordinator_waits_for_the_first():
    queue = ImportQueue()
    first = queue.enter(1)
    second = queue.enter(1)
    assert (first.ahead, second.ahead) == (0, 1)
    order: list[str] = []

    async def read(place, name):
        async with queue.turn(place):
            order.append(f"{name} starts")
            await asyncio.sleep(0.01)
            order.append(f"{name} ends")

    await asyncio.gather(read(second, "second"), read(first, "first"))
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert (queue.reading, queue.waiting) == (0, 0)


async def test_two_files_are_read_at_once_in_the_whole_bot_and_the_third_waits():
    queue = ImportQueue()
    places = [queue.enter(owner) for owner in (1, 2, 3)]
    assert [place.ahead for place in places] == [0, 0, 2]
    assert (queue.reading, queue.waiting) == (2, 1)
    async with queue.turn(places[0]):
        pass
    assert places[2].ready.is_set()  # the first one done, the third one's turn
    for place in places[1:]:
        async with queue.turn(place):
            pass
    assert (queue.reading, queue.waiting) == (0, 0)


async def test_a_waiting_file_given_up_leaves_its_place():
    queue = ImportQueue()
    first = queue.enter(1)
    waiting = queue.enter(1)

    async def wait_in_turn():
        async with queue.turn(waiting):
            raise AssertionError("never read")

    task = asyncio.create_task(wait_in_turn())
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert queue.waiting == 0
    async with queue.turn(first):
        pass
    assert (queue.reading, queue.waiting) == (0, 0)
    assert queue.enter(1).ahead == 0


async def test_a_coordinator_sending_two_files_is_told_the_second_waits(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    admin.send_document("plan-big.xlsx", xlsx_just_under_the_caps())
    admin.send_document("plan-small.csv", plan_csv(PLAN_ROWS), mime_type="text/csv")
    queued = await admin.wait_for_message("в очереди", timeout=30)
    assert "«plan-small.csv» в очереди: перед ним 1 файл." in queued.text
    read = await admin.wait_for_edit(
        queued, lambda m: "Сохранить план?" in (m.text or ""), timeout=60, min_edits=1
    )
    assert "План мероприятий по внедрению клиентоцентричности" in read.text
