"""What counts as a typed answer to a question the bot asked."""

from __future__ import annotations

from aiogram import F

# Text that is not a command. Every router sees the state an update came with, also after
# handlers/pending_input.py cleared it for a command, so a question's handler must not take a
# command for its answer.
ANSWER = F.text & ~F.text.startswith("/")
