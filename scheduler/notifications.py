"""How outbox notifications become Telegram messages: a registry of renderers by kind.

A renderer gets the notification's JSON payload (read with the kind's dataclass from
bot.notification_kinds), the translation functions of the
recipient's locale and the `Delivery` (the sender's clock at send time, and whether the safe
compact form is wanted), and returns the message text (HTML parse mode) and an optional
keyboard. Renderers run at send time, so a message is always in the recipient's current
language and its "today" is the day it is read; they take the moment from `Delivery.now`,
never from the system clock. A renderer must fit Telegram's limits
(bot.presentation.text_limits) whatever the payload; in the compact form it must fit with room
to spare (counts and a button, no lists).
Everything that comes from people or documents (names, bodies, plan text) must be escaped
with `html.escape` by the renderer.

Other modules add their kinds with the decorator::

    @register("reminder")
    def render_reminder(payload, gettext, ngettext, delivery):
        return gettext("…").format(...), None

A kind may also carry pictures, sent before its text: `register_photos` adds an async
function that returns them (PNG bytes and an HTML caption of at most 1,024 characters each),
drawn at send time (in a worker thread: it must not hold the event loop).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from bot.notification_kinds import UNREACHABLE, UnreachableNotice
from bot.presentation.fits import ReplyMarkup
from bot.presentation.text_limits import shorten

__all__ = [
    "UNREACHABLE",
    "Delivery",
    "GetText",
    "NGetText",
    "Photo",
    "PhotoRenderer",
    "Rendered",
    "Renderer",
    "UnknownKindError",
    "photos_for",
    "register",
    "register_photos",
    "render",
    "renderer_for",
]

GetText = Callable[[str], str]
NGetText = Callable[[str, str, int], str]
Rendered = tuple[str, ReplyMarkup | None]


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a notification is being rendered: at which moment (the sender's clock, so a shifted
    clock in tests shifts every "today"), and whether in the compact safe form, used when the
    full form did not fit or Telegram refused it."""

    now: datetime
    compact: bool = False


Renderer = Callable[[Mapping[str, Any], GetText, NGetText, Delivery], Rendered]


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture sent before a notification's text: PNG bytes and an HTML caption."""

    png: bytes
    caption: str


PhotoRenderer = Callable[[Mapping[str, Any], GetText, Delivery], Awaitable[list[Photo]]]

# Bodies named in it (a person may serve many), and the length of a name.
UNREACHABLE_BODIES = 10
UNREACHABLE_BODIES_COMPACT = 3
NAME_LENGTH = 150

F = TypeVar("F")
_RENDERERS: dict[str, Renderer] = {}
_PHOTO_RENDERERS: dict[str, PhotoRenderer] = {}


class UnknownKindError(LookupError):
    """No renderer is registered for a notification kind."""


def _registrar(table: dict[str, F], kind: str, what: str) -> Callable[[F], F]:
    if not kind or len(kind) > 32:
        raise ValueError(f"notification kind must be 1..32 characters, got {kind!r}")

    def decorator(renderer: F) -> F:
        existing = table.get(kind)
        if existing is not None and existing is not renderer:
            raise ValueError(f"{what} for notification kind {kind!r} is already registered")
        table[kind] = renderer
        return renderer

    return decorator


def register(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the decorated function as the renderer of `kind` (one renderer per kind)."""
    return _registrar(_RENDERERS, kind, "a renderer")


def register_photos(kind: str) -> Callable[[PhotoRenderer], PhotoRenderer]:
    """Register the decorated async function as the pictures of `kind` (at most one)."""
    return _registrar(_PHOTO_RENDERERS, kind, "a photo renderer")


def photos_for(kind: str) -> PhotoRenderer | None:
    """The pictures of `kind`, if it has any."""
    return _PHOTO_RENDERERS.get(kind)


def renderer_for(kind: str) -> Renderer:
    try:
        return _RENDERERS[kind]
    except KeyError:
        raise UnknownKindError(kind) from None


def render(
    kind: str,
    payload: Mapping[str, Any],
    gettext: GetText,
    ngettext: NGetText,
    delivery: Delivery,
) -> Rendered:
    return renderer_for(kind)(payload, gettext, ngettext, delivery)


@register(UNREACHABLE)
def render_unreachable(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    """At most UNREACHABLE_BODIES bodies are named, each shortened; then "and N more"."""
    notice = UnreachableNotice.from_json(payload)
    person = html.escape(shorten(notice.person or "—", NAME_LENGTH))
    every_body = list(notice.bodies)
    shown = UNREACHABLE_BODIES_COMPACT if delivery.compact else UNREACHABLE_BODIES
    bodies = [shorten(body, NAME_LENGTH) for body in every_body[:shown]]
    if not bodies:
        text = gettext(
            "⚠️ «{person}» has blocked the bot and can no longer be reached through it."
        ).format(person=person)
        return text, None
    listed = ", ".join(f"«{html.escape(body)}»" for body in bodies)
    if len(every_body) > len(bodies):
        more = len(every_body) - len(bodies)
        listed += " " + ngettext("and {count} more body", "and {count} more bodies", more).format(
            count=more
        )
    text = ngettext(
        "⚠️ «{person}» of {bodies} has blocked the bot. The bot can no longer reach this body"
        " through them: reminders about its measures do not get to them. Please contact them"
        " another way.",
        "⚠️ «{person}» of {bodies} has blocked the bot. The bot can no longer reach these bodies"
        " through them: reminders about their measures do not get to them. Please contact them"
        " another way.",
        len(every_body),
    ).format(person=person, bodies=listed)
    return text, None
