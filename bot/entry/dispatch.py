"""How the dispatcher runs our filters: inline, not in a thread; buttons routed by prefix.

aiogram (3.19 and later) runs every filter that is not a coroutine function - a magic filter
such as `F.text`, a `State` - through `asyncio.to_thread`: each check wakes a pool thread and
then the event loop, and they compete for the GIL. Our filters only read attributes of the
update, so that costs far more than the check; under a burst it was about a tenth of the
bot's time. `run_filters_inline` wraps each such filter in a coroutine that calls it directly.

A pressed button is offered to every router in turn, and each router tries its handlers'
CallbackData filters one by one (each parses the data). `route_buttons_by_prefix` gives each
router whose button handlers all take CallbackData one check first: is the data's prefix one of
theirs? The outcome is the same (a CallbackData filter refuses another prefix); the work is not.

aiogram's FSM middleware reads the conversation's step for every update, one query each, so
that a state filter can compare it. Only message handlers filter by state (a step waits for
typed text or a file), never a button. `StateWhereFiltered` reads it only for the kinds of
update some handler or filter asks `raw_state` of (`state_filtered_events`, found from the
routers once they are all included); the others still get their `state` (`FSMContext`), which
reads the step when a handler asks it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def run_filters_inline(routers: Iterable[Router]) -> int:
    """Make every synchronous filter of these routers (and their sub-routers) run on the
    event loop; the number of filters changed."""
    changed = 0
    for top in routers:
        for router in top.chain_tail:
            for observer in router.observers.values():
                for handler in observer.handlers:
                    for check in handler.filters or ():
                        if not check.awaitable:
                            check.callback = _inline(check.callback)
                            check.awaitable = True
                            changed += 1
    return changed


def _inline(check: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    async def inline_check(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return inline_check


def route_buttons_by_prefix(routers: Iterable[Router]) -> int:
    """Give each router (without sub-routers: a failed router filter skips them too) whose
    button handlers all filter by CallbackData a first check of the data's prefix; the number
    of routers given one."""
    given = 0
    for top in routers:
        for router in top.chain_tail:
            observer = router.callback_query
            if router.sub_routers or not observer.handlers:
                continue
            prefixes = set()
            for handler in observer.handlers:
                factories = [
                    check.callback.callback_data
                    for check in handler.filters or ()
                    if isinstance(check.callback, CallbackQueryFilter)
                ]
                if not factories:
                    break
                prefixes.update(
                    (factory.__prefix__, factory.__separator__) for factory in factories
                )
            else:
                observer.filter(_PrefixIn(frozenset(prefixes)))
                given += 1
    return given


class _PrefixIn(Filter):
    """Does the pressed button's data start with one of these (prefix, separator) pairs?"""

    __slots__ = ("prefixes",)

    def __init__(self, prefixes: frozenset[tuple[str, str]]) -> None:
        self.prefixes = prefixes

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data or ""
        return any(
            data == prefix or data.startswith(prefix + separator)
            for prefix, separator in self.prefixes
        )


def state_filtered_events(routers: Iterable[Router]) -> frozenset[str]:
    """The kinds of update ("message", "callback_query"…) for which some handler of these
    routers (or one of its filters) takes the conversation's step, `raw_state`."""
    kinds = set()
    for top in routers:
        for router in top.chain_tail:
            for kind, observer in router.observers.items():
                for handler in observer.handlers:
                    if "raw_state" in handler.params or any(
                        "raw_state" in check.params for check in handler.filters or ()
                    ):
                        kinds.add(kind)
    return frozenset(kinds)


class StateWhereFiltered(BaseMiddleware):
    """aiogram's FSM middleware (`fsm`), which reads the conversation's step for every update,
    made to read it only for the kinds of update in `read_for` (`state_filtered_events`). The
    others get the same `state` and `fsm_storage`, under the same event isolation, and no
    `raw_state`: a filter or handler asking for it would be found by `state_filtered_events`.
    Until `read_for` is set, every update reads the step, as aiogram does."""

    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self.fsm = fsm
        self.read_for: frozenset[str] | None = None

    def _read_for(self, update: Update) -> bool:
        # The update's own field of each kind, not `Update.event_type` (a cache keyed by the
        # whole update: hashing it costs more than this).
        return any(getattr(update, kind, None) is not None for kind in self.read_for or ())

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if self.read_for is None or not isinstance(event, Update) or self._read_for(event):
            return await self.fsm(handler, event, data)
        data["fsm_storage"] = self.fsm.storage
        context = self.fsm.resolve_event_context(data["bot"], data)
        if context is None:
            return await handler(event, data)
        async with self.fsm.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)
