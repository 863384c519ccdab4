"""How outbox notifications become Telegram messages: a registry of renderers by kind.

A renderer gets the notification's JSON payload and the translation functions of the
recipient's locale, and returns the message text (HTML parse mode) and an optional keyboard.
Renderers run at send time, so a message is always in the recipient's current language.
Everything that comes from people or documents (names, bodies, plan text) must be escaped
with `html.escape` by the renderer.

Other modules add their kinds with the decorator::

    @register("reminder")
    def render_reminder(payload, gettext, ngettext):
        return gettext("…").format(...), None
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup

__all__ = [
    "UNREACHABLE",
    "GetText",
    "NGetText",
    "Rendered",
    "Renderer",
    "UnknownKindError",
    "register",
    "render",
    "renderer_for",
]

GetText = Callable[[str], str]
NGetText = Callable[[str, str, int], str]
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup
Rendered = tuple[str, ReplyMarkup | None]
Renderer = Callable[[Mapping[str, Any], GetText, NGetText], Rendered]

# Kind of the message that tells coordinators an official blocked the bot.
UNREACHABLE = "unreachable"

_RENDERERS: dict[str, Renderer] = {}


class UnknownKindError(LookupError):
    """No renderer is registered for a notification kind."""


def register(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of `kind` (one renderer per kind)."""
    if not kind or len(kind) > 32:
        raise ValueError(f"notification kind must be 1..32 characters, got {kind!r}")

    def decorator(renderer: Renderer) -> Renderer:
        existing = _RENDERERS.get(kind)
        if existing is not None and existing is not renderer:
            raise ValueError(f"a renderer for notification kind {kind!r} is already registered")
        _RENDERERS[kind] = renderer
        return renderer

    return decorator


def renderer_for(kind: str) -> Renderer:
    try:
        return _RENDERERS[kind]
    except KeyError:
        raise UnknownKindError(kind) from None


def render(kind: str, payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText) -> Rendered:
    return renderer_for(kind)(payload, gettext, ngettext)


@register(UNREACHABLE)
def render_unreachable(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText
) -> Rendered:
    """Payload: {"person": display name, "bodies": [body names], "official_id": id}."""
    person = html.escape(str(payload.get("person") or "—"))
    bodies = [str(body) for body in payload.get("bodies") or () if body]
    if not bodies:
        text = gettext(
            "⚠️ «{person}» has blocked the bot and can no longer be reached through it."
        ).format(person=person)
        return text, None
    listed = ", ".join(f"«{html.escape(body)}»" for body in bodies)
    text = ngettext(
        "⚠️ «{person}» of {bodies} has blocked the bot. The bot can no longer reach this body"
        " through them: reminders about its measures do not get to them. Please contact them"
        " another way.",
        "⚠️ «{person}» of {bodies} has blocked the bot. The bot can no longer reach these bodies"
        " through them: reminders about their measures do not get to them. Please contact them"
        " another way.",
        len(bodies),
    ).format(person=person, bodies=listed)
    return text, None
