"""/amend over the chat: the coordinator sends the order's file with /amend, sees every change
and every statement not applied, applies it, and the measure's card names the order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.amendments import files
from models.tables import PlanVersion, VersionKind
from tests.amendment_plans import build_omsk_act, build_plans, order_329, other_forms, person
from tests.test_measure_history import open_found_card

ANNA = 7001
OMSK_ORDER = (
    Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "omsk-order-329rp-2024.txt"
)


async def order_versions(sessionmaker) -> int:
    async with sessionmaker() as session:
        return await session.scalar(
            select(func.count())
            .select_from(PlanVersion)
            .where(PlanVersion.kind == VersionKind.ORDER)
        )


async def test_a_coordinator_previews_applies_an_order_and_the_card_names_it(
    running_bot, monkeypatch
):
    async with running_bot.sessionmaker() as session, session.begin():
        anna = await person(session, ANNA, "Анна Координатор")
        await build_plans(session, anna.id)
    order = order_329()
    order.changes = [*order.changes, other_forms()[1]]  # row 2.6 restated
    monkeypatch.setattr(files, "read_order_file", lambda content, name: order)
    user = running_bot.emulator.user(ANNA, first_name="Анна", language_code="ru")

    user.send_document("329-рп.txt", "РАСПОРЯЖЕНИЕ".encode(), caption="/amend")
    status = await user.wait_for_message("329-рп.txt")
    preview = await user.wait_for_edit(status, lambda m: bool(m.reply_markup))
    assert (
        "1.4 · исполнители: «Министерство региональной политики и массовых коммуникаций "
        "Омской области» → «Министерство внутренней политики Омской области»" in preview.text
    )
    assert "Приложение № 29" in preview.text and "мероприятий — 2" in preview.text
    assert "Не применено: 1" in preview.text
    assert "изменение вносится в другой акт" in preview.text
    assert running_bot.emulator.button_texts(preview) == [["Применить распоряжение"], ["Отмена"]]
    assert await order_versions(running_bot.sessionmaker) == 0  # nothing before Apply

    user.press(preview, text="Применить распоряжение")
    await user.wait_for_edit(preview, "Распоряжение применено", min_edits=2)
    assert await order_versions(running_bot.sessionmaker) >= 1

    card = await open_found_card(user, "1.4")
    assert "Министерство внутренней политики Омской области" in card.text
    assert "изменено распоряжением № 329-рп от 28.11.2024" in card.text

    card = await open_found_card(user, "2.6")
    assert "Проведено обучение сотрудников" in card.text
    user.press(card, text="Прежние редакции")
    earlier = await user.wait_for_edit(card, "Прежние редакции мероприятия")
    assert "наименование до изменения: «Проведено обучение»" in earlier.text
    assert "изменено распоряжением № 329-рп от 28.11.2024" in earlier.text


async def test_an_official_may_not_amend(running_bot):
    from bot.entry.translations import create_i18n
    from bot.refusals import Refusal, Refused
    from handlers.refusals import refusal_text
    from models.tables import Membership, Organization, Role

    async with running_bot.sessionmaker() as session, session.begin():
        anna = await person(session, ANNA, "Анна Координатор")
        await build_plans(session, anna.id)
        oleg = await person(session, 7002, "Олег Исполнитель")
        body = await session.scalar(select(Organization.id).limit(1))
        session.add(Membership(official_id=oleg.id, role=Role.OFFICIAL, organization_id=body))
    user = running_bot.emulator.user(7002, first_name="Олег", language_code="ru")
    user.send_command("/amend")
    answer = await user.wait_for_message()
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        refused = refusal_text(Refused(Refusal.COORDINATORS_ONLY))
    assert answer.text == refused


async def test_the_omsk_order_sent_as_a_plan_is_offered_and_applied_as_an_amendment(running_bot):
    async with running_bot.sessionmaker() as session, session.begin():
        anna = await person(session, ANNA, "Анна Координатор")
        await build_omsk_act(session, anna.id)
    user = running_bot.emulator.user(ANNA, first_name="Анна", language_code="ru")

    # Sent as a plan would be: the bot says it is an order, and loads nothing as a plan.
    user.send_document(OMSK_ORDER.name, OMSK_ORDER.read_bytes(), mime_type="text/plain")
    status = await user.wait_for_message(OMSK_ORDER.name)
    offer = await user.wait_for_edit(status, "распоряжение о внесении изменений")
    user.press(offer, text="Применить как распоряжение")
    # A long preview comes in several messages, in reading order: the offer becomes its first
    # part, the buttons stand under the last.
    preview = await user.wait_for_message(lambda m: m.reply_markup is not None, timeout=30)
    assert "Изменения: 8" in (await user.wait_for_edit(offer, min_edits=2)).text
    assert running_bot.emulator.button_texts(preview) == [["Применить распоряжение"], ["Отмена"]]
    shown = "\n".join(m.text or "" for m in user.messages)
    assert "Изменения: 8" in shown
    assert "с 05.06.2024: Министерство по делам молодежи" in shown
    assert "Приложение № 29" in shown and "мероприятий — 60" in shown
    assert "изменение вносится в другой акт" in shown
    assert await order_versions(running_bot.sessionmaker) == 0

    user.press(preview, text="Применить распоряжение")
    done = await user.wait_for_edit(preview, "Распоряжение применено", timeout=30)
    assert "изменений — 8" in done.text and "правопреемникам, — 5" in done.text
    assert await order_versions(running_bot.sessionmaker) >= 1
    card = await open_found_card(user, "2.6")
    assert "Министерство спорта Омской области" in card.text


async def test_another_coordinator_cannot_cancel_or_apply_someone_elses_order(
    running_bot, monkeypatch
):
    from models.tables import Membership, Role

    async with running_bot.sessionmaker() as session, session.begin():
        anna = await person(session, ANNA, "Анна Координатор")
        ids = await build_plans(session, anna.id)
        boris = await person(session, 7003, "Борис Координатор")
        session.add(Membership(official_id=boris.id, role=Role.COORDINATOR, plan_id=ids["act"]))
    monkeypatch.setattr(files, "read_order_file", lambda content, name: order_329())
    anna_chat = running_bot.emulator.user(ANNA, first_name="Анна", language_code="ru")
    anna_chat.send_document("329-рп.txt", "РАСПОРЯЖЕНИЕ".encode(), caption="/amend")
    status = await anna_chat.wait_for_message("329-рп.txt")
    preview = await anna_chat.wait_for_edit(status, lambda m: bool(m.reply_markup))
    buttons = {
        button["text"]: button["callback_data"]
        for row in preview.reply_markup["inline_keyboard"]
        for button in row
    }

    boris_chat = running_bot.emulator.user(7003, first_name="Борис", language_code="ru")
    boris_chat.send_command("/amend")
    carrier = (await boris_chat.wait_for_message()).payload
    for text in ("Отмена", "Применить распоряжение"):  # Anna's token, pressed by Boris
        running_bot.emulator.inject_update(
            {
                "callback_query": {
                    "id": f"boris-{text}",
                    "from": boris_chat.user_dict,
                    "chat_instance": "1",
                    "message": carrier,
                    "data": buttons[text],
                }
            }
        )
        answer = await boris_chat.wait_for_callback_answer(f"boris-{text}")
        assert "принадлежит не вам" in answer.text
    assert await order_versions(running_bot.sessionmaker) == 0

    anna_chat.press(preview, text="Применить распоряжение")  # still hers to apply
    await anna_chat.wait_for_edit(preview, "Распоряжение применено", min_edits=2)
