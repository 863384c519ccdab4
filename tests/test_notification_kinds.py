"""Outbox payloads keep the JSON shape rows have always had, so rows written earlier render."""

from __future__ import annotations

from datetime import date

from bot.notification_kinds import (
    InvitationUsedNotice,
    ReminderNotice,
    ReportReviewedNotice,
    ReportSubmittedNotice,
    UnreachableNotice,
)
from bot.reminder_policy import Audience

STORED_REMINDER = {
    "timezone": "Europe/Moscow",
    "items": [
        {
            "measure_id": 7,
            "plan_id": 1,
            "plan": "План",
            "number": "1.1.",
            "title": "Порядок",
            "deadline": "2025-05-20",
            "result": "приказ",
            "body": "Минтруд",
            "audience": "executor",
            "kind": "before",
            "days_before": 7,
            "working_days_overdue": None,
        }
    ],
}
STORED_SUBMITTED = {
    "report_id": 3,
    "measure_id": 7,
    "number": "1.1.",
    "title": "Порядок",
    "plan": "План",
    "body": "Минтруд",
    "person": "Иван",
    "comment": "",
    "documents": 2,
    "deadline": "2025-05-20",
}
STORED_REVIEWED = {
    "report_id": 3,
    "measure_id": 7,
    "number": "1.1.",
    "title": "Порядок",
    "body": "Минтруд",
    "accepted": False,
    "reason": "нет подписи",
    "reviewer": "Анна",
    "measure_done": False,
}
STORED_UNREACHABLE = {"official_id": 5, "person": "Иван", "bodies": ["А", "Б"]}
STORED_INVITATION_USED = {
    "invitation_id": 4,
    "person": "Нина Новикова",
    "username": "nina",
    "role": "official",
    "target": "Минтруд",
    "uses": 1,
    "max_uses": 3,
    "from_command_line": False,
}


def test_every_kind_reads_and_writes_the_stored_shape():
    for notice_type, stored in (
        (ReminderNotice, STORED_REMINDER),
        (ReportSubmittedNotice, STORED_SUBMITTED),
        (ReportReviewedNotice, STORED_REVIEWED),
        (UnreachableNotice, STORED_UNREACHABLE),
        (InvitationUsedNotice, STORED_INVITATION_USED),
    ):
        assert notice_type.from_json(stored).to_json() == stored, notice_type.__name__


def test_a_reminder_item_is_read_with_its_types():
    [item] = ReminderNotice.from_json(STORED_REMINDER).items
    assert item.deadline == date(2025, 5, 20)
    assert item.audience is Audience.EXECUTOR and item.is_own
    assert (item.days_before, item.working_days_overdue) == (7, None)


def test_fields_missing_from_an_older_row_read_as_empty():
    notice = ReminderNotice.from_json(
        {"items": [{"measure_id": 9, "deadline": "2025-05-20", "audience": "head"}]}
    )
    [item] = notice.items
    assert notice.timezone == "UTC"
    assert (item.number, item.result, item.body, item.point, item.is_own) == (
        "",
        None,
        None,
        None,
        False,
    )
    report = ReportSubmittedNotice.from_json({"report_id": 1})
    assert (report.documents, report.comment, report.deadline) == (0, "", None)
