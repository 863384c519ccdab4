"""The measure card and every list fit Telegram whatever they hold: a card after 40 submit/return
rounds with a 3,000-character title and result, and lists of 300 items, all go through the
emulator's validation (4,096 characters, 64-byte buttons, HTML) and page to their end."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.measure_history import EMPTY_HISTORY, HistoryEntry, HistoryKind, HistoryPage
from bot.measures import MeasureCard
from bot.presentation.text_limits import MESSAGE_LIMIT, split_plain, visible_length
from handlers.measure_card import full_text_messages
from models.tables import (
    Assignment,
    AssignmentStatus,
    Measure,
    Membership,
    Official,
    Organization,
    Plan,
    Report,
    ReportStatus,
    Role,
)
from tests.test_coordination import user

COORDINATOR, OFFICIAL = 4001, 4002
ROUNDS = 40
MANY = 300


def long_text(word: str, length: int) -> str:
    sentences = []
    number = 0
    while sum(len(s) + 1 for s in sentences) < length:
        number += 1
        sentences.append(f"{word} предложение {number} о порядке межведомственного взаимодействия.")
    return " ".join(sentences)


TITLE = long_text("Название", 3000)
RESULT = long_text("Результат", 3000)


def measure(plan_id: int, number: str, title: str) -> Measure:
    key = number.strip(".")
    return Measure(
        plan_id=plan_id,
        number=number,
        number_key=key,
        sort_key=".".join(part.zfill(5) for part in key.split(".")),
        title=title,
        deadline=datetime.now(UTC).date() + timedelta(days=60),
    )


async def setup_plan(sessionmaker) -> tuple[int, int, int, int]:
    """A plan with its coordinator and a body with its official; returns their ids."""
    async with sessionmaker() as session, session.begin():
        plan = Plan(title="План " + "очень длинного названия " * 20)
        body = Organization(
            full_name="Министерство " + "экономического развития " * 10,
            name_key="министерство",
            short_name="Минэк",
        )
        session.add_all([plan, body])
        await session.flush()
        coordinator = Official(telegram_id=COORDINATOR, first_name="Анна", full_name="Анна К")
        official = Official(telegram_id=OFFICIAL, first_name="Олег", full_name="Олег Т")
        session.add_all([coordinator, official])
        await session.flush()
        session.add_all(
            [
                Membership(official_id=coordinator.id, role=Role.COORDINATOR, plan_id=plan.id),
                Membership(official_id=official.id, role=Role.OFFICIAL, organization_id=body.id),
            ]
        )
        return plan.id, body.id, coordinator.id, official.id


async def page_through(emulator, person, first) -> list[str]:
    """Every page's text, pressing "›" until there is no next page."""
    texts = [first.text]
    while any("›" in row for row in emulator.button_texts(first)):
        assert visible_length(first.html) <= MESSAGE_LIMIT
        person.press(first, text="›")
        first = await person.wait_for_edit(first, min_edits=first.edit_count + 1)
        texts.append(first.text)
    return texts


SHOWING = {"sendMessage", "editMessageText", "sendDocument", "answerCallbackQuery"}


def refusals(emulator) -> list[str]:
    """What Telegram refused of what the bot showed (menus of unknown chats aside)."""
    return [f"{c.method}: {c.error}" for c in emulator.calls if c.method in SHOWING and not c.ok]


# --- The card -----------------------------------------------------------------------------------


