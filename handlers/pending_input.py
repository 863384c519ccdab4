"""Leaving a multi-step input: /cancel, or any other command, ends the question being asked.

Its router runs before the routers of the commands (see handlers/__init__.py), so that a
command sent while a question waits for its answer is run, not taken as the answer.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.card_actions import CardInput
from handlers.deadline_requests import RequestInput
from handlers.directory import DirectoryFile, DirectoryInput
from handlers.find import FindInput
from handlers.invite import InviteInput
from handlers.questions import QuestionInput
from handlers.reports import ReviewInput


async def cancel_input(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled."))


async def drop_input_on_command(message: Message, state: FSMContext) -> None:
    """Another command while we wait for an answer: forget the question, run the command."""
    await state.clear()
    raise SkipHandler


async def expect_text(message: Message) -> None:
    await message.answer(_("Please answer with text, or send /cancel."))


def build_router() -> Router:
    router = Router(name=__name__)
    waiting = StateFilter(
        FindInput, CardInput, InviteInput, ReviewInput, QuestionInput, RequestInput, DirectoryInput
    )
    router.message.register(cancel_input, waiting, Command("cancel"))
    router.message.register(drop_input_on_command, waiting, F.text.startswith("/"))
    router.message.register(expect_text, waiting, ~F.text)
    # Waiting for a file (the directory of bodies): a command ends the wait too.
    router.message.register(cancel_input, StateFilter(DirectoryFile), Command("cancel"))
    router.message.register(
        drop_input_on_command, StateFilter(DirectoryFile), F.text.startswith("/")
    )
    return router
