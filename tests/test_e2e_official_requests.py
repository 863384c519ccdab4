"""End to end with the real bot process, from a reminder as an official gets it: a new deadline,
a question and "not our measure", each with the bot killed (SIGKILL) in the middle of what the
official types, reach the coordinator and are answered in two taps; and a report of an order by
its number and date reaches the coordinator with its requisites and is accepted in two taps."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models.tables import (
    DeadlineChange,
    DeadlineChangeStatus,
    Measure,
    MeasureQuestion,
    QuestionKind,
    QuestionOutcome,
    Report,
)
from tests.test_e2e_officials import database_url
from tests.test_e2e_process import BotProcess, wait_until_polling
from tests.test_e2e_reminders import COORDINATOR, OFFICIAL, reminder_env, seed
from tests.test_e2e_restarts import AFTER_RESTART, kill_and_start_again, rows_of

REMINDER = "Сроки ваших мероприятий"


async def test_from_a_reminder_each_request_survives_a_kill_and_is_answered_in_two_taps(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    url = database_url(env)
    await seed(url)
    official = emulator.user(OFFICIAL, first_name="Анна", last_name="Петрова")
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        reminder = await official.wait_for_message(REMINDER, timeout=30)
        assert {"Перенести срок", "Вопрос координатору", "Не наше мероприятие"} <= set(
            reminder.flat_button_texts()
        )

        # A new deadline: the date is picked, the bot is killed, the reason is typed after.
        official.press(reminder, text="Перенести срок")
        asked = await official.wait_for_message("На какую дату перенести срок", timeout=30)
        assert "мероприятия 2.1." in asked.text and "15.05.2025" in asked.text
        official.press(asked, text="На неделю позже: 22.05.2025")
        await official.wait_for_message("Укажите причину переноса срока", timeout=30)
        await kill_and_start_again(emulator, process)
        official.send_text("Ждём согласования <Минюста>")
        await official.wait_for_message("Запрос направлен координаторам", timeout=AFTER_RESTART)
        request = await coordinator.wait_for_message("Запрос о переносе срока", timeout=30)
        assert "Ждём согласования &lt;Минюста&gt;" not in request.text  # shown as typed
        assert "Ждём согласования <Минюста>" in request.text
        assert "Анна Петрова" in request.text and "22.05.2025" in request.text
        coordinator.press(request, text="Согласовать")  # one tap
        await coordinator.wait_for_message("Согласовано: срок мероприятия 2.1.", timeout=30)
        approved = await official.wait_for_message("согласован", timeout=30)
        assert "новый срок — 22.05.2025" in approved.text

        # A question: the bot is killed while the official is asked to write it.
        official.press(reminder, text="Вопрос координатору")
        await official.wait_for_message("Напишите вопрос по мероприятию 2.1.", timeout=30)
        await kill_and_start_again(emulator, process)
        official.send_text("Какой документ считать результатом?")
        await official.wait_for_message("направлен координаторам плана", timeout=AFTER_RESTART)
        question = await coordinator.wait_for_message("Вопрос по мероприятию", timeout=30)
        assert "Какой документ считать результатом?" in question.text
        coordinator.press(question, text="Ответить")  # a tap and the answer
        await coordinator.wait_for_message("Напишите ответ на вопрос", timeout=30)
        coordinator.send_text("Приказ департамента")
        await coordinator.wait_for_message("Ответ направлен", timeout=30)
        answer = await official.wait_for_message("Получен ответ на ваш вопрос", timeout=30)
        assert "Какой документ считать результатом?" in answer.text
        assert "Приказ департамента" in answer.text

        # Not our measure: the bot is killed while the official is asked for the reason.
        official.press(reminder, text="Не наше мероприятие")
        await official.wait_for_message("не относится к ведению органа", timeout=30)
        await kill_and_start_again(emulator, process)
        official.send_text("Регламент утверждает управление делами")
        await official.wait_for_message("Координаторы уведомлены", timeout=AFTER_RESTART)
        claim = await coordinator.wait_for_message("Не наше мероприятие", timeout=30)
        assert "Регламент утверждает управление делами" in claim.text
        coordinator.press(claim, text="Оставить и ответить")  # a tap and the answer
        await coordinator.wait_for_message("остаётся за органом", timeout=30)
        coordinator.send_text("Пункт 3 положения о департаменте")
        await coordinator.wait_for_message("оставлено за органом", timeout=30)
        kept = await official.wait_for_message("остаётся за органом", timeout=30)
        assert "Пункт 3 положения о департаменте" in kept.text
        assert await process.stop() == 0
    finally:
        process.kill()
    ((deadline,),) = await rows_of(url, select(Measure.deadline))
    assert deadline == date(2025, 5, 22)
    ((status,),) = await rows_of(url, select(DeadlineChange.status))
    assert status is DeadlineChangeStatus.APPLIED
    asked = await rows_of(
        url, select(MeasureQuestion.kind, MeasureQuestion.outcome).order_by(MeasureQuestion.id)
    )
    assert [tuple(row) for row in asked] == [
        (QuestionKind.QUESTION, QuestionOutcome.ANSWERED),
        (QuestionKind.NOT_OURS, QuestionOutcome.KEPT),
    ]
    assert "Traceback" not in process.output()


async def test_from_a_reminder_an_order_is_reported_by_its_number_and_accepted_in_two_taps(
    emulator, bot_process_env, tmp_path
):
    env = reminder_env(bot_process_env)
    url = database_url(env)
    await seed(url)  # the plan expects «приказ»
    official = emulator.user(OFFICIAL, first_name="Анна", last_name="Петрова")
    coordinator = emulator.user(COORDINATOR, first_name="Ирина")
    process = BotProcess(env, tmp_path / "bot.log")
    await process.start()
    try:
        await wait_until_polling(emulator, process)
        reminder = await official.wait_for_message(REMINDER, timeout=30)
        official.press(reminder, text="Отчитаться")
        draft = await official.wait_for_message("Отчёт по мероприятию 2.1.", timeout=30)
        assert "по плану ожидается: Приказ" in draft.text
        official.press(draft, text="Реквизиты документа")
        await official.wait_for_message("Укажите номер документа", timeout=30)
        await kill_and_start_again(emulator, process)
        official.send_text("№ 15-р от 13.05.2025")
        draft = await official.wait_for_message("Реквизиты: Приказ", timeout=AFTER_RESTART)
        assert "№ 15-р" in draft.text and "13.05.2025" in draft.text
        official.send_document("приказ.pdf", b"%PDF-1.4 order", mime_type="application/pdf")
        draft = await official.wait_for_message("Приложено: 1", timeout=30)
        official.press(draft, text="Отправить отчёт")
        await official.wait_for_edit(draft, "отправлен на проверку", timeout=30)

        review = await coordinator.wait_for_message("Отчёт на проверку", timeout=30)
        assert "Реквизиты: Приказ" in review.text and "№ 15-р" in review.text
        coordinator.press(review, text="Принять")
        confirm = await coordinator.wait_for_edit(review, "Принять отчёт?", timeout=30)
        coordinator.press(confirm, text="Принять")
        accepted = await official.wait_for_message("принят", timeout=30)
        assert "2.1." in accepted.text
        assert await process.stop() == 0
    finally:
        process.kill()
    ((kind, number, day),) = await rows_of(
        url, select(Report.evidence_kind, Report.evidence_number, Report.evidence_date)
    )
    assert (kind, number, day) == ("order", "15-р", date(2025, 5, 13))
    assert "Traceback" not in process.output()
