"""A coordinator loads a plan in the chat: file, preview, Save or Cancel."""

from __future__ import annotations

import os

from sqlalchemy import func, select

from models.tables import (
    Assignment,
    BodyGroup,
    BodyGroupMember,
    Measure,
    Membership,
    Organization,
    Plan,
    Role,
)
from tests.conftest import ADMIN_TELEGRAM_ID
from tests.test_conversations import register

HEADER = "№ п/п;Мероприятие;Срок реализации;Ответственный исполнитель;Результат"


def plan_csv(
    rows: list[str], title: str = "План мероприятий по внедрению клиентоцентричности"
) -> bytes:
    lines = [title, HEADER, *rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


PLAN_ROWS = [
    "1.;Утвержден порядок сбора обратной связи;31.05.2025;Министерство цифрового развития;приказ",
    "2.;Проведен реинжиниринг процессов;30.12.2025;"
    '"Министерство труда; Администрация города (по согласованию)";отчет',
    "3.;Обучены сотрудники;15.12.2025;Министерство цифрового развития;протокол",
]


async def plan_count(sessionmaker) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count(Plan.id)))


async def send_plan(user, content: bytes, name: str = "plan.csv"):
    user.send_document(name, content, mime_type="text/csv")
    status = await user.wait_for_message("plan")
    return await user.wait_for_edit(
        status,
        lambda m: (
            "Сохранить план?" in (m.text or "")
            or "не удалось" in (m.text or "").lower()
            or "не смог" in (m.text or "").lower()
        ),
    )


async def test_a_coordinator_previews_then_saves_a_plan(running_bot):
    emulator = running_bot.emulator
    admin = emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    preview = await send_plan(admin, plan_csv(PLAN_ROWS))
    assert "План мероприятий по внедрению клиентоцентричности" in preview.text
    assert "мероприятий: 3" in preview.text
    assert "май 2025 — 1" in preview.text and "декабрь 2025 — 2" in preview.text
    assert emulator.button_texts(preview) == [["Сохранить план", "Отмена"]]
    # Nothing is stored before Save.
    assert await plan_count(running_bot.sessionmaker) == 0

    admin.press(preview, text="Сохранить план")
    saved = await admin.wait_for_edit(preview, lambda m: "сохранён" in (m.text or ""), min_edits=2)
    assert "3 мероприят" in saved.text
    async with running_bot.sessionmaker() as session:
        assert await session.scalar(select(func.count(Measure.id))) == 3
        bodies = set(await session.scalars(select(Organization.full_name)))
    assert "Министерство цифрового развития" in bodies
    assert "Администрация города" in bodies


