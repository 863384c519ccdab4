"""An executing body's person writes to the plan's coordinators about a measure: a question
(«Вопрос координатору») or a claim that the measure is not their body's («Не наше
мероприятие», with the reason). A coordinator answers the question, and grants the claim by
passing the measure to another body (`executors.replace_body`: the claiming body's part ends,
the other body takes it in its role) or declines it with an answer why.

The first answer stands: a coordinator who answers after another one is refused with the name
of who answered (`Refusal.ALREADY_ANSWERED`), so the official gets one answer, and both sides
are in the measure's history (`question_history`). One claim per body and measure is open at a
time. Every message is written to the outbox in the transaction of the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import executors
from bot.access import Roles
from bot.asking_parts import AskingPart, asking_part
from bot.executors import AssignmentMade
from bot.measure_history import HistoryEntry
from bot.notification_kinds import (
    MEASURE_QUESTION,
    QUESTION_ANSWERED,
    MeasureQuestionNotice,
    QuestionAnsweredNotice,
)
from bot.reasons import clean_reason
from bot.refusals import Refusal, Refused
from bot.report_notifications import reviewers_of
from models.queries import (
    Recipient,
    enqueue_notification,
    plain_rows,
)
from models.tables import (
    Assignment,
    Measure,
    MeasureQuestion,
    Official,
    Organization,
    QuestionKind,
    QuestionOutcome,
    display_name,
)

QUESTION_LIMIT = 2000
ANSWER_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class QuestionView:
    """A question or claim as a coordinator answers it."""

    question_id: int
    kind: QuestionKind
    text: str
    measure_id: int
    plan_id: int
    number: str
    title: str
    organization_id: int
    organization_name: str
    author_id: int
    answered_by: str | None  # who answered already, if anyone

    @property
    def is_claim(self) -> bool:
        return self.kind is QuestionKind.NOT_OURS


def question_text(text: str | None) -> str:
    """What the official wrote, as stored: refused when empty or too long (asked again)."""
    return clean_reason(
        text, missing=Refusal.NO_QUESTION, limit=QUESTION_LIMIT, too_long=Refusal.QUESTION_TOO_LONG
    )


def answer_text(text: str | None) -> str:
    """A coordinator's answer, as stored: refused when empty or too long (asked again)."""
    return clean_reason(
        text, missing=Refusal.NO_ANSWER, limit=ANSWER_LIMIT, too_long=Refusal.ANSWER_TOO_LONG
    )


async def _open_claim(session: AsyncSession, assignment_id: int) -> int | None:
    return await session.scalar(
        select(MeasureQuestion.id).where(
            MeasureQuestion.assignment_id == assignment_id,
            MeasureQuestion.kind == QuestionKind.NOT_OURS,
            MeasureQuestion.answered_at.is_(None),
        )
    )


async def part_to_claim(session: AsyncSession, roles: Roles, measure_id: int) -> AskingPart:
    """The body's part it may say is not its own: no claim of the body on it waits already."""
    part = await asking_part(session, roles, measure_id)
    if await _open_claim(session, part.assignment_id) is not None:
        raise Refused(Refusal.CLAIM_OPEN)
    return part


async def ask(
    session: AsyncSession,
    roles: Roles,
    *,
    author: Official,
    measure_id: int,
    kind: QuestionKind,
    text: str | None,
    now: datetime,
    admin_telegram_ids: frozenset[int],
) -> AskingPart:
    """Write the question (or the claim with its reason) and queue it for each of the plan's
    coordinators (the administrators, for a plan with none)."""
    written = question_text(text)
    if kind is QuestionKind.NOT_OURS:
        part = await part_to_claim(session, roles, measure_id)
    else:
        part = await asking_part(session, roles, measure_id)
    question = MeasureQuestion(
        measure_id=part.measure_id,
        assignment_id=part.assignment_id,
        author_id=author.id,
        kind=kind,
        text=written,
        created_at=now,
    )
    session.add(question)
    await session.flush()
    payload = MeasureQuestionNotice(
        question_id=question.id,
        kind=kind.value,
        measure_id=part.measure_id,
        number=part.number,
        title=part.title,
        deadline=part.deadline,
        plan=part.plan_title,
        body=part.organization_name,
        person=author.display_name,
        text=written,
        timezone=part.timezone,
    ).to_json()
    for coordinator in await reviewers_of(session, part.plan_id, author.id, admin_telegram_ids):
        await enqueue_notification(
            session,
            recipient=coordinator,
            kind=MEASURE_QUESTION,
            dedup_key=f"{MEASURE_QUESTION}:{question.id}:{coordinator.official_id}",
            payload=payload,
            now=now,
        )
    return part


