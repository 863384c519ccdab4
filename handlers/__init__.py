"""aiogram routers, one per feature; `build_routers()` makes them in the order they must run.

Each feature module has a `build_router()` factory, so that every Dispatcher (the bot's, or
one per test) gets routers of its own.
"""

from __future__ import annotations

from aiogram import Router

from handlers import (
    amend,
    bodies,
    card_actions,
    coordinators,
    deadline_requests,
    deadlines,
    digest,
    directory,
    due_lists,
    errors,
    evidence_settings,
    export,
    fallback,
    find,
    invite,
    invite_all,
    language,
    measure_versions,
    my_measures,
    officials,
    open_links,
    pending_input,
    plan_import,
    plans,
    questions,
    registration,
    reminder_settings,
    report_documents,
    report_draft,
    report_requisites,
    report_review,
    report_view,
    review_list,
    start,
    successors,
    summary,
    timezones,
)


def build_routers() -> list[Router]:
    # The fallback router answers what nobody else did, so it comes last.
    return [
        errors.build_router(),
        # A pending input (search, assign, deadline, invite, review) ends on any command.
        pending_input.build_router(),
        # What officials use most (/my, a group, a card, the lists behind a reminder) early: an
        # update is offered to every router in turn until one takes it. Nothing before the
        # fallback takes their commands or button prefixes.
        my_measures.build_router(),
        measure_versions.build_router(),
        due_lists.build_router(),
        find.build_router(),
        card_actions.build_router(),
        deadlines.build_router(),
        questions.build_router(),
        deadline_requests.build_router(),
        successors.build_router(),
        # `/orgs import|export|unmatched` before the plain /orgs.
        directory.build_router(),
        bodies.build_router(),
        open_links.build_router(),
        officials.build_router(),
        coordinators.build_router(),
        # /amend and the order's file before plan import takes the file.
        amend.build_router(),
        # A report draft takes files before plan import does (a coordinator may also report).
        report_draft.build_router(),
        report_requisites.build_router(),
        report_review.build_router(),
        review_list.build_router(),
        report_view.build_router(),
        report_documents.build_router(),
        # `/invite all` before the plain /invite.
        invite_all.build_router(),
        invite.build_router(),
        # An invitation link (/start <token>) before the plain /start.
        registration.build_router(),
        start.build_router(),
        language.build_router(),
        timezones.build_router(),
        plans.build_router(),
        export.build_router(),
        summary.build_router(),
        plan_import.build_router(),
        reminder_settings.build_router(),
        evidence_settings.build_router(),
        digest.build_router(),
        fallback.build_router(),
    ]
