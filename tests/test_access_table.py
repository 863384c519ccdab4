"""Who may press which button and send which command: one table, every actor, through the real
routers (the Bot API emulator). Buttons carry forged data pointing at plan B's objects, so a
refusal is the only safe answer for whoever may not see plan B; and whoever is refused, or may not
see plan B at all, is shown none of plan B's titles, reports or files.

The table cannot go stale: `test_every_button_and_command_has_a_row` fails when a `CallbackData`
class or a registered command has no row.

The world is the one of `test_coordination` (plan A: Anna; plan B: Boris; «Комитет по туризму»
serves plan B) made harder: the body also answers for Anna's measure 2. (shared), it has a head,
Tamara (its official) has a report on plan B's measure waiting for review, with a document.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from sqlalchemy import select

import bot.presentation
import handlers
from bot.deadline_requests import QuickDate
from bot.due_lists import DueList
from bot.export import ExportKind
from bot.presentation.callbacks import DueListPage, MeasureList, OpenMeasure, SummaryPage, View
from bot.presentation.deadline_requests import DeadlineChoice, DeadlineDecision, Decision
from bot.presentation.official_requests import OfficialRequest, RequestKind
from bot.presentation.question_keyboards import ClaimBody, QuestionReply, ReplyVerb
from bot.presentation.report_keyboards import (
    OpenReport,
    ReportFiles,
    ReportStart,
    ReviewAction,
    ReviewReport,
)
from bot.presentation.requisites_keyboards import RequisiteAction, RequisitesStep
from bot.presentation.successor_keyboards import SuccessorReply
from bot.successors import SuccessorAnswer
from bot.summary_lists import Listed
from bot.timezones import RussianZone
from handlers.amend_offer import AmendAction, AmendDecision
from handlers.bodies import OrgsPage
from handlers.card_actions import AssignBody, RemoveBody
from handlers.coordinators import CoordinatorsPage, RemoveCoordinator
from handlers.digest import DigestAction, DigestChoice
from handlers.directory import (
    DirectoryAction,
    DirectoryDecision,
    EditBody,
    EditField,
    MatchTo,
    PickKind,
    UnmatchedAction,
    UnmatchedBody,
    UnmatchedPage,
)
from handlers.evidence_settings import EvidenceSetting
from handlers.export import ExportAction, ExportButton
from handlers.find import FindPage, OpenFound
from handlers.invite import (
    InviteBodies,
    InviteBody,
    InvitePlan,
    InvitePlans,
    InviteRevoke,
    InviteRole,
)
from handlers.invite_all import InviteAllMake, InviteAllPlan, InviteAllPlans, Whom
from handlers.language import LanguageChoice
from handlers.measure_card import (
    CardAction,
    CardFullText,
    CardHistory,
    CardVerb,
    CardVersions,
    MyList,
)
from handlers.officials import Deactivate, Dismiss, LeaveBody, PeoplePage
from handlers.open_links import OrgsLinkRevoke, OrgsLinks
from handlers.plan_import import ImportAction, ImportDecision
from handlers.registration import JoinAction, JoinInvitation
from handlers.reminder_settings import ReminderChoice
from handlers.report_draft import ReportDrop, ReportFor, ReportSend
from handlers.review_list import ReviewPage
from handlers.timezones import BodyZone, BodyZones, OpenBody, OwnZone, SettingsItem, SettingsMenu
from models.tables import (
    Assignment,
    BodyKind,
    DeadlineChange,
    DeadlineChangeStatus,
    Invitation,
    MeasureQuestion,
    Membership,
    Official,
    Organization,
    QuestionKind,
    Role,
)
from tests.access_probe import Outcome, carrier_of, press, probe, refusal_texts
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_coordination import (
    COORDINATOR_A,
    COORDINATOR_B,
    OFFICIAL_A,
    OFFICIAL_B,
    STRANGER,
    World,
    add_person,
    make_world,
    today,
    user,
)
from tests.test_plan_isolation import REPORT_COMMENT, add_plan_b_report

HEAD_B = 3010

# The actors, named as the issue names them; "the body" is «Комитет по туризму», "this plan" B.
STRANGER_ = "stranger"
OFFICIAL = "official of the body"
OTHER_OFFICIAL = "official of another body"
HEAD = "head of the body"
COORDINATOR = "coordinator of this plan"
OTHER_COORDINATOR = "coordinator of another plan"
ADMIN = "administrator"
ACTORS = {
    STRANGER_: STRANGER,
    OFFICIAL: OFFICIAL_B,
    OTHER_OFFICIAL: OFFICIAL_A,
    HEAD: HEAD_B,
    COORDINATOR: COORDINATOR_B,
    OTHER_COORDINATOR: COORDINATOR_A,
    ADMIN: ADMIN_TELEGRAM_ID,
}
EVERYONE = frozenset(ACTORS)
REGISTERED = EVERYONE - {STRANGER_}
EXECUTORS = frozenset({OFFICIAL, OTHER_OFFICIAL, HEAD})
COORDINATORS = frozenset({COORDINATOR, OTHER_COORDINATOR, ADMIN})
PLAN_B = frozenset({COORDINATOR, ADMIN})
BODY = frozenset({OFFICIAL, HEAD})
NOBODY: frozenset[str] = frozenset()

# Whoever is none of these sees nothing of plan B, whatever they press or send.
MAY_SEE_PLAN_B = frozenset({OFFICIAL, HEAD, COORDINATOR, ADMIN})
PLAN_B_SECRETS = ("План Б", "Чужое обучение", REPORT_COMMENT, "план_б_протокол")


@dataclass(frozen=True)
class Objects:
    """Plan B's objects (and a few of plan A's) the forged buttons point at."""

    world: World
    report: int
    assignment: int  # «Комитет по туризму» on plan B's measure
    tamara: int
    coordinator_membership: int  # Boris's
    invitation: int  # made by Boris
    question: int = 0  # Tamara's question on plan B's measure
    claim: int = 0  # Tamara's "not ours" claim on it
    deadline_request: int = 0  # «Минцифры» asks to move plan A's measure 2.
    former: int = 0  # the body's predecessor, passed to «city»: Tamara and the head still in it


@dataclass(frozen=True)
class Row:
    data: Callable[[Objects], CallbackData]
    allowed: frozenset[str]


# One row (or more) per CallbackData class: the button, and who may press it.
BUTTONS: list[Row] = [
    Row(lambda o: OpenMeasure(measure_id=o.world.foreign), BODY | PLAN_B),
    Row(lambda o: CardHistory(measure_id=o.world.foreign, history=1), BODY | PLAN_B),
    Row(lambda o: CardFullText(measure_id=o.world.foreign), BODY | PLAN_B),
    # The card's coordinator actions (officials open the card with OpenMeasure).
    Row(lambda o: CardAction(action=CardVerb.SHOW, measure_id=o.world.foreign), PLAN_B),
    Row(lambda o: CardAction(action=CardVerb.DEADLINE, measure_id=o.world.foreign), PLAN_B),
    Row(lambda o: CardAction(action=CardVerb.ASSIGN, measure_id=o.world.foreign), PLAN_B),
    Row(lambda o: CardAction(action=CardVerb.REMOVE, measure_id=o.world.foreign), PLAN_B),
    Row(lambda o: OpenFound(measure_id=o.world.foreign), PLAN_B),
    # A page of a search nobody made: out of date for everyone.
    Row(lambda o: FindPage(page=1), NOBODY),
    # The person's own measures: an empty list for whoever answers for none.
    Row(lambda o: MyList(group="overdue"), EVERYONE),
    Row(lambda o: DueListPage(which=DueList.OWN), EXECUTORS),
    Row(lambda o: DueListPage(which=DueList.LATE), COORDINATORS | {HEAD}),
    Row(lambda o: SummaryPage(view=View.PLAN, plan=o.world.plan_b), PLAN_B),
    # A body's summary counts only the measures of the asker's plans (or of their own body).
    Row(lambda o: SummaryPage(view=View.BODY, body=o.world.tourism), COORDINATORS | BODY),
    # An executor's list of a plan holds only their own bodies' measures.
    Row(lambda o: MeasureList(listed=Listed.LATER, plan=o.world.plan_b), EXECUTORS | PLAN_B),
    Row(
        lambda o: MeasureList(listed=Listed.LATER, plan=o.world.plan_b, body=o.world.tourism),
        BODY | PLAN_B,
    ),
    Row(lambda o: ReportStart(measure_id=o.world.foreign), BODY),
    # The body's requests to the coordinators (a head serves the body as its official does).
    Row(lambda o: OfficialRequest(kind=RequestKind.QUESTION, measure_id=o.world.foreign), BODY),
    # The body's claim waits already: the body is told so (a state, not an access refusal).
    Row(lambda o: OfficialRequest(kind=RequestKind.NOT_OURS, measure_id=o.world.foreign), BODY),
    Row(lambda o: QuestionReply(action=ReplyVerb.ANSWER, question_id=o.question), PLAN_B),
    Row(lambda o: QuestionReply(action=ReplyVerb.KEEP, question_id=o.claim), PLAN_B),
    Row(lambda o: QuestionReply(action=ReplyVerb.REASSIGN, question_id=o.claim), PLAN_B),
    Row(lambda o: ReportFor(assignment_id=o.assignment), BODY),
    Row(lambda o: ReportSend(assignment_id=o.assignment), BODY),
    Row(lambda o: ReportDrop(assignment_id=o.assignment), BODY),
    Row(lambda o: RequisitesStep(action=RequisiteAction.START, assignment_id=o.assignment), BODY),
    Row(lambda o: OpenReport(report_id=o.report), BODY | PLAN_B),
    Row(lambda o: ReportFiles(report_id=o.report), BODY | PLAN_B),
    Row(lambda o: ReviewReport(action=ReviewAction.ACCEPT, report_id=o.report), PLAN_B),
    Row(lambda o: ReviewReport(action=ReviewAction.RETURN, report_id=o.report), PLAN_B),
    Row(lambda o: ReviewPage(page=0), COORDINATORS),
    Row(lambda o: ReminderChoice(plan_id=o.world.plan_b, choice="standard"), PLAN_B),
    Row(lambda o: EvidenceSetting(plan_id=o.world.plan_b, allowed=True), PLAN_B),
    Row(lambda o: DigestChoice(action=DigestAction.OFF), COORDINATORS),
    Row(
        lambda o: ExportButton(
            action=ExportAction.PLAN, kind=ExportKind.TABLE, value=o.world.plan_b
        ),
        PLAN_B | {HEAD},  # a head gets their body's measures
    ),
    Row(lambda o: ImportDecision(action=ImportAction.SAVE, token="forged"), NOBODY),
    Row(lambda o: ImportDecision(action=ImportAction.CANCEL, token="forged"), NOBODY),
    Row(lambda o: AmendDecision(action=AmendAction.APPLY, token="forged"), NOBODY),
    Row(lambda o: AmendDecision(action=AmendAction.CANCEL, token="forged"), NOBODY),
    Row(lambda o: AmendDecision(action=AmendAction.CHOOSE, token="forged", plan_id=1), NOBODY),
    Row(lambda o: AmendDecision(action=AmendAction.READ, token="forged"), NOBODY),
    Row(lambda o: CardVersions(measure_id=o.world.foreign), BODY | PLAN_B),
    Row(lambda o: AssignBody(measure_id=o.world.foreign, organization_id=o.world.city), PLAN_B),
    Row(lambda o: RemoveBody(measure_id=o.world.foreign, organization_id=o.world.city), PLAN_B),
    Row(lambda o: OrgsPage(page=0), COORDINATORS),
    # The body serves plan A too: its coordinator sees it, only an administrator manages it.
    Row(lambda o: OpenBody(organization_id=o.world.tourism), COORDINATORS),
    Row(lambda o: BodyZones(organization_id=o.world.tourism), {ADMIN}),
    Row(
        lambda o: BodyZone(organization_id=o.world.tourism, zone=next(iter(RussianZone))),
        {ADMIN},
    ),
    Row(lambda o: InviteBodies(page=0), COORDINATORS),
    Row(lambda o: InviteBody(organization_id=o.world.tourism), {ADMIN}),
    Row(lambda o: InviteRole(organization_id=o.world.tourism, role="official"), {ADMIN}),
    Row(lambda o: InvitePlans(page=0), {ADMIN}),
    Row(lambda o: InvitePlan(plan_id=o.world.plan_b), {ADMIN}),
    Row(lambda o: InviteRevoke(invitation_id=o.invitation), {COORDINATOR, ADMIN}),
    # Every body at once: plan B's bodies by its coordinator (the shared one is left out) or
    # an administrator; the whole directory by an administrator only.
    Row(lambda o: InviteAllPlans(page=0), COORDINATORS),
    Row(lambda o: InviteAllPlan(plan_id=o.world.plan_b), PLAN_B),
    Row(lambda o: InviteAllPlan(plan_id=0), {ADMIN}),
    Row(lambda o: InviteAllMake(plan_id=o.world.plan_b, whom=Whom.BOTH, qr=False), PLAN_B),
    Row(lambda o: InviteAllMake(plan_id=0, whom=Whom.OFFICIALS, qr=False), {ADMIN}),
    # /orgs → open links: a coordinator's own bodies; revoking: the link's maker or an admin.
    Row(lambda o: OrgsLinks(page=0), COORDINATORS),
    Row(lambda o: OrgsLinkRevoke(invitation_id=o.invitation, page=0), {COORDINATOR, ADMIN}),
    # Confirming a link joins only with that link open in the person's own conversation.
    Row(lambda o: JoinInvitation(action=JoinAction.CONFIRM, invitation_id=o.invitation), NOBODY),
    # Cancelling changes nothing and shows nothing: anyone may.
    Row(lambda o: JoinInvitation(action=JoinAction.CANCEL, invitation_id=o.invitation), EVERYONE),
    Row(lambda o: PeoplePage(page=0), COORDINATORS),
    Row(lambda o: Deactivate(official_id=o.tamara), {ADMIN}),
    # A new deadline is asked by the measure's body; decided by its plan's coordinators (the
    # request is plan A's: decline first, since an approval decides it).
    Row(lambda o: OfficialRequest(kind=RequestKind.DEADLINE, measure_id=o.world.foreign), BODY),
    Row(lambda o: DeadlineChoice(measure_id=o.world.foreign, choice=QuickDate.MONTH), BODY),
    Row(
        lambda o: DeadlineDecision(action=Decision.DECLINE, change_id=o.deadline_request),
        {OTHER_COORDINATOR, ADMIN},
    ),
    Row(
        lambda o: DeadlineDecision(action=Decision.APPROVE, change_id=o.deadline_request),
        {OTHER_COORDINATOR, ADMIN},
    ),
    Row(lambda o: CoordinatorsPage(page=0), {ADMIN}),
    # The directory of bodies is an administrator's; a preview nobody made has expired.
    Row(lambda o: DirectoryDecision(action=DirectoryAction.SAVE, token="dir00"), NOBODY),
    Row(lambda o: UnmatchedPage(page=0), {ADMIN}),
    Row(
        lambda o: UnmatchedBody(action=UnmatchedAction.OPEN, organization_id=o.world.tourism),
        {ADMIN},
    ),
    Row(lambda o: EditBody(organization_id=o.world.tourism, field=EditField.MENU), {ADMIN}),
    Row(lambda o: PickKind(organization_id=o.world.tourism, kind=BodyKind.OTHER), {ADMIN}),
    # A body only plans named is matched to a directory body only («city» is not one).
    Row(lambda o: MatchTo(organization_id=o.world.tourism, target_id=o.world.city), NOBODY),
    Row(lambda o: RemoveCoordinator(membership_id=o.coordinator_membership), {ADMIN}),
    Row(lambda o: LeaveBody(organization_id=o.world.tourism), BODY),
    Row(lambda o: Dismiss(), EVERYONE),
    Row(lambda o: LanguageChoice(code="en"), EVERYONE),
    Row(lambda o: SettingsMenu(item=SettingsItem.MENU), EVERYONE),
    Row(lambda o: OwnZone(zone=None), EVERYONE),
    # «Do you now work in the successor?»: the former body's people only («No» changes nothing
    # but a message to the coordinators).
    Row(lambda o: SuccessorReply(answer=SuccessorAnswer.NO, body_id=o.former), BODY),
    Row(lambda o: SuccessorReply(answer=SuccessorAnswer.NO, body_id=o.world.tourism), NOBODY),
    # Last: it passes plan B's measure from the body to another one.
    Row(lambda o: ClaimBody(question_id=o.claim, organization_id=o.world.city), PLAN_B),
]

# Every registered command: its arguments, and who may send it.
COMMANDS: dict[str, tuple[str | None, frozenset[str]]] = {
    "start": (None, EVERYONE),
    "help": (None, EVERYONE),
    "lang": (None, EVERYONE),
    "settings": (None, EVERYONE),
    "cancel": (None, EVERYONE),
    "my": (None, REGISTERED),
    "leave": (None, EVERYONE),  # "you are not registered with any body"
    "overdue": (None, REGISTERED),
    "upcoming": ("30", REGISTERED),
    "org": ("Комитет по туризму", REGISTERED),  # another body's official: "no body matches"
    "section": ("1", REGISTERED),
    "summary": ("Б", COORDINATORS | {HEAD}),
    "plans": (None, COORDINATORS),
    "find": ("Чужое", COORDINATORS),
    "review": (None, COORDINATORS),
    "reminders": (None, COORDINATORS),
    "evidence": (None, COORDINATORS),
    "digest": (None, COORDINATORS),
    "orgs": (None, COORDINATORS),
    "officials": (None, COORDINATORS),
    "invite": (None, COORDINATORS),
    "import": (None, COORDINATORS),
    "amend": (None, COORDINATORS),
    "export": ("Б", COORDINATORS | {HEAD}),
    "coordinators": (None, {ADMIN}),
}
# Commands whose arguments make them another action, with who may send each.
COMMAND_ACTIONS: list[tuple[str, tuple[str | None, frozenset[str]]]] = [
    ("orgs", ("import", frozenset({ADMIN}))),
    ("orgs", ("export", COORDINATORS)),
    ("orgs", ("unmatched", frozenset({ADMIN}))),
]


def callback_classes() -> set[type[CallbackData]]:
    """Every CallbackData subclass the bot defines (handlers and bot.presentation imported)."""
    for package in (handlers, bot.presentation):
        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
    found: set[type[CallbackData]] = set()
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.split(".")[0] in ("handlers", "bot") and cls not in found:
            found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def registered_commands() -> set[str]:
    """The commands of every `Command` filter in the routers the bot runs."""
    commands: set[str] = set()

    def walk(router) -> None:
        for observer in router.observers.values():
            for handler in observer.handlers:
                for bound in handler.filters or ():
                    if isinstance(bound.callback, Command):
                        commands.update(str(command) for command in bound.callback.commands)
        for child in router.sub_routers:
            walk(child)

    for router in handlers.build_routers():
        walk(router)
    return commands


def test_every_button_and_command_has_a_row():
    sample = Objects(World(*range(1, 12)), 1, 1, 1, 1, 1)
    covered = {type(row.data(sample)) for row in BUTTONS}
    assert callback_classes() - covered == set(), "buttons without a row in the access table"
    assert registered_commands() - set(COMMANDS) == set(), "commands without a row"
    assert set(COMMANDS) - registered_commands() == set(), "rows of commands that are gone"
    for row in BUTTONS:
        assert row.allowed <= EVERYONE


# --- The world ----------------------------------------------------------------------------------


async def table_world(running_bot) -> Objects:
    sessionmaker = running_bot.sessionmaker
    world = await make_world(sessionmaker, today(running_bot))
    isolated = await add_plan_b_report(sessionmaker, world)
    async with sessionmaker() as session, session.begin():
        session.add(Assignment(measure_id=world.reengineering, organization_id=world.tourism))
        await add_person(
            session, HEAD_B, "Гена Главный", (Role.HEAD, {"organization_id": world.tourism})
        )
        boris = await session.scalar(select(Official).where(Official.telegram_id == COORDINATOR_B))
        membership = await session.scalar(
            select(Membership.id).where(
                Membership.official_id == boris.id, Membership.role == Role.COORDINATOR
            )
        )
        invitation = Invitation(
            token_digest="0" * 64,
            role=Role.OFFICIAL,
            organization_id=world.tourism,
            created_by_id=boris.id,
            expires_at=datetime.now(UTC) + timedelta(days=3),
        )
        session.add(invitation)
        await session.flush()
        assignment = await session.scalar(
            select(Assignment.id).where(Assignment.measure_id == world.foreign)
        )
        question, claim = (
            MeasureQuestion(
                measure_id=world.foreign,
                assignment_id=assignment,
                author_id=isolated.tamara,
                kind=kind,
                text="Вопрос по плану Б",
            )
            for kind in (QuestionKind.QUESTION, QuestionKind.NOT_OURS)
        )
        session.add_all([question, claim])
        digital = await session.scalar(
            select(Assignment.id).where(
                Assignment.measure_id == world.reengineering,
                Assignment.organization_id == world.digital,
            )
        )
        request = DeadlineChange(
            measure_id=world.reengineering,
            assignment_id=digital,
            status=DeadlineChangeStatus.REQUESTED,
            new_deadline=today(running_bot) + timedelta(days=60),
            reason="Ждём заключения",
        )
        session.add(request)
        former = Organization(
            full_name="Комитет по туризму и гостеприимству",
            name_key="комитет по туризму и гостеприимству",
            successor_id=world.city,
            successor_since=today(running_bot) - timedelta(days=1),
        )
        session.add(former)
        await session.flush()
        head = await session.scalar(select(Official.id).where(Official.telegram_id == HEAD_B))
        for official_id in (isolated.tamara, head):
            session.add(
                Membership(official_id=official_id, role=Role.OFFICIAL, organization_id=former.id)
            )
        await session.flush()
        return Objects(
            world,
            isolated.report,
            assignment,
            isolated.tamara,
            membership,
            invitation.id,
            question.id,
            claim.id,
            request.id,
            former.id,
        )


def judge(label: str, actor: str, allowed: bool, outcome: Outcome) -> list[str]:
    problems = []
    if outcome.refused == allowed:
        verdict = "refused" if outcome.refused else "allowed"
        problems.append(f"{label} by {actor}: {verdict}; shown {outcome.shown!r}"[:600])
    if actor not in MAY_SEE_PLAN_B or outcome.refused:
        shown = " ".join(outcome.shown)
        leaked = [s for s in PLAN_B_SECRETS if s in shown and s not in outcome.shown_before]
        if leaked:
            problems.append(f"{label} by {actor}: shows {leaked}")
    return problems


@pytest.mark.parametrize("actor", sorted(ACTORS))
async def test_every_button_with_forged_data_answers_each_actor_as_the_table_says(
    running_bot, actor
):
    objects = await table_world(running_bot)
    refusals = refusal_texts()
    person = user(running_bot, ACTORS[actor])
    carrier = await carrier_of(person)
    problems: list[str] = []
    for row in BUTTONS:
        data = row.data(objects)
        packed = data.pack()
        outcome = await probe(
            running_bot,
            person,
            carrier,
            refusals,
            lambda packed=packed: press(running_bot, person, carrier, packed),
        )
        problems += judge(repr(data), actor, actor in row.allowed, outcome)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("actor", sorted(ACTORS))
async def test_every_command_answers_each_actor_as_the_table_says(running_bot, actor):
    await table_world(running_bot)
    refusals = refusal_texts()
    person = user(running_bot, ACTORS[actor])
    carrier = await carrier_of(person)
    problems: list[str] = []
    for command, (args, allowed) in [*COMMANDS.items(), *COMMAND_ACTIONS]:
        outcome = await probe(
            running_bot,
            person,
            carrier,
            refusals,
            lambda command=command, args=args: (
                person.send_command(f"/{command}", args=args) and None
            ),
        )
        problems += judge(f"/{command} {args or ''}".strip(), actor, actor in allowed, outcome)
    assert problems == [], "\n".join(problems)
