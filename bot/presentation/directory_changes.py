"""A directory file's changes as a person reads them (the chat's preview and the command line)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.directory.changes import DirectoryChanges
from bot.directory.listing import Problem, Translate
from bot.i18n import N_
from bot.presentation.text_limits import shorten

SHOWN = 8  # lines of each kind; the rest are counted
NAME_LENGTH = 90

FIELD_TEXTS = {
    "full_name": N_("full name"),
    "short_name": N_("short name"),
    "kind": N_("kind"),
    "groups": N_("groups"),
    "timezone": N_("time zone"),
    "parent": N_("parent body"),
    "head_name": N_("head"),
    "listed": N_("entered in the directory"),
}

PROBLEM_TEXTS = {
    Problem.NO_NAME: N_("no full name"),
    Problem.BAD_KIND: N_("the kind is not one of: executive body, municipality, other body"),
    Problem.BAD_ZONE: N_("the time zone is neither a city of Russia nor a zone name"),
    Problem.TOO_LONG: N_("a name is too long"),
    Problem.REPEATED: N_("the body is listed twice"),
    Problem.UNKNOWN_PARENT: N_("the parent body is not in the directory"),
}


def changes_text(changes: DirectoryChanges, translate: Translate, *, html: bool = True) -> str:
    """What saving would change: counts, then the first few new, changed, unreadable rows."""

    def text(value: str) -> str:
        value = shorten(value, NAME_LENGTH)
        return escape(value) if html else value

    def bold(value: str) -> str:
        return f"<b>{value}</b>" if html else value

    lines = [
        bold(translate(N_("Directory of bodies")))
        + ": "
        + translate(
            N_("new: {new}, changed: {changed}, unchanged: {unchanged}, not read: {unreadable}.")
        ).format(
            new=len(changes.new),
            changed=len(changes.changed),
            unchanged=changes.unchanged,
            unreadable=len(changes.unreadable),
        )
    ]
    if changes.new_groups:
        lines.append(
            translate(N_("New groups: {groups}.")).format(
                groups=", ".join(text(group) for group in changes.new_groups[:SHOWN])
                + (" …" if len(changes.new_groups) > SHOWN else "")
            )
        )
    _section(
        lines, bold(translate(N_("New"))), [text(c.entry.full_name) for c in changes.new], translate
    )
    _section(
        lines,
        bold(translate(N_("Changed"))),
        [
            text(change.entry.full_name)
            + (" ← " + text(change.old_name) if change.old_name else "")
            + ": "
            + ", ".join(translate(FIELD_TEXTS[name]) for name in change.changed)
            for change in changes.changed
        ],
        translate,
    )
    _section(
        lines,
        bold(translate(N_("Not read"))),
        [
            f"{text(item.where)}: {text(item.text)} — {translate(PROBLEM_TEXTS[item.problem])}"
            for item in changes.unreadable
        ],
        translate,
    )
    return "\n".join(lines)


def _section(lines: list[str], title: str, items: Sequence[str], translate: Translate) -> None:
    if not items:
        return
    lines.append("")
    lines.append(title)
    lines.extend(f"• {item}" for item in items[:SHOWN])
    if len(items) > SHOWN:
        lines.append(translate(N_("… and {count} more")).format(count=len(items) - SHOWN))
