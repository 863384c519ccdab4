"""/reminders: a coordinator chooses how often a plan's officials are reminded."""

from __future__ import annotations

from sqlalchemy import select

from models.tables import AuditEvent, Membership, Official, Plan, Role


async def setup_plans(sessionmaker) -> tuple[int, int]:
    async with sessionmaker() as session, session.begin():
        own, other = Plan(title="План НСО"), Plan(title="Чужой план")
        coordinator = Official(telegram_id=6001, first_name="Ирина", last_name="Орлова")
        session.add_all([own, other, coordinator])
        await session.flush()
        session.add(Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=own.id))
        return own.id, other.id


async def test_a_coordinator_picks_a_schedule_and_turns_reminders_off(running_bot):
    own, _ = await setup_plans(running_bot.sessionmaker)
    emulator = running_bot.emulator
    user = emulator.user(6001, first_name="Ирина")
    user.send_command("/reminders")
    listing = await user.wait_for_message()
    assert "План НСО" in listing.text and "Чужой план" not in listing.text
    assert "за сколько дней до срока: 14, 7, 3, 1, 0" in listing.text
    user.press(listing, text="1. Реже")
    rarer = await user.wait_for_edit(listing, "7, 1, 0")
    assert "каждые 3 раб. дн." in rarer.text
    user.press(rarer, text="1. Выключить")
    off = await user.wait_for_edit(listing, "напоминания выключены", min_edits=2)
    assert "1. Включить" in [text for row in emulator.button_texts(off) for text in row]
    user.send_command("/reminders")
    await user.wait_for_message()  # the choices above are committed
    async with running_bot.sessionmaker() as session:
        plan = await session.get(Plan, own)
        events = (await session.scalars(select(AuditEvent.action))).all()
    assert plan.reminder_policy == {
        "before_days": [7, 1, 0],
        "overdue_every_working_days": 3,
        "enabled": False,
    }
    assert events.count("reminder_policy_changed") == 2


async def test_nobody_changes_the_reminders_of_a_plan_they_do_not_coordinate(running_bot):
    _, other = await setup_plans(running_bot.sessionmaker)
    emulator = running_bot.emulator
    for user_id in (6001, 6002):  # the coordinator of another plan, and a stranger
        user = emulator.user(user_id)
        emulator.inject_update(
            {
                "callback_query": {
                    "id": f"forged-{user_id}",
                    "from": user.user_dict,
                    "chat_instance": "1",
                    "data": f"rem:{other}:off",
                }
            }
        )
        answer = await user.wait_for_callback_answer(f"forged-{user_id}")
        assert answer.show_alert
    stranger = emulator.user(6002)
    stranger.send_command("/reminders")
    # As every coordinator's command: someone not registered is told the way in.
    assert "регистрации по приглашению" in (await stranger.wait_for_message()).text
    async with running_bot.sessionmaker() as session:
        assert (await session.get(Plan, other)).reminder_policy is None
