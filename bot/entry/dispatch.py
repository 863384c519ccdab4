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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


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
