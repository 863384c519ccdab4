"""The command menus: what each kind of user sees in Telegram's "/" menu and in /help.

Descriptions are gettext message ids marked with `N_` and translated when the menu is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.access import Roles


def N_(message: str) -> str:
    return message


class Audience(StrEnum):
    GUEST = "guest"
    EXECUTOR = "executor"
    COORDINATOR = "coordinator"


@dataclass(frozen=True, slots=True)
class MenuCommand:
    command: str
    description: str  # a message id


START = MenuCommand("start", N_("Start and see what you answer for"))
HELP = MenuCommand("help", N_("What the bot can do"))
LANG = MenuCommand("lang", N_("Change the language"))
PLANS = MenuCommand("plans", N_("Plans and their progress"))

MENUS: dict[Audience, tuple[MenuCommand, ...]] = {
    Audience.GUEST: (START, HELP, LANG),
    Audience.EXECUTOR: (START, HELP, LANG),
    Audience.COORDINATOR: (START, PLANS, HELP, LANG),
}


def audience_of(roles: Roles) -> Audience:
    if roles.is_coordinator:
        return Audience.COORDINATOR
    if roles.is_executor:
        return Audience.EXECUTOR
    return Audience.GUEST
