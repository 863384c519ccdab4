""" "Your invitation was used": to the link's maker (the administrators, for a link made from
the command line), rendered at send time in the recipient's language."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from bot.notification_kinds import INVITATION_USED, InvitationUsedNotice
from bot.presentation.text_limits import shorten
from scheduler.notifications import Delivery, GetText, NGetText, Rendered, register

NAME_LENGTH = 150


def _role(notice: InvitationUsedNotice, gettext: GetText) -> str:
    target = escape(shorten(notice.target or "—", NAME_LENGTH))
    if notice.role == "coordinator":
        return gettext("a coordinator of «{plan}»").format(plan=target)
    if notice.role == "head":
        return gettext("the head of «{body}»").format(body=target)
    if notice.role == "administrator":
        return gettext("an administrator")
    return gettext("an official of «{body}»").format(body=target)


@register(INVITATION_USED)
def render_invitation_used(
    payload: Mapping[str, Any], gettext: GetText, ngettext: NGetText, delivery: Delivery
) -> Rendered:
    notice = InvitationUsedNotice.from_json(payload)
    person = escape(shorten(notice.person or "—", NAME_LENGTH))
    if notice.username:
        person += " (@" + escape(shorten(notice.username, 64)) + ")"
    if notice.from_command_line:
        text = gettext(
            "🔗 {person} opened an invitation made from the command line and is now {role}."
        )
    else:
        text = gettext("🔗 {person} opened your invitation and is now {role}.")
    lines = [text.format(person=person, role=_role(notice, gettext))]
    left = max(notice.max_uses - notice.uses, 0)
    lines.append(
        ngettext(
            "The link can be used {count} more time.",
            "The link can be used {count} more times.",
            left,
        ).format(count=left)
        if left
        else gettext("The link is used up.")
    )
    return "\n".join(lines), None