_ANSWERER = aliased(Official)
_QUESTION = (
    select(
        MeasureQuestion.id,
        MeasureQuestion.kind,
        MeasureQuestion.text,
        Measure.id,
        Measure.plan_id,
        Measure.number,
        Measure.title,
        Organization.id,
        Organization.full_name,
        MeasureQuestion.author_id,
        _ANSWERER.full_name,
        _ANSWERER.first_name,
        _ANSWERER.last_name,
        _ANSWERER.telegram_id,
    )
    .join(Measure, Measure.id == MeasureQuestion.measure_id)
    .join(Assignment, Assignment.id == MeasureQuestion.assignment_id)
    .join(Organization, Organization.id == Assignment.organization_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == MeasureQuestion.answered_by_id)
)


async def _load(session: AsyncSession, question_id: int) -> QuestionView | None:
    rows = await plain_rows(session, _QUESTION.where(MeasureQuestion.id == question_id))
    if not rows:
        return None
    *values, full_name, first, last, telegram_id = rows[0]
    return QuestionView(*values, answered_by=_name(full_name, first, last, telegram_id))


async def _question(session: AsyncSession, roles: Roles, question_id: int) -> QuestionView:
    view = await _load(session, question_id)
    if view is None or not roles.coordinates_plan(view.plan_id):
        raise Refused(Refusal.NOT_AVAILABLE)
    return view


async def question_to_answer(
    session: AsyncSession, roles: Roles, question_id: int, *, claim: bool | None = None
) -> QuestionView:
    """The question or claim, if the person coordinates its plan and nobody answered it yet;
    `claim` True (False) asks that it be a claim (a question)."""
    view = await _question(session, roles, question_id)
    if claim is not None and view.is_claim is not claim:
        raise Refused(Refusal.NOT_AVAILABLE)
    if view.answered_by is not None:
        raise Refused(Refusal.ALREADY_ANSWERED, who=view.answered_by)
    return view


