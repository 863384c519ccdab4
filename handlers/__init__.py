"""aiogram routers, one per feature; `all_routers()` gives them in the order they must run."""

from __future__ import annotations

from aiogram import Router

from handlers import errors, fallback, language, plans, start


def all_routers() -> list[Router]:
    # The fallback router answers what nobody else did, so it comes last.
    return [errors.router, start.router, language.router, plans.router, fallback.router]
