"""The command menus: what each kind of user sees in Telegram's "/" menu and in /help.

Descriptions are gettext message ids marked with `N_` and translated when the menu is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.access import Roles
from bot.i18n import N_


class Audience(StrEnum):
    GUEST = "guest"
    EXECUTOR = "executor"
    COORDINATOR = "coordinator"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class MenuCommand:
    command: str
    description: str  # a message id


START = MenuCommand("start", N_("Start and see what you answer for"))
HELP = MenuCommand("help", N_("What the bot can do"))
LANG = MenuCommand("lang", N_("Change the language"))
SETTINGS = MenuCommand("settings", N_("Language and time zone"))
PLANS = MenuCommand("plans", N_("Plans and their progress"))
IMPORT = MenuCommand("import", N_("Load a plan from a file"))
AMEND = MenuCommand("amend", N_("Apply an amendment order to a plan"))
MY = MenuCommand("my", N_("My measures and their deadlines"))
LEAVE = MenuCommand("leave", N_("Stop answering for a body"))
FIND = MenuCommand("find", N_("Find a measure by number or words"))
ORGS = MenuCommand("orgs", N_("Bodies of my plans and who is registered"))
OFFICIALS = MenuCommand("officials", N_("People registered with my plans' bodies"))
INVITE = MenuCommand("invite", N_("Invite a person by link"))
REVIEW = MenuCommand("review", N_("Reports waiting for my review"))
REMINDERS = MenuCommand("reminders", N_("How often officials are reminded"))
EVIDENCE = MenuCommand("evidence", N_("Reports without a file: by the document's requisites"))
EXPORT = MenuCommand("export", N_("The plan as a spreadsheet"))
DIGEST = MenuCommand("digest", N_("My weekly digest: day and time"))
COORDINATORS = MenuCommand("coordinators", N_("Coordinators of the plans (administrators)"))
SUMMARY = MenuCommand("summary", N_("Where a plan stands: counts, bodies, sections"))
OVERDUE = MenuCommand("overdue", N_("Overdue measures"))
UPCOMING = MenuCommand("upcoming", N_("Deadlines in the coming days (/upcoming 30)"))
ORG = MenuCommand("org", N_("One body: its measures and its people (/org NAME)"))
SECTION = MenuCommand("section", N_("One section of a plan (/section NUMBER)"))

COORDINATOR_MENU = (
    START,
    SUMMARY,
    OVERDUE,
    UPCOMING,
    ORG,
    SECTION,
    PLANS,
    EXPORT,
    REVIEW,
    FIND,
    IMPORT,
    AMEND,
    INVITE,
    ORGS,
    OFFICIALS,
    REMINDERS,
    EVIDENCE,
    DIGEST,
    HELP,
    SETTINGS,
)

MENUS: dict[Audience, tuple[MenuCommand, ...]] = {
    Audience.GUEST: (START, HELP, LANG),
    Audience.EXECUTOR: (START, MY, OVERDUE, UPCOMING, LEAVE, HELP, SETTINGS),
    Audience.COORDINATOR: COORDINATOR_MENU,
    Audience.ADMINISTRATOR: (*COORDINATOR_MENU[:-2], COORDINATORS, HELP, SETTINGS),
}


def audience_of(roles: Roles) -> Audience:
    if roles.is_admin:
        return Audience.ADMINISTRATOR
    if roles.is_coordinator:
        return Audience.COORDINATOR
    if roles.is_executor:
        return Audience.EXECUTOR
    return Audience.GUEST
