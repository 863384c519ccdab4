"""The words of an amendment preview, for the chat and the command line alike: one line per
change («1.4 · исполнители: "…" → "…"»), each statement not applied with its reason, the
successors and the appendices. Plain text (the chat escapes it); message ids marked for
extraction and translated by the caller's `gettext`."""

from __future__ import annotations

from collections.abc import Callable

from bot.amendments.order import Action, Field, Reason
from bot.amendments.preview import AmendmentPreview, ResolvedChange
from bot.body_names import nominative
from bot.i18n import N_

Gettext = Callable[[str], str]

FIELD_NAMES: dict[Field, str] = {
    Field.TITLE: N_("wording"),
    Field.DEADLINE: N_("deadline"),
    Field.EXECUTORS: N_("executors"),
    Field.RESULT: N_("result"),
    Field.ROW: N_("row"),
}
REASONS: dict[str, str] = {
    Reason.UNKNOWN_FORM: N_("the form of the statement was not recognised"),
    Reason.OTHER_ACT: N_("it amends another act, not this plan"),
    Reason.ROW_NOT_FOUND: N_("the plan has no such row"),
    Reason.WORDS_NOT_FOUND: N_("the row does not contain these words"),
    Reason.ROW_EXISTS: N_("the plan already has a row with this number"),
    Reason.APPENDIX_NOT_FOUND: N_("the appendix was not found among your plans"),
    Reason.BODY_NOT_FOUND: N_("the body was not found in the directory"),
    Reason.ALREADY_APPLIED: N_("already applied: the plan reads so"),
    Reason.SHARED_BODY: N_(
        "the body also serves other coordinators' plans: an administrator passes its measures on"
    ),
    Reason.SUCCESSION_LOOP: N_("the successor already passes its measures to this body"),
}


def reason_text(reason: str, gettext: Gettext) -> str:
    return gettext(REASONS.get(reason, N_("the form of the statement was not recognised")))


def order_name(preview: AmendmentPreview, gettext: Gettext) -> str:
    order = preview.order
    number = order.number or "—"
    if order.date is None:
        return gettext("Order № {number}").format(number=number)
    return gettext("Order № {number} of {date}").format(
        number=number, date=order.date.strftime("%d.%m.%Y")
    )


def change_line(change: ResolvedChange, gettext: Gettext) -> str:
    if change.row is None:
        return gettext('Appendix title: "{before}" → "{after}"').format(
            before=change.before, after=change.after
        )
    if change.action is Action.ADD:
        return gettext('{row} · new row: "{after}"').format(row=change.row, after=change.after)
    if change.action is Action.REMOVE:
        return gettext('{row} · row removed: "{before}"').format(
            row=change.row, before=change.before
        )
    return gettext('{row} · {field}: "{before}" → "{after}"').format(
        row=change.row,
        field=gettext(FIELD_NAMES[change.field]),
        before=change.before,
        after=change.after,
    )


def preview_lines(preview: AmendmentPreview, gettext: Gettext) -> list[str]:
    """The whole preview, one item per line (a long one is split by lines, never cut)."""
    lines = [order_name(preview, gettext)]
    if preview.plan is not None:
        lines.append(gettext("Plan: «{title}»").format(title=preview.plan.title))
    if preview.applied_before is not None:
        lines.append(
            gettext(
                "This order was applied to the plan on {date} by {who}; "
                "applying it again changes nothing."
            ).format(
                date=preview.applied_before.on.strftime("%d.%m.%Y"),
                who=preview.applied_before.by or "—",
            )
        )
        return lines
    if preview.needs_choice:
        lines.append(gettext("Which plan does the order amend? Choose it."))
        return lines
    lines.append(gettext("Changes: {count}").format(count=len(preview.changes)))
    lines.extend(change_line(change, gettext) for change in preview.changes)
    if preview.successors:
        lines.append(gettext("Successors:"))
        lines.extend(
            gettext("from {date}: {body} → {successor}").format(
                date=resolved.successor.since.strftime("%d.%m.%Y"),
                body=resolved.body_name,
                successor=nominative(resolved.successor.successor),
            )
            for resolved in preview.successors
        )
    if preview.appendices:
        lines.append(gettext("New appendices:"))
        lines.extend(
            gettext("Appendix № {number} «{title}»: {measures} measures").format(
                number=appendix.addition.number,
                title=appendix.addition.title,
                measures=appendix.measures,
            )
            for appendix in preview.appendices
        )
    if preview.not_applied:
        lines.append(gettext("Not applied: {count}").format(count=len(preview.not_applied)))
        lines.extend(
            f"— {item.text}: {reason_text(item.reason, gettext)}" for item in preview.not_applied
        )
    return lines
