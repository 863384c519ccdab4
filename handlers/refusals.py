"""How a refusal reads: one message per `Refusal`, in the person's language."""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _

from bot.presentation.deadline_wording import format_day
from bot.refusals import Refusal, Refused


def _day(iso: object) -> str:
    """A date of a refusal's details (ISO) as people write it."""
    return format_day(date.fromisoformat(iso)) if isinstance(iso, str) and iso else "—"


def refusal_text(refused: Refused) -> str:
    """The polite sentence for a refusal; limits and counts come from its details."""
    details = refused.details
    texts = {
        Refusal.NOT_AVAILABLE: lambda: _("This is not available to you."),
        Refusal.COORDINATORS_ONLY: lambda: _("This command is for coordinators."),
        Refusal.SUMMARIES_NOT_FOR_OFFICIALS: lambda: _(
            "Summaries are for coordinators and heads of bodies. Use /my to see your measures."
        ),
        Refusal.ADMINISTRATORS_ONLY: lambda: _("This command is for administrators."),
        Refusal.NOT_REGISTERED: lambda: _("This is available after registration by invitation."),
        Refusal.MEASURE_NOT_AVAILABLE: lambda: _("This measure is not available to you."),
        Refusal.SHARED_BODY: lambda: _(
            "This body also answers for plans you do not coordinate: its people and its "
            "settings are managed by an administrator."
        ),
        Refusal.NOT_MEMBER: lambda: _("You do not answer for this body."),
        Refusal.MEASURE_REMOVED: lambda: _(
            "This measure was removed from the plan; it cannot be changed."
        ),
        Refusal.MEASURE_DONE: lambda: _("This measure is already done."),
        Refusal.ALREADY_EXECUTOR: lambda: _("This body answers for the measure already."),
        Refusal.NOT_EXECUTOR: lambda: _("This body no longer answers for the measure."),
        Refusal.NO_EXECUTORS: lambda: _("No body answers for this measure."),
        Refusal.SAME_DEADLINE: lambda: _("This is the measure's deadline already."),
        Refusal.DEADLINE_NOT_AFTER_TODAY: lambda: _("The new deadline must be after today."),
        Refusal.DEADLINE_NOT_LATER: lambda: _(
            "The new deadline must be later than the current one ({deadline}). To finish "
            "earlier no request is needed: just report when it is done."
        ).format(deadline=_day(details.get("deadline"))),
        Refusal.REQUEST_OPEN: lambda: _(
            "Your body's request to move this deadline (to {deadline}) is waiting for the "
            "coordinator's decision. A new request can be sent once it is decided."
        ).format(deadline=_day(details.get("deadline"))),
        Refusal.ALREADY_DECIDED: lambda: _("This request has already been decided."),
        Refusal.REQUEST_OVERTAKEN: lambda: _(
            "The deadline is already {deadline}, not earlier than the date asked: approving "
            "would move it back. Decline the request, giving the new deadline as the reason."
        ).format(deadline=_day(details.get("deadline"))),
        Refusal.ALREADY_REVOKED: lambda: _("This invitation is revoked already."),
        Refusal.NOT_INVITATION_MAKER: lambda: _(
            "Only the person who made an invitation can revoke it."
        ),
        Refusal.NO_REASON: lambda: _("Please write the reason in words."),
        Refusal.NO_RETURN_REASON: lambda: _("Please write why the report is returned."),
        Refusal.REASON_TOO_LONG: lambda: _(
            "The reason is too long: at most {limit} characters. Please shorten it."
        ).format(limit=details.get("limit", "")),
        Refusal.COMMENT_TOO_LONG: lambda: _(
            "The comment is too long: at most {count} characters."
        ).format(count=details.get("limit", "")),
        Refusal.UNDER_REVIEW: lambda: _(
            "Your report on this measure is waiting for review; the coordinator will answer."
        ),
        Refusal.ACCEPTED: lambda: _("Your report on this measure is already accepted."),
        Refusal.NO_DOCUMENTS: lambda: _(
            "Attach at least one document: send it as a file or a photo."
        ),
        Refusal.TOO_MANY_DOCUMENTS: lambda: _("A report holds at most {count} documents.").format(
            count=details.get("count", "")
        ),
        Refusal.ALREADY_REVIEWED: lambda: _("This report has already been reviewed."),
        Refusal.FILE_TYPE_NOT_ALLOWED: lambda: _(
            "This file was not attached: a report takes PDF, Word, Excel or OpenDocument files, "
            "images, ZIP archives and plain text. Save it in one of these formats and send it "
            "again."
        ),
        Refusal.FILE_TOO_LARGE: lambda: _(
            "This file was not attached: it is {size} MB, a report file may be at most {limit} MB."
        ).format(size=details.get("size_mb", ""), limit=details.get("limit_mb", "")),
        Refusal.REPORT_TOO_LARGE: lambda: _(
            "This file was not attached: the files of a report may be at most {limit} MB together."
        ).format(limit=details.get("limit_mb", "")),
        Refusal.FILE_NOT_CHECKED: lambda: _(
            "This file was not attached: the bot could not download it to check it. Please send "
            "it again."
        ),
        Refusal.NO_LONGER_CURRENT: lambda: _(
            "This report can no longer be reviewed: the body no longer executes the measure, "
            "or the measure is no longer in the plan."
        ),
        Refusal.NO_QUESTION: lambda: _("Please write your message in words."),
        Refusal.QUESTION_TOO_LONG: lambda: _(
            "The message is too long: at most {limit} characters. Please shorten it."
        ).format(limit=details.get("limit", "")),
        Refusal.NO_ANSWER: lambda: _("Please write the answer in words."),
        Refusal.ANSWER_TOO_LONG: lambda: _(
            "The answer is too long: at most {limit} characters. Please shorten it."
        ).format(limit=details.get("limit", "")),
        Refusal.CLAIM_OPEN: lambda: _(
            "Your body has already told the coordinators that this measure is not its own; "
            "please wait for their decision."
        ),
        Refusal.ALREADY_ANSWERED: lambda: _(
            "This has already been answered by {who}; the answer was sent to the official."
        ).format(who=details.get("who", "")),
        Refusal.OWN_REPORT: lambda: _("A report is reviewed by someone other than its author."),
        Refusal.NO_ORIGINAL: lambda: _(
            "The file of this plan's current version was not kept (it was imported before "
            "originals were kept): import the file again to get it back with marks."
        ),
        Refusal.ORIGINAL_NOT_A_FORM: lambda: _(
            "This plan was imported from a text file: only a Word or Excel original can be "
            "returned with marks."
        ),
        Refusal.BAD_REQUISITE_DATE: lambda: _(
            "Please write the date as day, month and year, for example 31.12.2025."
        ),
        Refusal.REQUISITE_DATE_IN_FUTURE: lambda: _(
            "This date has not come yet: please check the document's date."
        ),
        Refusal.BAD_REQUISITE_NUMBER: lambda: _(
            "Please write the document's number in one line, at most {limit} characters, "
            "for example 123."
        ).format(limit=details.get("limit", "")),
        Refusal.BAD_REQUISITE_LINK: lambda: _(
            "Please send a link that starts with http:// or https://, for example "
            "https://example.ru/doc/123."
        ),
        Refusal.BAD_REQUISITE_REFERENCE: lambda: _(
            "Please write the reference in the document system in one line, at most {limit} "
            "characters."
        ).format(limit=details.get("limit", "")),
        Refusal.FILE_REQUIRED: lambda: _(
            "This plan's reports need the document's file: the requisites are kept, please "
            "attach the file too."
        ),
        Refusal.REQUISITES_INCOMPLETE: lambda: _(
            "Without a file, the report needs all the document's requisites and its reference "
            "in the document system. Press «Document requisites» to complete them."
        ),
    }
    return texts[refused.refusal]()
