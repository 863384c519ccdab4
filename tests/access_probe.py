"""Pressing a button or sending a command as a person of the emulator, and collecting what
they were shown: the probe behind `test_access_table`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.entry.translations import create_i18n
from bot.refusals import Refusal, Refused
from handlers.refusals import refusal_text

# Refusals that mean "not yours" (a refusal of a state, e.g. "already reviewed", is an answer).
ACCESS_REFUSALS = (
    Refusal.NOT_AVAILABLE,
    Refusal.MEASURE_NOT_AVAILABLE,
    Refusal.COORDINATORS_ONLY,
    Refusal.ADMINISTRATORS_ONLY,
    Refusal.NOT_REGISTERED,
    Refusal.NOT_MEMBER,
    Refusal.SHARED_BODY,
    Refusal.SUMMARIES_NOT_FOR_OFFICIALS,
    Refusal.NOT_INVITATION_MAKER,
)
OTHER_REFUSALS = (
    "This preview has expired or is not yours. Send the file again.",
    "Only coordinators can load plans.",
    "This list is not available to you.",
    "This button is out of date.",  # also a page of a search the person never made
    "This draft is no longer open. Press «Report» on the measure to start again.",
    "This draft is no longer open.",
    "Please open the invitation link again.",  # a Confirm with no invitation link open
)


def refusal_texts() -> set[str]:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        return {refusal_text(Refused(refusal)) for refusal in ACCESS_REFUSALS} | set(OTHER_REFUSALS)


def snapshot(running_bot, person) -> dict[int, str]:
    return {
        m.message_id: json.dumps(m.payload, ensure_ascii=False)
        for m in running_bot.emulator.messages(person.chat_id)
    }


_query_ids = iter(range(1, 10**9))


def press(running_bot, person, carrier: dict, data: str) -> str:
    """Press a button with `data` on the carrier message, as Telegram would send it."""
    query_id = f"table-{next(_query_ids)}"
    running_bot.emulator.inject_update(
        {
            "callback_query": {
                "id": query_id,
                "from": person.user_dict,
                "chat_instance": "1",
                "message": carrier,
                "data": data,
            }
        }
    )
    return query_id


@dataclass
class Outcome:
    refused: bool
    shown: list[str]  # callback answers, and the messages sent or edited (as JSON)
    shown_before: str  # what the edited messages showed before


async def probe(
    running_bot, person, carrier: dict, refusals: set[str], act: Callable[[], str | None]
) -> Outcome:
    """Run `act` (returns a callback query id to wait for, or None after sending a command, which
    always answers) and collect what the person was shown. A person's updates are handled in
    turn, but a refusal is told after the turn ends (by the error handler): once two buttons
    nobody knows are answered, what the action sent or edited is there."""
    before = snapshot(running_bot, person)
    person.mark()
    query_id = act()
    if query_id is not None:
        await person.wait_for_callback_answer(query_id)
    else:
        await person.wait_for_message()
    for _ in range(2):
        barrier = press(running_bot, person, carrier, "barrier")
        await person.wait_for_callback_answer(barrier)
    after = snapshot(running_bot, person)
    changed = [
        m
        for m in running_bot.emulator.messages(person.chat_id)
        if before.get(m.message_id) != after[m.message_id]
    ]
    answers = [a.text or "" for a in person.callback_answers if a.callback_query_id == query_id]
    texts = answers + [m.content for m in changed]
    shown = answers + [after[m.message_id] for m in changed]
    shown_before = " ".join(before.get(m.message_id, "") for m in changed)
    return Outcome(any(text in refusals for text in texts), shown, shown_before)


async def carrier_of(person) -> dict:
    person.send_command("/help")
    return (await person.wait_for_message("What you can do")).payload
