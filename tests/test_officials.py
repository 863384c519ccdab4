"""Officials joining by invitation and reaching their own measures — and nobody else's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot import invitations
from bot.clock import today_in
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    Role,
)

PLAN_TITLE = "План мероприятий Новосибирской области"


async def seed_plan(sessionmaker, today: date) -> dict[str, int]:
    """A plan with two bodies: the ministry has measures 1–4, the committee measure 5."""
    async with sessionmaker() as session, session.begin():
        plan = Plan(title=PLAN_TITLE)
        ministry = Organization(
            full_name="Министерство цифрового развития и связи",
            name_key="министерство цифрового развития и связи",
            short_name="Минцифры",
        )
        committee = Organization(
            full_name="Комитет по делам ЗАГС", name_key="комитет по делам загс", short_name="ЗАГС"
        )
        session.add_all([plan, ministry, committee])
        await session.flush()
        deadlines = [
            today - timedelta(days=10),  # overdue
            today + timedelta(days=3),  # due soon
            today + timedelta(days=60),  # later
            today + timedelta(days=20),  # under review
            today + timedelta(days=2),  # the committee's
        ]
        measures = []
        for index, deadline in enumerate(deadlines, 1):
            measure = Measure(
                plan_id=plan.id,
                number=f"1.{index}.",
                number_key=f"1.{index}",
                sort_key=f"00001.0000{index}",
                title=f"Мероприятие <{index}> & Co",
                deadline=deadline,
                deadline_text=deadline.strftime("%d.%m.%Y"),
                result="приказ",
            )
            session.add(measure)
            measures.append(measure)
        await session.flush()
        for measure in measures[:4]:
            session.add(
                Assignment(measure_id=measure.id, organization_id=ministry.id, is_lead=True)
            )
        session.add(
            Assignment(measure_id=measures[4].id, organization_id=committee.id, is_lead=True)
        )
        await session.flush()
        review = await session.scalar(
            select(Assignment).where(Assignment.measure_id == measures[3].id)
        )
        review.status = AssignmentStatus.SUBMITTED
        return {
            "plan": plan.id,
            "ministry": ministry.id,
            "committee": committee.id,
            **{f"m{index}": measure.id for index, measure in enumerate(measures, 1)},
        }


async def invite(sessionmaker, organization_id: int, role: Role = Role.OFFICIAL, **kwargs) -> str:
    async with sessionmaker() as session, session.begin():
        organization = await session.get(Organization, organization_id)
        created = await invitations.create_invitation(
            session, role=role, organization=organization, created_by_id=None, **kwargs
        )
        return created.token


async def join(emulator, user_id: int, token: str, **profile):
    user = emulator.user(user_id, **profile)
    user.send_command("/start", args=token)
    return user, await user.wait_for_message()


async def test_an_official_with_a_full_profile_joins_without_questions(running_bot):
    today = today_in(running_bot.settings.default_timezone)
    ids = await seed_plan(running_bot.sessionmaker, today)
    token = await invite(running_bot.sessionmaker, ids["ministry"])
    user, reply = await join(
        running_bot.emulator, 5001, token, first_name="Анна", last_name="Петрова"
    )
    assert "Спасибо, Анна Петрова!" in reply.text
    assert "Министерство цифрового развития и связи" in reply.text
    user.send_command("/my")
    overview = await user.wait_for_message()
    assert "Ваши мероприятия</b>" not in overview.text  # HTML is rendered, not shown
    assert overview.text.splitlines()[0] == "Ваши мероприятия: 4"
    assert running_bot.emulator.button_texts(overview) == [
        ["Просрочено: 1"],
        ["Срок в ближайшие 7 дней: 1"],
        ["Позже: 1"],
        ["На проверке: 1"],
    ]


async def test_a_person_without_a_surname_is_asked_for_the_name(running_bot):
    ids = await seed_plan(running_bot.sessionmaker, date.today())
    token = await invite(running_bot.sessionmaker, ids["ministry"])
    user, question = await join(running_bot.emulator, 5002, token, first_name="Оля")
    assert "фамилию, имя и отчество" in question.text
    user.send_text("42")
    assert "полностью" in (await user.wait_for_message()).text
    user.send_text("Сидорова Ольга Ивановна")
    thanks = await user.wait_for_message()
    assert "Спасибо, Сидорова Ольга Ивановна!" in thanks.text
    user.send_command("/my")
    await user.wait_for_message()
    async with running_bot.sessionmaker() as session:
        person = await session.scalar(select(Official).where(Official.telegram_id == 5002))
        roles = (
            await session.scalars(
                select(Membership.role).where(Membership.official_id == person.id)
            )
        ).all()
    assert person.full_name == "Сидорова Ольга Ивановна"
    assert roles == [Role.OFFICIAL]


async def test_bad_links_register_nobody(running_bot):
    sessionmaker = running_bot.sessionmaker
    ids = await seed_plan(sessionmaker, date.today())
    used = await invite(sessionmaker, ids["ministry"])
    await join(running_bot.emulator, 5003, used, first_name="А", last_name="Б")
    expired = await invite(
        sessionmaker,
        ids["ministry"],
        lifetime=timedelta(seconds=1),
        now=datetime.now(UTC) - timedelta(days=1),
    )
    revoked = await invite(sessionmaker, ids["ministry"])
    async with sessionmaker() as session, session.begin():
        invitation = await invitations.find_invitation(session, revoked)
        await invitations.revoke(session, invitation, None)
    cases = {
        "x" * 40: "недействительна",
        used: "уже использовано",
        expired: "истёк",
        revoked: "отозвано",
        "../../etc": "недействительна",
    }
    for number, (token, expected) in enumerate(cases.items()):
        user, reply = await join(
            running_bot.emulator, 5100 + number, token, first_name="И", last_name="К"
        )
        assert expected in reply.text, (token, reply.text)
        assert "новую" in reply.text
        user.send_command("/my")
        assert "после регистрации" in (await user.wait_for_message()).text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count(Membership.id))) == 1


async def test_lists_and_cards_show_only_the_officials_own_measures(running_bot):
    emulator = running_bot.emulator
    today = today_in(running_bot.settings.default_timezone)
    ids = await seed_plan(running_bot.sessionmaker, today)
    token = await invite(running_bot.sessionmaker, ids["ministry"])
    user, _ = await join(emulator, 5004, token, first_name="Анна", last_name="Петрова")
    user.send_command("/my")
    overview = await user.wait_for_message()
    user.press(overview, text="Просрочено: 1")
    listing = await user.wait_for_edit(overview)
    assert listing.text.startswith("Просрочено: 1")
    assert emulator.button_texts(listing)[0][0].startswith("1.1. Мероприятие <1> & Co")
    user.press(listing, text=emulator.button_texts(listing)[0][0])
    card = await user.wait_for_edit(listing, min_edits=2)
    assert card.text.startswith("1.1. Мероприятие <1> & Co")
    assert "&lt;1&gt; &amp; Co" in card.html
    assert "просрочено на" in card.text and "рабочи" in card.text
    assert (
        "Министерство цифрового развития и связи (Минцифры) — головной исполнитель: Просрочено"
        in card.text
    )
    assert "Ожидаемый документ: приказ" in card.text
    assert "Статус: Просрочено" in card.text

    # A crafted button for the committee's measure — or one that does not exist — shows nothing.
    for measure_id in (ids["m5"], 999_999):
        emulator.inject_update(
            {
                "callback_query": {
                    "id": f"forged-{measure_id}",
                    "from": user.user_dict,
                    "chat_instance": "1",
                    "message": card.payload,
                    "data": f"m:{measure_id}::0",
                }
            }
        )
        answer = await user.wait_for_callback_answer(f"forged-{measure_id}")
        assert answer.show_alert and "недоступно" in answer.text
    assert "Мероприятие <5>" not in emulator.message(5004, card.message_id).text


async def test_the_card_shows_the_history_of_reports(running_bot):
    emulator = running_bot.emulator
    today = today_in(running_bot.settings.default_timezone)
    ids = await seed_plan(running_bot.sessionmaker, today)
    token = await invite(running_bot.sessionmaker, ids["ministry"])
    user, _ = await join(emulator, 5005, token, first_name="Анна", last_name="Петрова")
    async with running_bot.sessionmaker() as session, session.begin():
        author = await session.scalar(select(Official).where(Official.telegram_id == 5005))
        assignment = await session.scalar(
            select(Assignment).where(Assignment.measure_id == ids["m4"])
        )
        session.add(Report(assignment_id=assignment.id, author_id=author.id, comment="Приказ №5"))
    user.send_command("/my")
    overview = await user.wait_for_message()
    user.press(overview, text="На проверке: 1")
    listing = await user.wait_for_edit(overview)
    user.press(listing, text=emulator.button_texts(listing)[0][0])
    card = await user.wait_for_edit(listing, min_edits=2)
    assert "История:" in card.text
    assert "Анна Петрова: отчёт отправлен: Приказ №5" in card.text
    assert "Статус: На проверке" in card.text


async def test_a_second_official_of_another_body_sees_none_of_them(running_bot):
    emulator = running_bot.emulator
    today = today_in(running_bot.settings.default_timezone)
    ids = await seed_plan(running_bot.sessionmaker, today)
    token = await invite(running_bot.sessionmaker, ids["committee"])
    user, _ = await join(emulator, 5006, token, first_name="Иван", last_name="Кузнецов")
    user.send_command("/my")
    overview = await user.wait_for_message()
    assert overview.text.splitlines()[0] == "Ваши мероприятия: 1"
    user.press(overview, text="Срок в ближайшие 7 дней: 1")
    listing = await user.wait_for_edit(overview)
    buttons = [row[0] for row in emulator.button_texts(listing)[:-1]]
    assert buttons == ["1.5. Мероприятие <5> & Co"]
    # The list says the deadline as the card and the reminders do.
    assert f"1.5. Мероприятие <5> & Co — срок {(today + timedelta(days=2)):%d.%m.%Y} (через " in (
        listing.text
    )
