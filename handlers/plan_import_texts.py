"""The texts of loading a plan in the chat: the preview of what the importer understood, the
file of all its warnings, and what saving changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from aiogram.utils.i18n import gettext as _
from babel.dates import format_date

from bot.plan_import import messages
from bot.plan_import.body_directory import NameDifference
from bot.plan_import.groups import GroupUse
from bot.plan_import.importing import ImportPreview, PlanPreview
from bot.plan_import.model import ImportResult
from bot.plan_import.store import StoreReport
from bot.presentation.text_limits import pack, shorten

WARNINGS_SHOWN = 10
BODIES_SHOWN = 15
MONTHS_SHOWN = 18
PLANS_SHOWN = 5
PLAN_TITLE_LENGTH = 300
BODY_NAME_LENGTH = 80
FILE_NAME_LENGTH = 100


@dataclass(frozen=True, slots=True)
class NamesInFile:
    """The stored bodies the file names otherwise, and whether saving applies the file's names
    (an administrator's import) or keeps the stored ones (a coordinator's)."""

    differences: Sequence[NameDifference] = ()
    applied: bool = False


def render_preview(
    preview: ImportPreview,
    result: ImportResult,
    file_name: str,
    locale: str,
    names: NamesInFile = NamesInFile(),
    groups: Sequence[GroupUse] = (),
) -> list[str]:
    """What the importer understood, as texts that each fit a message (usually one)."""
    blocks = [
        _("<b>What I found in «{name}»</b>").format(
            name=escape(shorten(file_name, FILE_NAME_LENGTH))
        )
    ]
    blocks.extend(
        _plan_block(index, plan, locale)
        for index, plan in enumerate(preview.plans[:PLANS_SHOWN], 1)
    )
    if len(preview.plans) > PLANS_SHOWN:
        blocks.append(
            _(
                "…and {count} more plan.",
                "…and {count} more plans.",
                len(preview.plans) - PLANS_SHOWN,
            ).format(count=len(preview.plans) - PLANS_SHOWN)
        )
    if preview.bodies:
        blocks.append(_bodies_block(preview.bodies))
    if names.differences:
        blocks.append(_preview_names_block(names))
    if groups:
        blocks.append(_groups_block(groups))
    blocks.append(_warnings_block(result))
    blocks.append(_("Nothing is saved yet. Save the plan?"))
    return pack(blocks)


def render_warnings_file(result: ImportResult) -> str:
    return (
        "\n".join(
            f"{messages.render_where(warning.where, _)}: {messages.render_warning(warning, _)}"
            for warning in result.warnings
        )
        + "\n"
    )


def render_changes(report: StoreReport) -> list[str]:
    """What saving changed, plan by plan, as texts that each fit a message."""
    blocks = []
    for plan in report.plans:
        lines = []
        title = escape(shorten(plan.title, PLAN_TITLE_LENGTH))
        if plan.created:
            lines.append(
                _(
                    "Plan «{title}» saved: {count} measure.",
                    "Plan «{title}» saved: {count} measures.",
                    len(plan.added),
                ).format(title=title, count=len(plan.added))
            )
        else:
            lines.append(
                _(
                    "Plan «{title}» updated: added {added}, changed {changed}, removed {removed}, "
                    "unchanged {unchanged}."
                ).format(
                    title=title,
                    added=len(plan.added),
                    changed=len(plan.changed),
                    removed=len(plan.removed),
                    unchanged=plan.unchanged,
                )
            )
            for label, numbers in (
                (_("Added"), plan.added),
                (_("Changed"), plan.changed),
                (_("Removed"), plan.removed),
            ):
                if numbers:
                    lines.append(f"{label}: {escape(shorten(', '.join(numbers), 500))}")
        blocks.append("\n".join(lines))
    if report.organizations_created:
        blocks.append(_("New bodies: {count}.").format(count=len(report.organizations_created)))
    kept = [d for d in report.name_differences if not d.applied]
    applied = [d for d in report.name_differences if d.applied]
    if kept:
        header = _(
            "The file names {count} stored body otherwise; the stored names are kept "
            "(an administrator decides):",
            "The file names {count} stored bodies otherwise; the stored names are kept "
            "(an administrator decides):",
            len(kept),
        ).format(count=len(kept))
        blocks.append(_names_block(header, kept))
    if applied:
        header = _("Short names of stored bodies changed by the file: {count}.").format(
            count=len(applied)
        )
        blocks.append(_names_block(header, applied))
    return pack(blocks, separator="\n")


def _preview_names_block(names: NamesInFile) -> str:
    count = len(names.differences)
    if names.applied:
        header = _(
            "The file names {count} stored body otherwise; saving applies the file's short names:",
            "The file names {count} stored bodies otherwise; saving applies the file's short "
            "names:",
            count,
        )
    else:
        header = _(
            "The file names {count} stored body otherwise; saving keeps the stored names "
            "(an administrator decides):",
            "The file names {count} stored bodies otherwise; saving keeps the stored names "
            "(an administrator decides):",
            count,
        )
    return _names_block(header.format(count=count), names.differences)


def _groups_block(groups: Sequence[GroupUse]) -> str:
    """Collective executors: each directory group with its count of bodies, and the ones the
    directory has no group for (with how to define it)."""
    lines = [_("<b>Collective executors</b>")]
    for use in groups[:BODIES_SHOWN]:
        label = escape(shorten(use.label, BODY_NAME_LENGTH))
        if use.group is not None:
            lines.append(
                _(
                    "«{label}» → {count} body of the directory group «{group}»",
                    "«{label}» → {count} bodies of the directory group «{group}»",
                    use.bodies,
                ).format(
                    label=label,
                    count=use.bodies,
                    group=escape(shorten(use.group, BODY_NAME_LENGTH)),
                )
            )
        else:
            lines.append(
                _("«{label}» — the directory has no such group: kept as one executor").format(
                    label=label
                )
            )
    if len(groups) > BODIES_SHOWN:
        lines.append(_("and {count} more").format(count=len(groups) - BODIES_SHOWN))
    if any(use.group is not None for use in groups):
        lines.append(
            _(
                "Saving gives each body of a group its own part of the measure, with its own "
                "status, reminders and report; a group named first makes each of its bodies a "
                "lead executor."
            )
        )
    if any(use.group is None for use in groups):
        lines.append(
            _(
                "To expand a group, an administrator lists its bodies in the directory (the "
                "«Groups» column of the directory file, /orgs), then the plan is loaded again; "
                "or cancel now and load the plan after that."
            )
        )
    return "\n".join(lines)


def _names_block(header: str, differences: Sequence[NameDifference]) -> str:
    def named(full: str, short: str | None) -> str:
        text = shorten(full, BODY_NAME_LENGTH)
        return escape(f"{text} ({short})" if short else text)

    lines = [header]
    for difference in differences[:BODIES_SHOWN]:
        lines.append(
            _("«{stored}» — in the file «{in_file}»").format(
                stored=named(difference.stored, difference.stored_short),
                in_file=named(difference.in_file, difference.in_file_short),
            )
        )
    if len(differences) > BODIES_SHOWN:
        lines.append(_("and {count} more").format(count=len(differences) - BODIES_SHOWN))
    return "\n".join(lines)


def _plan_block(index: int, plan: PlanPreview, locale: str) -> str:
    """One plan of the preview: its counts and its deadlines by month."""
    lines = [f"{index}. <b>{escape(shorten(plan.title, PLAN_TITLE_LENGTH))}</b>"]
    lines.append(
        _(
            "Sections: {sections}, measures: {measures} (done: {done}, without deadline: {without})"
        ).format(
            sections=plan.sections,
            measures=plan.measures,
            done=plan.done,
            without=plan.without_deadline,
        )
    )
    lines.append(_("Bodies: {count}").format(count=len(plan.bodies)))
    if plan.deadlines_by_month:
        months = [
            f"{format_date(month, 'LLLL yyyy', locale=locale)} — {count}"
            for month, count in plan.deadlines_by_month[:MONTHS_SHOWN]
        ]
        if len(plan.deadlines_by_month) > MONTHS_SHOWN:
            months.append("…")
        lines.append(_("Deadlines by month: {months}").format(months=", ".join(months)))
    return "\n".join(lines)


def _bodies_block(bodies: Sequence[str]) -> str:
    shown = ", ".join(escape(shorten(name, BODY_NAME_LENGTH)) for name in bodies[:BODIES_SHOWN])
    if len(bodies) > BODIES_SHOWN:
        shown += " " + _("and {count} more").format(count=len(bodies) - BODIES_SHOWN)
    return _("Bodies: {names}").format(names=shown)


def _warnings_block(result: ImportResult) -> str:
    """The first warnings (all of them go in a file when there are more)."""
    if not result.warnings:
        return _("No warnings: every row was understood.")
    warnings = [_("Warnings: {count}").format(count=len(result.warnings))]
    for warning in result.warnings[:WARNINGS_SHOWN]:
        text = messages.render_warning(warning, _)
        where = messages.render_where(warning.where, _)
        warnings.append(f"• {escape(shorten(where, 100))}: {escape(shorten(text, 300))}")
    return "\n".join(warnings)
