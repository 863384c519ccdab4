"""Where a plan stands: the summary's counts agree with a direct count by the status rules, and
the lists behind the numbers hold exactly the measures counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.access import Roles
from bot.measure_status import Status, StatusDates, measure_status, part_status
from bot.refusals import Refused
from bot.summaries import body_summary, deadlines_by_month, plan_summary, summary_for
from bot.summary_lists import Listed, ListFilter, listed_measures
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Role,
    Section,
)

# 20 May 2026, 20:00 in Moscow: already 21 May in Vladivostok.
NOW = datetime(2026, 5, 20, 17, 0, tzinfo=UTC)
DATES = StatusDates.at(NOW, "Europe/Moscow")
TODAY = date(2026, 5, 20)
ZONES = [None, "Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad", "Nowhere/Bad"]


@dataclass
class PartDraft:
    body: int
    is_lead: bool
    status: AssignmentStatus
    ended: bool


@dataclass
class MeasureDraft:
    deadline: int | None
    done: bool
    removed: bool
    section: int | None
    parts: list[PartDraft]


@dataclass
class PlanDraft:
    zone: str | None
    body_zones: list[str | None]
    registered: list[bool]
    measures: list[MeasureDraft]


def plan_drafts() -> st.SearchStrategy[PlanDraft]:
    @st.composite
    def build(draw: st.DrawFn) -> PlanDraft:
        bodies = draw(st.integers(1, 5))
        measures = []
        for _ in range(draw(st.integers(0, 25))):
            chosen = draw(st.lists(st.integers(0, bodies - 1), max_size=3, unique=True))
            parts = [
                PartDraft(
                    body,
                    draw(st.booleans()),
                    draw(st.sampled_from(list(AssignmentStatus))),
                    draw(st.sampled_from([False, False, False, True])),
                )
                for body in chosen
            ]
            measures.append(
                MeasureDraft(
                    deadline=draw(st.one_of(st.none(), st.integers(-10, 20))),
                    done=draw(st.sampled_from([False, False, False, True])),
                    removed=draw(st.sampled_from([False] * 6 + [True])),
                    section=draw(st.one_of(st.none(), st.integers(0, 2))),
                    parts=parts,
                )
            )
        return PlanDraft(
            zone=draw(st.sampled_from([None, "Asia/Yekaterinburg", "Asia/Vladivostok"])),
            body_zones=[draw(st.sampled_from(ZONES)) for _ in range(bodies)],
            registered=[draw(st.booleans()) for _ in range(bodies)],
            measures=measures,
        )

    return build()


def _today(zone: str | None, plan_zone: str | None, dates: StatusDates = DATES) -> date:
    if zone in dates.today_by_zone:
        return dates.today(zone)
    return dates.today(plan_zone if plan_zone in dates.today_by_zone else None)


async def store(
    session, draft: PlanDraft, serial: int, dates: StatusDates = DATES
) -> tuple[int, dict]:
    """The draft in the database; returns the plan id and what a direct count expects."""
    plan = Plan(title=f"План {serial}", timezone=draft.zone)
    session.add(plan)
    await session.flush()
    sections = [
        Section(plan_id=plan.id, kind="section", number=str(i + 1), title=f"Раздел {i}", position=i)
        for i in range(3)
    ]
    bodies = [
        Organization(full_name=f"Орган {serial}-{i}", name_key=f"b-{serial}-{i}", timezone=zone)
        for i, zone in enumerate(draft.body_zones)
    ]
    session.add_all([*sections, *bodies])
    await session.flush()
    for index, registered in enumerate(draft.registered):
        person = Official(telegram_id=serial * 1000 + index, first_name="Имя")
        session.add(person)
        await session.flush()
        session.add(
            Membership(
                official_id=person.id,
                role=Role.OFFICIAL,
                organization_id=bodies[index].id,
                is_active=registered,
            )
        )
    expected: dict = {"plan": {}, "past": 0, "sections": {}, "bodies": {}, "body_past": {}}
    for number, item in enumerate(draft.measures):
        deadline = None if item.deadline is None else TODAY + timedelta(days=item.deadline)
        measure = Measure(
            plan_id=plan.id,
            section_id=None if item.section is None else sections[item.section].id,
            number=str(number + 1),
            number_key=str(number + 1),
            sort_key=f"{number:05d}",
            title=f"Мероприятие {number}",
            deadline=deadline,
            done_on=TODAY if item.done else None,
            removed_at=NOW if item.removed else None,
        )
        session.add(measure)
        await session.flush()
        current = []
        for part in item.parts:
            session.add(
                Assignment(
                    measure_id=measure.id,
                    organization_id=bodies[part.body].id,
                    is_lead=part.is_lead,
                    status=part.status,
                    valid_until=TODAY if part.ended else None,
                )
            )
            if not part.ended:
                current.append(part)
        # The measure's zone: that of its first deciding body (bodies are numbered in order).
        deciding = [part for part in current if part.is_lead] or current
        first = min((part.body for part in deciding), default=None)
        zone = None if first is None else draft.body_zones[first]
        today = _today(zone, draft.zone, dates)
        status = measure_status(
            deadline=deadline,
            done_on=measure.done_on,
            removed=item.removed,
            parts=[(part.is_lead, part.status) for part in current],
            today=today,
        )
        _add(expected["plan"], status)
        _add(expected["sections"].setdefault(measure.section_id, {}), status)
        if status is Status.UNDER_REVIEW and deadline is not None and deadline < today:
            expected["past"] += 1
        for part in current:
            body = bodies[part.body]
            body_today = _today(body.timezone, draft.zone, dates)
            part_is = part_status(
                deadline=deadline,
                assignment_status=part.status,
                measure_done_on=measure.done_on,
                removed=item.removed,
                today=body_today,
            )
            _add(expected["bodies"].setdefault(body.id, {}), part_is)
    expected["registered"] = {
        body.id for body, yes in zip(bodies, draft.registered, strict=True) if yes
    }
    await session.flush()
    return plan.id, expected


def _add(counts: dict, status: Status) -> None:
    counts[status] = counts.get(status, 0) + 1


def _plain(counts) -> dict:
    return {status: count for status, count in counts.by_status.items() if count}


@pytest.mark.parametrize(
    "now",
    [NOW, datetime(2026, 5, 20, 7, 0, tzinfo=UTC)],
    ids=["zones-on-two-dates", "one-date-everywhere"],
)
async def test_every_count_of_the_summary_agrees_with_a_direct_count(session, now) -> None:
    """Generated plans (bodies in several zones, leads and co-executors, ended assignments,
    removed and done measures): plan, section and body counts equal the Python rules, and
    each list behind a number holds as many measures as the number says."""
    dates = StatusDates.at(now, "Europe/Moscow")
    drafts: list[PlanDraft] = []

    @settings(
        max_examples=15,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(plan_drafts())
    def collect(draft: PlanDraft) -> None:
        drafts.append(draft)

    collect()
    assert len(drafts) >= 10
    for serial, draft in enumerate(drafts, start=1):
        plan_id, expected = await store(session, draft, serial, dates)
        roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
        summary = await plan_summary(session, roles, plan_id, dates)
        assert _plain(summary.counts) == expected["plan"]
        assert summary.counts.review_past_deadline == expected["past"]
        sections = {row.section_id: _plain(row.counts) for row in summary.sections}
        assert sections == expected["sections"]
        bodies = {row.organization_id: _plain(row.counts) for row in summary.bodies}
        assert bodies == expected["bodies"]
        for row in summary.bodies:
            assert row.has_people == (row.organization_id in expected["registered"])
        overdue = [row.counts[Status.OVERDUE] for row in summary.bodies]
        assert overdue == sorted(overdue, reverse=True)
        for status in (Status.OVERDUE, Status.UNDER_REVIEW, Status.DONE):
            listed = await listed_measures(
                session, roles, ListFilter(Listed(status.value), plan_id=plan_id), dates
            )
            assert len(listed) == summary.counts[status]
            for row in summary.bodies:
                of_body = await listed_measures(
                    session,
                    roles,
                    ListFilter(Listed(status.value), plan_id, row.organization_id),
                    dates,
                )
                assert len(of_body) == row.counts[status]


async def _small_plan(session) -> tuple[int, list[Organization]]:
    draft = PlanDraft(
        zone=None,
        body_zones=["Europe/Moscow", "Asia/Vladivostok"],
        registered=[True, False],
        measures=[
            MeasureDraft(
                -3, False, False, 0, [PartDraft(0, True, AssignmentStatus.IN_PROGRESS, False)]
            ),
            MeasureDraft(
                -3, False, False, 0, [PartDraft(0, True, AssignmentStatus.SUBMITTED, False)]
            ),
            MeasureDraft(
                2, False, False, 1, [PartDraft(1, True, AssignmentStatus.IN_PROGRESS, False)]
            ),
            MeasureDraft(
                40, False, False, 1, [PartDraft(1, True, AssignmentStatus.IN_PROGRESS, False)]
            ),
            MeasureDraft(
                None, True, False, None, [PartDraft(0, True, AssignmentStatus.ACCEPTED, False)]
            ),
        ],
    )
    plan_id, _ = await store(session, draft, 77)
    return plan_id, draft


async def test_under_review_is_apart_from_overdue_and_late_reviews_are_told(session) -> None:
    plan_id, _ = await _small_plan(session)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    summary = await plan_summary(session, roles, plan_id, DATES)
    assert summary.counts[Status.OVERDUE] == 1
    assert summary.counts[Status.UNDER_REVIEW] == 1
    assert summary.counts.review_past_deadline == 1
    assert summary.counts.percent_done == 20
    # The worst body first; the other has open measures and nobody registered.
    first, second = summary.bodies
    assert first.counts[Status.OVERDUE] == 1
    assert second.nobody_to_remind and not first.nobody_to_remind


async def test_officials_get_no_summary_and_a_head_gets_their_body_only(session) -> None:
    plan_id, _ = await _small_plan(session)
    summary = await plan_summary(
        session, Roles(coordinator_plan_ids=frozenset({plan_id})), plan_id, DATES
    )
    body_id = summary.bodies[0].organization_id
    official = Roles(official_organization_ids=frozenset({body_id}))
    with pytest.raises(Refused):
        await summary_for(session, official, DATES)
    with pytest.raises(Refused):
        await plan_summary(session, official, plan_id, DATES)
    head = Roles(head_organization_ids=frozenset({body_id}))
    found = await summary_for(session, head, DATES)
    assert found.organization_id == body_id
    with pytest.raises(Refused):
        await body_summary(session, head, summary.bodies[1].organization_id, DATES)
    with pytest.raises(Refused):
        await listed_measures(
            session,
            head,
            ListFilter(Listed.ALL, organization_id=summary.bodies[1].organization_id),
            DATES,
        )


async def test_deadlines_by_month_counts_open_measures_ahead_and_overdue_apart(session) -> None:
    plan_id, _ = await _small_plan(session)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    months = await deadlines_by_month(session, roles, plan_id, DATES)
    assert months.overdue == 1
    assert months.months[0] == (date(2026, 5, 1), 1)
    assert months.months[1] == (date(2026, 6, 1), 1)
    assert len(months.months) == 6


async def test_upcoming_lists_open_measures_within_the_days_asked(session) -> None:
    plan_id, _ = await _small_plan(session)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    week = await listed_measures(session, roles, ListFilter(Listed.UPCOMING, days=7), DATES)
    assert [item.deadline for item in week] == [TODAY + timedelta(days=2)]
    later = await listed_measures(session, roles, ListFilter(Listed.UPCOMING, days=60), DATES)
    assert len(later) == 2


def test_reminders_chase_exactly_the_open_parts_that_have_a_deadline() -> None:
    """`is_remindable` (the reminder scan) agrees with the one status definition: a part is
    chased when it is overdue, due soon or later; never under review, done, removed or
    without a deadline."""
    from bot.reminder_policy import is_remindable

    chased = {Status.OVERDUE, Status.DUE_SOON, Status.LATER}
    for deadline in (None, TODAY - timedelta(days=3), TODAY, TODAY + timedelta(days=30)):
        for done_on in (None, TODAY):
            for removed in (False, True):
                for status in AssignmentStatus:
                    expected = part_status(
                        deadline=deadline,
                        assignment_status=status,
                        measure_done_on=done_on,
                        removed=removed,
                        today=TODAY,
                    )
                    assert is_remindable(
                        deadline=deadline,
                        done_on=done_on,
                        removed=removed,
                        assignment_status=status.value,
                    ) == (expected in chased)


async def test_a_plan_of_300_measures_and_60_bodies_fits_telegram_by_paging(engine) -> None:
    """Every page of the summary (bodies and sections) and of a list fits one message, with at
    most 100 buttons and callback data of at most 64 bytes; paging shows every body."""
    from bench.generated_plan import generate_plan
    from bot.presentation.callbacks import MeasureList, View
    from bot.presentation.fits import button_count
    from bot.presentation.summary_view import (
        LIST_PAGE,
        TABLE_PAGE,
        list_keyboard,
        plan_summary_keyboard,
        render_list,
        render_plan_summary,
    )
    from bot.presentation.text_limits import fits_message, page_of
    from bot.summary_lists import measure_list
    from models.engine import create_sessionmaker

    def gettext(text: str) -> str:
        return text

    def ngettext(one: str, many: str, count: int) -> str:
        return one if count == 1 else many

    def check(text: str, markup) -> None:
        assert fits_message(text)
        assert button_count(markup) <= 100
        for row in markup.inline_keyboard:
            for button in row:
                assert len(button.callback_data.encode()) <= 64

    plan_id = await generate_plan(engine, measures=300, bodies=60, seed=3)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    async with create_sessionmaker(engine)() as session:
        summary = await plan_summary(session, roles, plan_id, DATES)
        assert len(summary.bodies) == 60
        seen = []
        for page in range(-(-60 // TABLE_PAGE)):
            text = render_plan_summary(summary, page, gettext, ngettext)
            check(text, plan_summary_keyboard(summary, page, gettext))
            seen += [row.name for row in summary.bodies if f". {row.name} —" in text]
            sections = render_plan_summary(summary, page, gettext, ngettext, sections=True)
            check(sections, plan_summary_keyboard(summary, page, gettext, sections=True))
        assert sorted(seen) == sorted(row.name for row in summary.bodies)
        shown = MeasureList(listed=Listed.ALL, plan=plan_id, body=0, origin=View.PLAN)
        listing = await measure_list(session, roles, shown.filters(), DATES)
        assert len(listing.items) == summary.counts.total
        for number in range(-(-len(listing.items) // LIST_PAGE)):
            page = page_of(listing.items, number, LIST_PAGE)
            text = render_list(listing, page, Listed.ALL, 0, gettext, ngettext)
            check(text, list_keyboard(page, shown.model_copy(update={"page": number}), gettext))


async def test_a_list_is_paged_by_the_database_in_the_same_order_as_the_whole_list(engine) -> None:
    """A coordinator paging through the plan's overdue measures sees the whole list, page by
    page, in its order; an old button past the end shows the last page."""
    from bench.generated_plan import generate_plan
    from bot.summary_lists import measure_list
    from models.engine import create_sessionmaker

    plan_id = await generate_plan(engine, measures=300, bodies=60, seed=5)
    roles = Roles(coordinator_plan_ids=frozenset({plan_id}))
    async with create_sessionmaker(engine)() as session:
        summary = await plan_summary(session, roles, plan_id, DATES)
        worst = summary.bodies[0].organization_id
        for filters in (
            ListFilter(Listed.OVERDUE, plan_id),
            ListFilter(Listed.ALL, plan_id),
            ListFilter(Listed.OPEN, plan_id, worst),
        ):
            whole = await listed_measures(session, roles, filters, DATES)
            pages = -(-len(whole) // 7)
            seen = []
            for number in range(pages):
                page = await measure_list(session, roles, filters, DATES, page=number, size=7)
                assert page.total == len(whole) and page.page == number
                seen += page.items
            assert seen == whole
            last = await measure_list(session, roles, filters, DATES, page=pages + 3, size=7)
            assert last.page == max(pages - 1, 0)
            assert last.items == whole[last.page * 7 :]
        overdue = await listed_measures(session, roles, ListFilter(Listed.OVERDUE, plan_id), DATES)
        assert len(overdue) == summary.counts[Status.OVERDUE]
        deadlines = [item.deadline for item in overdue]
        assert deadlines == sorted(deadlines)