async def test_cancel_saves_nothing(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    preview = await send_plan(admin, plan_csv(PLAN_ROWS))
    admin.press(preview, text="Отмена")
    cancelled = await admin.wait_for_edit(preview, "ничего не сохранено", min_edits=2)
    assert cancelled.reply_markup is None
    assert await plan_count(running_bot.sessionmaker) == 0


async def test_a_new_plan_is_coordinated_by_the_coordinator_who_loaded_it(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        session.add(Plan(title="Другой план"))
    await register(running_bot.sessionmaker, 4001, "Ирина", Role.COORDINATOR, plan_id=1)
    coordinator = running_bot.emulator.user(4001, first_name="Ирина")
    preview = await send_plan(coordinator, plan_csv(PLAN_ROWS))
    coordinator.press(preview, text="Сохранить план")
    await coordinator.wait_for_edit(preview, "сохранён", min_edits=2)
    async with running_bot.sessionmaker() as session:
        plan_ids = set(
            await session.scalars(
                select(Membership.plan_id).where(Membership.role == Role.COORDINATOR)
            )
        )
    assert len(plan_ids) == 2


async def test_an_official_cannot_load_a_plan(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        body = Organization(full_name="Минтруд", name_key="минтруд")
        session.add(body)
        await session.flush()
        body_id = body.id
    await register(running_bot.sessionmaker, 4002, "Олег", Role.OFFICIAL, organization_id=body_id)
    official = running_bot.emulator.user(4002)
    official.send_document("plan.csv", plan_csv(PLAN_ROWS))
    assert "координатор" in (await official.wait_for_message()).text
    official.send_command("/import")
    assert "координатор" in (await official.wait_for_message()).text
    assert await plan_count(running_bot.sessionmaker) == 0


async def test_someone_elses_preview_cannot_be_saved(running_bot):
    emulator = running_bot.emulator
    admin = emulator.user(ADMIN_TELEGRAM_ID)
    preview = await send_plan(admin, plan_csv(PLAN_ROWS))
    intruder = emulator.user(4003)
    save_data = preview.find_button(text="Сохранить план")["callback_data"]
    emulator.inject_update(
        {
            "callback_query": {
                "id": "intruder-1",
                "from": intruder.user_dict,
                "chat_instance": "x",
                "data": save_data,
            }
        }
    )
    answer = await intruder.wait_for_callback_answer("intruder-1")
    assert answer.show_alert and "устарел" in answer.text
    assert await plan_count(running_bot.sessionmaker) == 0


async def test_a_file_that_is_not_a_plan_is_refused_politely(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    admin.send_document("plan.docx", os.urandom(4000))
    status = await admin.wait_for_message("plan.docx")
    refusal = await admin.wait_for_edit(status, "Не удалось загрузить")
    assert "plan.docx" in refusal.text
    assert await plan_count(running_bot.sessionmaker) == 0


async def test_many_warnings_come_as_a_file(running_bot):
    rows = [
        f"{i}.;Мероприятие {i};когда-нибудь потом;Министерство труда;отчет" for i in range(1, 16)
    ]
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    preview = await send_plan(admin, plan_csv(rows))
    assert "Предупреждений: 15" in preview.text
    attachment = await admin.wait_for_message(lambda m: m.document is not None)
    assert attachment.document["file_name"] == "warnings.txt"
    listing = running_bot.emulator.file_content(attachment.document["file_id"]).decode()
    assert len(listing.strip().splitlines()) == 15


async def test_loading_a_changed_version_reports_what_changed(running_bot):
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID)
    preview = await send_plan(admin, plan_csv(PLAN_ROWS))
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, "сохранён", min_edits=2)

    changed = [
        PLAN_ROWS[0].replace("31.05.2025", "30.06.2025"),
        PLAN_ROWS[1],
        "4.;Новое мероприятие;01.11.2025;Министерство труда;отчет",
    ]
    preview = await send_plan(admin, plan_csv(changed))
    admin.press(preview, text="Сохранить план")
    updated = await admin.wait_for_edit(preview, "обновлён", min_edits=2)
    assert "добавлено 1, изменено 1, исключено из плана 1" in updated.text
    async with running_bot.sessionmaker() as session:
        assert await session.scalar(select(func.count(Plan.id))) == 1
        moved = await session.scalar(select(Measure).where(Measure.number_key == "1"))
    assert str(moved.deadline) == "2025-06-30"


async def test_a_huge_preview_arrives_in_messages_that_fit_and_still_saves(running_bot):
    """Long titles, many long body names and warnings: the preview is split, never refused."""
    emulator = running_bot.emulator
    admin = emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    body = "Министерство по делам очень длинного наименования и развития территорий номер {n}"
    rows = [
        f"{n}.;Мероприятие {n} "
        + "с очень длинным описанием результата " * 20
        + f";в течение срока действия плана {n};{body.format(n=n) * 3};отчет"
        for n in range(1, 41)
    ]
    admin.send_document("plan.csv", plan_csv(rows, title="План " + "мероприятий " * 300))
    question = await admin.wait_for_message(lambda m: "Сохранить план?" in (m.text or ""))
    texts = [m.text or "" for m in emulator.chat_history(ADMIN_TELEGRAM_ID) if m.from_bot]
    assert all(len(text) <= 4096 for text in texts)
    assert any("…" in text for text in texts)
    assert emulator.button_texts(question) == [["Сохранить план", "Отмена"]]
    admin.press(question, text="Сохранить план")
    await admin.wait_for_edit(question, lambda m: "сохранён" in (m.text or ""), min_edits=2)
    assert await plan_count(running_bot.sessionmaker) == 1


def test_the_preview_of_a_file_with_several_long_plans_is_split_into_messages_that_fit():
    from datetime import date

    from bot.entry.translations import create_i18n
    from bot.plan_import.importing import ImportPreview, PlanPreview
    from bot.plan_import.model import ImportResult, ImportWarning
    from bot.presentation.text_limits import visible_length
    from handlers.plan_import_texts import render_preview

    long_title = "План мероприятий («дорожная карта») & <приложение> " * 40
    body = "Министерство строительства и жилищно-коммунального хозяйства области " * 5
    months = tuple((date(2025, month, 1), month) for month in range(1, 13))
    plan = PlanPreview(long_title, 9, 300, 4, 2, tuple(f"{body}{n}" for n in range(60)), months)
    preview = ImportPreview(plans=(plan,) * 5, warnings=10, bodies=plan.bodies)
    warning = ImportWarning("line 12", "row_not_understood", {"text": "ячейка " * 200})
    result = ImportResult(plans=[], warnings=[warning] * 40, source_format="csv")
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        texts = render_preview(preview, result, "план " * 100 + ".docx", "ru")
        assert len(texts) > 1
        assert all(visible_length(text) <= 4096 for text in texts)
        assert texts[-1].endswith("Сохранить план?")
        assert "&amp; &lt;приложение&gt;" in texts[0]


async def test_the_preview_says_which_stored_bodies_the_file_names_otherwise(running_bot):
    """A coordinator is told the stored names stay; an administrator that the file's apply."""
    async with running_bot.sessionmaker() as session, session.begin():
        session.add(Plan(title="Другой план"))
        session.add(
            Organization(
                full_name="Министерство цифрового развития",
                short_name="Минцифры",
                name_key="министерство цифрового развития",
            )
        )
    await register(running_bot.sessionmaker, 4001, "Ирина", Role.COORDINATOR, plan_id=1)
    rows = ["1.;Порядок;31.05.2025;Министерство цифрового развития (МЦР);приказ"]
    coordinator = running_bot.emulator.user(4001, first_name="Ирина")
    preview = await send_plan(coordinator, plan_csv(rows))
    assert "1 орган из справочника назван иначе" in preview.text
    assert "названия в справочнике останутся прежними (решает администратор)" in preview.text
    assert "Министерство цифрового развития (Минцифры)» — в файле" in preview.text
    coordinator.press(preview, text="Отмена")

    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    preview = await send_plan(admin, plan_csv(rows))
    assert "краткие названия будут взяты из файла" in preview.text


async def test_the_preview_expands_a_directory_group_and_names_one_it_lacks(running_bot):
    """«ИОГВ» is a group of the directory: three bodies, a part each once saved; «органы
    местного самоуправления» is not: the preview says so and it stays one executor."""
    async with running_bot.sessionmaker() as session, session.begin():
        bodies = [
            Organization(full_name=name, name_key=name.casefold(), in_directory=True)
            for name in ("Министерство труда", "Министерство финансов", "Министерство спорта")
        ]
        group = BodyGroup(name="ИОГВ", name_key="иогв")
        session.add_all([*bodies, group])
        await session.flush()
        session.add_all(BodyGroupMember(group_id=group.id, organization_id=b.id) for b in bodies)
    rows = [
        "1.;Порядок;31.05.2025;ИОГВ;приказ",
        "2.;Отчёт;30.06.2025;органы местного самоуправления (по согласованию);отчет",
    ]
    admin = running_bot.emulator.user(ADMIN_TELEGRAM_ID, first_name="Админ")
    preview = await send_plan(admin, plan_csv(rows))
    assert "Коллективные исполнители" in preview.text
    assert "«ИОГВ» → 3 органа из группы справочника «ИОГВ»" in preview.text
    assert "«Органы местного самоуправления» — такой группы в справочнике нет" in preview.text
    assert "столбец «Группы» файла справочника" in preview.text
    admin.press(preview, text="Сохранить план")
    await admin.wait_for_edit(preview, lambda m: "сохранён" in (m.text or ""), min_edits=2)
    async with running_bot.sessionmaker() as session:
        parts = (
            await session.execute(
                select(Assignment.organization_id, Assignment.executor_text, Assignment.is_lead)
                .join(Measure, Measure.id == Assignment.measure_id)
                .where(Measure.number_key == "1")
            )
        ).all()
    assert sorted(part.organization_id for part in parts) == sorted(b.id for b in bodies)
    assert {(part.executor_text, part.is_lead) for part in parts} == {("ИОГВ", True)}
