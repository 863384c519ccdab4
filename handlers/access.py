"""What a person reads when a command or a button is not for them."""

from __future__ import annotations

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.access import Roles


async def refuse_command(message: Message, roles: Roles) -> None:
    """A coordinator's command sent by someone else."""
    if roles.is_registered:
        await message.answer(_("This command is for coordinators."))
    else:
        await message.answer(_("This is available after registration by invitation."))
