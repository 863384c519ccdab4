"""The one refusal type: why a domain function says no.

A use case raises `Refused(Refusal.X)` when the person may not do what they asked, or the object
is not in a state that allows it; the update's transaction then rolls back (nothing is half
written) and one router-level error handler (`handlers/errors.py`) answers the person politely
in their language. Details a message needs (a limit, a count) travel as keyword arguments.
"""

from __future__ import annotations

import enum


class Refusal(enum.StrEnum):
    # Access and existence
    SUMMARIES_NOT_FOR_OFFICIALS = "summaries_not_for_officials"  # coordinators and heads only
    COORDINATORS_ONLY = "coordinators_only"  # a coordinator's command, sent by a registered person
    ADMINISTRATORS_ONLY = "administrators_only"  # managing coordinators
    NOT_REGISTERED = "not_registered"  # anything but /start and the language, before an invitation
    NOT_AVAILABLE = "not_available"  # unknown, or outside what the person may see or change
    MEASURE_NOT_AVAILABLE = "measure_not_available"  # a measure's card the person may not open
    # a body serving another plan too: its people and its settings are an administrator's
    SHARED_BODY = "shared_body"
    NOT_MEMBER = "not_member"  # the person does not answer for this body
    MEASURE_REMOVED = "measure_removed"
    MEASURE_DONE = "measure_done"
    # Executors and deadlines
    ALREADY_EXECUTOR = "already_executor"
    NOT_EXECUTOR = "not_executor"
    NO_EXECUTORS = "no_executors"  # nobody answers for the measure: no body to remove
    SAME_DEADLINE = "same_deadline"
    # An official's deadline request (details: deadline, an ISO date)
    DEADLINE_NOT_AFTER_TODAY = "deadline_not_after_today"
    DEADLINE_NOT_LATER = "deadline_not_later"  # not later than the current deadline
    REQUEST_OPEN = "request_open"  # the body's request on the measure waits for a decision
    ALREADY_DECIDED = "already_decided"  # another coordinator decided the request first
    # Approving would not move the deadline later: it was moved since (details: deadline)
    REQUEST_OVERTAKEN = "request_overtaken"
    ALREADY_REVOKED = "already_revoked"  # an invitation
    NOT_INVITATION_MAKER = "not_invitation_maker"  # only the maker or an administrator revokes
    # Reasons and comments written by the person (details: limit)
    NO_REASON = "no_reason"
    NO_RETURN_REASON = "no_return_reason"
    REASON_TOO_LONG = "reason_too_long"
    COMMENT_TOO_LONG = "comment_too_long"
    # Reports (details: count for TOO_MANY_DOCUMENTS)
    UNDER_REVIEW = "under_review"  # a report of this body waits for review already
    ACCEPTED = "accepted"  # this body's report is accepted already
    NO_DOCUMENTS = "no_documents"
    TOO_MANY_DOCUMENTS = "too_many_documents"
    ALREADY_REVIEWED = "already_reviewed"
    NO_LONGER_CURRENT = "no_longer_current"  # the body no longer executes the measure
    OWN_REPORT = "own_report"
    # A report's files (details: size_mb, limit_mb)
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed"  # by its content (bot/report_files.py)
    FILE_TOO_LARGE = "file_too_large"
    REPORT_TOO_LARGE = "report_too_large"  # the files of one report together
    FILE_NOT_CHECKED = "file_not_checked"  # it could not be downloaded to look into it
    # An official's question or "not ours" claim (details: limit; who for ALREADY_ANSWERED)
    NO_QUESTION = "no_question"  # nothing written
    QUESTION_TOO_LONG = "question_too_long"
    NO_ANSWER = "no_answer"
    ANSWER_TOO_LONG = "answer_too_long"
    CLAIM_OPEN = "claim_open"  # this body's "not ours" claim on the measure waits already
    ALREADY_ANSWERED = "already_answered"  # another coordinator answered first
    # Requisites of the document that proves a measure (bot/evidence.py; details: limit)
    BAD_REQUISITE_DATE = "bad_requisite_date"
    REQUISITE_DATE_IN_FUTURE = "requisite_date_in_future"
    BAD_REQUISITE_NUMBER = "bad_requisite_number"
    BAD_REQUISITE_LINK = "bad_requisite_link"
    BAD_REQUISITE_REFERENCE = "bad_requisite_reference"
    FILE_REQUIRED = "file_required"  # the plan does not accept requisites without a file
    REQUISITES_INCOMPLETE = "requisites_incomplete"  # without a file: all of them, and the СЭД
    # The plan in its original form
    NO_ORIGINAL = "no_original"  # no file kept for the plan's current version
    ORIGINAL_NOT_A_FORM = "original_not_a_form"  # imported from text: no table to mark


class Refused(Exception):
    """A polite no from the domain; `details` fill the refusal's message. `ends_dialog`: the
    handler ended the person's dialog because of it (kept so although the refusal rolls the
    update's transaction back; see bot/entry/middlewares.py)."""

    def __init__(self, refusal: Refusal, **details: int | str) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.details = details
        self.ends_dialog = False
