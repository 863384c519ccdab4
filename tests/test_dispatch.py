"""The dispatcher as wired: filters run on the event loop, buttons go by prefix."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackQueryFilter


def test_no_filter_of_the_bot_runs_in_a_thread(running_bot):
    filters = [
        check
        for router in running_bot.dispatcher.chain_tail
        for observer in router.observers.values()
        for handler in [*observer.handlers, observer._handler]
        for check in handler.filters or ()
    ]
    assert filters
    assert all(check.awaitable for check in filters)


def test_a_router_of_buttons_first_checks_the_prefix(running_bot):
    routers = {router.name: router for router in running_bot.dispatcher.chain_tail}
    my_measures = routers["handlers.my_measures"].callback_query
    (prefix_check,) = my_measures._handler.filters
    prefixes = {
        check.callback.callback_data.__prefix__
        for handler in my_measures.handlers
        for check in handler.filters
        if isinstance(check.callback, CallbackQueryFilter)
    }
    assert {prefix for prefix, _ in prefix_check.callback.prefixes} == prefixes


async def test_buttons_of_every_feature_still_reach_their_handlers(running_bot):
    """/my, a group, a card and back: each press is answered by the my_measures router."""
    from tests.test_timezones import CAPITAL, DEADLINE, make_world, person

    await make_world(running_bot.sessionmaker, far_east_zone=None, deadline=DEADLINE)
    official = person(running_bot, CAPITAL)
    official.send_command("/my")
    overview = await official.wait_for_message("Your measures")
    group = next(text for text in overview.flat_button_texts() if text.endswith(": 1"))
    official.press(overview, text=group)
    listing = await official.wait_for_edit(overview, lambda m: "Overview" in m.flat_button_texts())
    official.press(listing, text="Overview")
    await official.wait_for_edit(listing, "Your measures")


async def test_a_button_press_does_not_read_the_conversation_step(running_bot, monkeypatch):
    """Only typed messages are filtered by a conversation's step: /my reads it (one query),
    pressing /my's buttons does not, and the step a person is in is still honoured."""
    from bot.entry.conversations import DatabaseStorage
    from tests.test_timezones import CAPITAL, DEADLINE, make_world, person

    reads = []
    read_step = DatabaseStorage.get_state

    async def counted(self, key):
        reads.append(key.user_id)
        return await read_step(self, key)

    monkeypatch.setattr(DatabaseStorage, "get_state", counted)
    await make_world(running_bot.sessionmaker, far_east_zone=None, deadline=DEADLINE)
    official = person(running_bot, CAPITAL)
    official.send_command("/my")
    overview = await official.wait_for_message("Your measures")
    assert reads == [CAPITAL]
    group = next(text for text in overview.flat_button_texts() if text.endswith(": 1"))
    official.press(overview, text=group)
    await official.wait_for_edit(overview, lambda m: "Overview" in m.flat_button_texts())
    assert reads == [CAPITAL]


def test_the_step_is_read_for_every_kind_of_update_a_handler_filters_by_step():
    from aiogram import Router
    from aiogram.filters import StateFilter
    from aiogram.fsm.state import State, StatesGroup

    from bot.entry.dispatch import state_filtered_events
    from handlers import build_routers

    class Step(StatesGroup):
        waiting = State()

    buttons_by_step = Router()

    @buttons_by_step.callback_query(StateFilter(Step.waiting))
    async def pressed_while_waiting(query) -> None: ...

    @buttons_by_step.message()
    async def step_asked(message, raw_state) -> None: ...

    assert state_filtered_events([buttons_by_step]) == {"callback_query", "message"}
    # The bot's own: steps wait for typed text or files, never for a button.
    assert state_filtered_events(build_routers()) == {"message"}