async def test_a_card_with_a_long_title_and_40_rounds_opens_and_shows_everything(running_bot):
    emulator = running_bot.emulator
    plan_id, body_id, _, official_id = await setup_plan(running_bot.sessionmaker)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    async with running_bot.sessionmaker() as session, session.begin():
        long_one = measure(plan_id, "1.1.", TITLE)
        long_one.result = RESULT
        long_one.created_at = start - timedelta(days=1)
        session.add(long_one)
        await session.flush()
        assignment = Assignment(
            measure_id=long_one.id,
            organization_id=body_id,
            is_lead=True,
            status=AssignmentStatus.RETURNED,
        )
        session.add(assignment)
        await session.flush()
        for number in range(1, ROUNDS + 1):
            session.add(
                Report(
                    assignment_id=assignment.id,
                    author_id=official_id,
                    comment=f"отчёт {number:02d} " + "подробности " * 100,
                    status=ReportStatus.RETURNED,
                    submitted_at=start + timedelta(days=2 * number),
                    review_reason=f"возврат {number:02d} " + "замечания " * 100,
                    reviewed_at=start + timedelta(days=2 * number, hours=3),
                )
            )
    anna = user(running_bot, COORDINATOR)
    anna.send_command("/find", args="1.1")
    results = await anna.wait_for_message("Found")
    anna.press(
        results, callback_data=results.reply_markup["inline_keyboard"][0][0]["callback_data"]
    )
    card = await anna.wait_for_message(lambda m: "Plan:" in (m.text or ""))

    assert visible_length(card.html) <= MESSAGE_LIMIT
    assert "…" in card.text.split("\n")[0]  # the title is shortened, visibly
    assert "отчёт 40" in card.text and "возврат 40" in card.text  # the latest round first
    assert "отчёт 01" not in card.text

    # "Full text": the whole title and result, in messages that each fit.
    anna.press(card, text="Full text")
    parts = await anna.wait_for_messages(2, lambda m: m.text and "предложение" in m.text)
    assert all(visible_length(part.html) <= MESSAGE_LIMIT for part in parts)
    shown = " ".join(part.text for part in parts)
    assert TITLE.split() == shown.split("Expected document:")[0].split()[1:]
    assert RESULT.split() == shown.split("Expected document:")[1].split()

    # "More history" pages back through every round, to the oldest.
    seen: set[str] = set()
    pressed = 0
    while True:
        seen.update(re.findall(r"(?:отчёт|возврат) \d\d", card.text))
        assert visible_length(card.html) <= MESSAGE_LIMIT
        if not any("‹ More history" in row for row in emulator.button_texts(card)):
            break
        anna.press(card, text="‹ More history")
        pressed += 1
        card = await anna.wait_for_edit(card, min_edits=card.edit_count + 1)
    assert seen == {f"{kind} {n:02d}" for kind in ("отчёт", "возврат") for n in range(1, 41)}
    assert "Newer ›" in str(emulator.button_texts(card))
    assert "measure included in the plan" in card.text  # the oldest entry of all
    entries = 2 * ROUNDS + 1  # each round's report and return, and the measure's inclusion
    assert pressed == -(-entries // 5) - 1
    assert refusals(emulator) == []


def test_a_full_text_too_long_for_three_messages_is_cut_between_sentences():
    card = MeasureCard(
        measure_id=1,
        plan_id=1,
        plan_title="План",
        section=None,
        number="1.",
        title=long_text("Название", 20_000),
        deadline=None,
        deadline_text="",
        done_on=None,
        result=None,
        executors=(),
        history=EMPTY_HISTORY,
        removed=False,
    )
    texts = full_text_messages(card)
    assert len(texts) > 3  # the handler sends a file instead
    assert all(visible_length(text) <= MESSAGE_LIMIT for text in texts)
    assert all(text.rstrip().endswith(".") for text in texts)
    assert split_plain("слово " * 10, 12) == ["слово слово"] * 5


# --- Lists of 300 -------------------------------------------------------------------------------


async def test_my_find_orgs_officials_and_review_page_through_300_items(running_bot):
    emulator = running_bot.emulator
    plan_id, body_id, coordinator_id, official_id = await setup_plan(running_bot.sessionmaker)
    long_name = "управления " * 30
    async with running_bot.sessionmaker() as session, session.begin():
        measures = [
            measure(plan_id, f"{n}.", f"Мероприятие {n:03d} " + "о длинном деле " * 40)
            for n in range(1, MANY + 1)
        ]
        session.add_all(measures)
        bodies = [
            Organization(full_name=f"Орган {n:03d} {long_name}", name_key=f"орган {n:03d}")
            for n in range(1, MANY + 1)
        ]
        session.add_all(bodies)
        await session.flush()
        leads = [
            Assignment(
                measure_id=item.id,
                organization_id=body_id,
                is_lead=True,
                status=AssignmentStatus.SUBMITTED,
            )
            for item in measures
        ]
        session.add_all(leads)
        for item, other in zip(measures, bodies, strict=True):
            session.add(Assignment(measure_id=item.id, organization_id=other.id))
        await session.flush()
        for n, other in enumerate(bodies, 1):
            person = Official(
                telegram_id=100_000 + n, first_name="Лицо", full_name=f"Лицо {n:03d} {long_name}"
            )
            session.add(person)
            await session.flush()
            session.add(
                Membership(official_id=person.id, role=Role.OFFICIAL, organization_id=other.id)
            )
        for lead in leads:
            session.add(
                Report(
                    assignment_id=lead.id,
                    author_id=official_id,
                    comment="готово",
                    status=ReportStatus.SUBMITTED,
                )
            )
    anna = user(running_bot, COORDINATOR)
    oleg = user(running_bot, OFFICIAL)

    oleg.send_command("/my")
    overview = await oleg.wait_for_message("Your measures")
    oleg.press(overview, text=f"Under review: {MANY}")
    group = await oleg.wait_for_edit(overview, "Under review: 300")
    pages = await page_through(emulator, oleg, group)
    assert len(pages) == -(-MANY // 8) and "(page 38 of 38)" in pages[-1]

    anna.send_command("/find", args="Мероприятие")
    found = await anna.wait_for_message("Found 300 measures")
    pages = await page_through(emulator, anna, found)
    numbers = set(re.findall(r"Мероприятие (\d{3})", "\n".join(pages)))
    assert numbers == {f"{n:03d}" for n in range(1, MANY + 1)}

    anna.send_command("/orgs")
    orgs = await anna.wait_for_message("Bodies of your plans")
    pages = await page_through(emulator, anna, orgs)
    numbers = set(re.findall(r"Орган (\d{3})", "\n".join(pages)))
    assert len(numbers) == MANY

    anna.send_command("/officials")
    people = await anna.wait_for_message("People registered")
    pages = await page_through(emulator, anna, people)
    numbers = set(re.findall(r"Лицо (\d{3})", "\n".join(pages)))
    assert len(numbers) == MANY

    anna.send_command("/review")
    waiting = await anna.wait_for_message("300 reports are waiting")
    pages = await page_through(emulator, anna, waiting)
    assert len(pages) == -(-MANY // 8) and "(page 38 of 38)" in pages[-1]

    assert refusals(emulator) == []
    assert coordinator_id  # the coordinator of the plan did all of the above


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_worst_card_fits_a_message_with_a_note_above_it(locale):
    """Every field at its longest, 50 bodies with long names, 200 history entries with long
    comments and HTML-special characters: the card with a change's note still fits."""
    from aiogram.utils.i18n import gettext

    from bot.entry.translations import create_i18n
    from bot.measures import ExecutorOnCard
    from handlers.measure_card import card_keyboard, render_card

    huge = "<Оч&нь> " * 2000
    executors = tuple(
        ExecutorOnCard(n, n, huge, huge, n == 0, True, huge, AssignmentStatus.RETURNED)
        for n in range(50)
    )
    kinds = [value for name, value in vars(HistoryKind).items() if name.isupper()] + [
        "a_kind_added_later"
    ]
    details = {
        "comment": huge,
        "reason": huge,
        "old": None,
        "new": datetime(2026, 5, 1).date(),
        "body": huge,
        "field": "title",
        "by_import": True,
        "text": huge,
        # The version that made the change: an order with the longest number.
        "version": {
            "kind": "order",
            "order_number": huge,
            "order_date": "2024-11-28",
            "file_name": huge,
        },
    }
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        note = gettext("✓ «{body}» is assigned as a co-executor.").format(body="x" * 120)
        for first in range(len(kinds)):  # every kind at every place of a page
            entries = tuple(
                HistoryEntry(
                    datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n),
                    kinds[(first + n) % len(kinds)],
                    huge,
                    details,
                )
                for n in range(5)
            )
            history = HistoryPage(entries, page=first, pages=120, total=600)
            card = MeasureCard(
                1,
                1,
                huge,
                huge,
                huge[:200],
                huge,
                None,
                huge,
                None,
                huge,
                executors,
                history,
                False,
                earlier_wordings=True,
            )
            text = f"{note}\n\n" + render_card(card, datetime(2026, 1, 1).date(), None)
            assert visible_length(text) <= MESSAGE_LIMIT
        markup = card_keyboard("soon", 3, measure_id=1, can_coordinate=True, card=card)
    assert markup is not None
    assert sum(len(row) for row in markup.inline_keyboard) <= 100
    assert all(
        len(button.callback_data.encode()) <= 64 for row in markup.inline_keyboard for button in row
    )


# --- Showing a reply ----------------------------------------------------------------------------


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_message(self, chat_id: int, text: str, reply_markup=None) -> None:
        self.sent.append(text)


def button_message(refusal: str | None):
    from aiogram.exceptions import TelegramBadRequest
    from aiogram.types import Message

    class ButtonMessage(Message):
        async def edit_text(self, text: str, **kwargs):  # type: ignore[override]
            if refusal is not None:
                raise TelegramBadRequest(method=None, message=f"Bad Request: {refusal}")  # type: ignore[arg-type]

    return ButtonMessage.model_construct(message_id=1)


class FakeQuery:
    def __init__(self, refusal: str | None) -> None:
        self.message = button_message(refusal)
        self.bot = FakeBot()
        self.from_user = type("U", (), {"id": 7})()


@pytest.mark.parametrize(
    ("refusal", "shown", "sent_again"),
    [
        (None, True, False),
        ("message is not modified: specified new message content", True, False),
        ("message can't be edited", True, True),
        ("there is no text in the message to edit", True, True),
        ("message is too long", False, False),
        ("can't parse entities: unclosed tag", False, False),
    ],
)
async def test_a_refused_edit_is_sent_anew_only_when_the_message_cannot_be_edited(
    refusal, shown, sent_again, caplog
):
    from handlers.replies import show

    query = FakeQuery(refusal)
    assert await show(query, "текст", None) is shown  # type: ignore[arg-type]
    assert query.bot.sent == (["текст"] if sent_again else [])
    assert ("Telegram refused a reply" in caplog.text) is (not shown)


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_longest_pages_of_orgs_officials_and_find_fit(locale):
    """Pages full of entries with every name at its longest still fit a message."""
    from bot.bodies import BodyRegistrations
    from bot.entry.translations import create_i18n
    from bot.measure_search import FoundMeasure
    from bot.memberships import PersonEntry, PersonMembership, PersonStatus
    from handlers.bodies import orgs_reply
    from handlers.find import search_reply
    from handlers.officials import people_reply

    huge = "<Оч&нь> " * 2000
    bodies = [BodyRegistrations(n, huge, huge, n % 2 * 99_999, 99_999) for n in range(100)]
    people = [
        PersonEntry(
            n,
            n,
            huge,
            huge,
            PersonStatus.BLOCKED_BOT,
            tuple(PersonMembership(m, huge, Role.HEAD) for m in range(30)),
        )
        for n in range(100)
    ]
    found = [FoundMeasure(n, n % 3, huge, huge[:300], huge, None) for n in range(100)]
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        note = "✓ " + "x" * 600  # a deactivation's note: a name and the bodies, shortened
        texts = [
            *(orgs_reply(bodies, page)[0] for page in range(3)),
            *(people_reply(people, page, note)[0] for page in range(3)),
            *(search_reply(found, huge, page)[0] for page in range(3)),
        ]
    assert all(visible_length(text) <= MESSAGE_LIMIT for text in texts), [
        visible_length(text) for text in texts
    ]


async def test_a_full_text_longer_than_three_messages_comes_as_a_file(running_bot):
    plan_id, body_id, _, _ = await setup_plan(running_bot.sessionmaker)
    title = long_text("Название", 20_000)
    async with running_bot.sessionmaker() as session, session.begin():
        huge = measure(plan_id, "7.", title)
        session.add(huge)
        await session.flush()
        session.add(Assignment(measure_id=huge.id, organization_id=body_id, is_lead=True))
    anna = user(running_bot, COORDINATOR)
    anna.send_command("/find", args="7")
    results = await anna.wait_for_message("Found")
    [[first_button]] = results.reply_markup["inline_keyboard"]
    anna.press(results, callback_data=first_button["callback_data"])
    card = await anna.wait_for_message(lambda m: "Plan:" in (m.text or ""))
    anna.press(card, text="Full text")
    sent = await anna.wait_for_message(lambda m: m.file is not None)
    assert sent.caption == "Measure 7.: the full text"
    assert sent.file.content.decode("utf-8") == f"7. {title}\n"
    assert refusals(running_bot.emulator) == []