async def _close(
    session: AsyncSession,
    view: QuestionView,
    *,
    coordinator: Official,
    outcome: QuestionOutcome,
    answer: str | None,
    reassigned_to_id: int | None,
    now: datetime,
) -> None:
    """Record the answer, if nobody answered first (one statement: two coordinators racing
    cannot both win)."""
    result = await session.execute(
        update(MeasureQuestion)
        .where(MeasureQuestion.id == view.question_id, MeasureQuestion.answered_at.is_(None))
        .values(
            answer=answer,
            answered_by_id=coordinator.id,
            answered_at=now,
            outcome=outcome,
            reassigned_to_id=reassigned_to_id,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        answered = await _load(session, view.question_id)
        who = answered.answered_by if answered is not None else None
        raise Refused(Refusal.ALREADY_ANSWERED, who=who or "")
    author = await session.get(Official, view.author_id)
    if author is None or not author.is_active or author.blocked_bot_at is not None:
        return
    new_body = ""
    if reassigned_to_id is not None:
        new_body = await _body_name(session, reassigned_to_id)
    await enqueue_notification(
        session,
        recipient=Recipient(author.id, author.telegram_id, author.timezone),
        kind=QUESTION_ANSWERED,
        dedup_key=f"{QUESTION_ANSWERED}:{view.question_id}",
        payload=QuestionAnsweredNotice(
            question_id=view.question_id,
            kind=view.kind.value,
            outcome=outcome.value,
            measure_id=view.measure_id,
            number=view.number,
            title=view.title,
            body=view.organization_name,
            question=view.text,
            answer=answer or "",
            coordinator=coordinator.display_name,
            new_body=new_body,
        ).to_json(),
        now=now,
    )


async def _body_name(session: AsyncSession, organization_id: int) -> str:
    return (
        await session.scalar(
            select(Organization.full_name).where(Organization.id == organization_id)
        )
        or ""
    )


async def answer_question(
    session: AsyncSession,
    roles: Roles,
    *,
    coordinator: Official,
    question_id: int,
    text: str | None,
    keep: bool = False,
    now: datetime,
) -> QuestionView:
    """Answer a question, or (`keep`) decline a claim with the answer why the body keeps the
    measure; the official is told."""
    answer = answer_text(text)
    view = await question_to_answer(session, roles, question_id, claim=keep)
    await _close(
        session,
        view,
        coordinator=coordinator,
        outcome=QuestionOutcome.KEPT if keep else QuestionOutcome.ANSWERED,
        answer=answer,
        reassigned_to_id=None,
        now=now,
    )
    return view


async def grant_claim(
    session: AsyncSession,
    roles: Roles,
    *,
    coordinator: Official,
    question_id: int,
    organization_id: int,
    today: date,
    now: datetime,
) -> tuple[QuestionView, AssignmentMade]:
    """Pass the measure from the claiming body to another one (in the claiming body's role);
    the official is told (once: by the claim's outcome, not also by the announced change)."""
    view = await question_to_answer(session, roles, question_id, claim=True)
    made = await executors.replace_body(
        session,
        roles,
        actor_id=coordinator.id,
        measure_id=view.measure_id,
        organization_id=organization_id,
        replaced_id=view.organization_id,
        today=today,
        now=now,
        not_told=(view.author_id,),
    )
    await _close(
        session,
        view,
        coordinator=coordinator,
        outcome=QuestionOutcome.REASSIGNED,
        answer=None,
        reassigned_to_id=organization_id,
        now=now,
    )
    return view, made


_AUTHOR = aliased(Official)
_NEW_BODY = aliased(Organization)
_HISTORY = (
    select(
        MeasureQuestion.kind,
        MeasureQuestion.text,
        MeasureQuestion.created_at,
        MeasureQuestion.answer,
        MeasureQuestion.answered_at,
        MeasureQuestion.outcome,
        Organization.full_name,
        _NEW_BODY.full_name,
        _AUTHOR.full_name,
        _AUTHOR.first_name,
        _AUTHOR.last_name,
        _AUTHOR.telegram_id,
        _ANSWERER.full_name,
        _ANSWERER.first_name,
        _ANSWERER.last_name,
        _ANSWERER.telegram_id,
    )
    .join(Assignment, Assignment.id == MeasureQuestion.assignment_id)
    .join(Organization, Organization.id == Assignment.organization_id)
    .join(_AUTHOR, _AUTHOR.id == MeasureQuestion.author_id)
    .outerjoin(_ANSWERER, _ANSWERER.id == MeasureQuestion.answered_by_id)
    .outerjoin(_NEW_BODY, _NEW_BODY.id == MeasureQuestion.reassigned_to_id)
)


def _name(
    full_name: str | None, first: str | None, last: str | None, telegram_id: int | None
) -> str | None:
    return None if telegram_id is None else display_name(full_name, first, last, telegram_id)


async def question_history(session: AsyncSession, measure_id: int) -> list[HistoryEntry]:
    """The measure's questions and claims and their answers, as history entries (oldest
    first): "question_asked" / "question_answered", "not_ours_claimed" / "not_ours_kept" /
    "not_ours_reassigned"; details carry the text, the answer, the bodies."""
    entries: list[HistoryEntry] = []
    for row in await plain_rows(
        session,
        _HISTORY.where(MeasureQuestion.measure_id == measure_id).order_by(
            MeasureQuestion.created_at, MeasureQuestion.id
        ),
    ):
        kind, text, created_at, answer, answered_at, outcome, body, new_body = row[:8]
        author, answerer = _name(*row[8:12]), _name(*row[12:16])
        claim = kind is QuestionKind.NOT_OURS
        entries.append(
            HistoryEntry(
                created_at,
                "not_ours_claimed" if claim else "question_asked",
                author,
                {"text": text, "body": body},
            )
        )
        if answered_at is not None and outcome is not None:
            entries.append(
                HistoryEntry(
                    answered_at,
                    f"not_ours_{outcome.value}" if claim else "question_answered",
                    answerer,
                    {"answer": answer or "", "body": body, "new_body": new_body or ""},
                )
            )
    return entries
