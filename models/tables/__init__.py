"""Tables of the domain, one module per area: plans and measures (`plans`), bodies and people
(`people`), executing bodies and deadline changes (`assignments`), reports (`reports`), the
outbox and reminder marks (`delivery`), the audit trail (`audit`), officials' questions and
"not ours" claims (`questions`), what conversations hold between messages (`conversations`).
Import them from here.

See ../shared/docs/domain.md. Relationships are `lazy="raise"`: async code loads what it needs
with explicit queries (`selectinload`, joins) and never by touching an attribute.
"""

from models.tables.assignments import (
    Assignment,
    AssignmentStatus,
    DeadlineChange,
    DeadlineChangeStatus,
)
from models.tables.audit import AuditEvent
from models.tables.conversations import Conversation, PendingImport
from models.tables.delivery import Notification, NotificationStatus, ReminderMark
from models.tables.digests import DigestSubscription
from models.tables.people import (
    BodyGroup,
    BodyGroupMember,
    BodyKind,
    Invitation,
    Membership,
    Official,
    Organization,
    OrganizationName,
    Role,
    display_name,
)
from models.tables.plans import (
    Measure,
    Plan,
    PlanSource,
    PlanVersion,
    Section,
    SectionKind,
    VersionKind,
)
from models.tables.questions import MeasureQuestion, QuestionKind, QuestionOutcome
from models.tables.reports import Document, Report, ReportStatus

__all__ = [
    "Assignment",
    "AssignmentStatus",
    "AuditEvent",
    "BodyGroup",
    "BodyGroupMember",
    "BodyKind",
    "Conversation",
    "DeadlineChange",
    "DeadlineChangeStatus",
    "DigestSubscription",
    "Document",
    "Invitation",
    "Measure",
    "MeasureQuestion",
    "Membership",
    "Notification",
    "NotificationStatus",
    "Official",
    "Organization",
    "OrganizationName",
    "PendingImport",
    "Plan",
    "PlanSource",
    "PlanVersion",
    "QuestionKind",
    "QuestionOutcome",
    "ReminderMark",
    "Report",
    "ReportStatus",
    "Role",
    "Section",
    "SectionKind",
    "VersionKind",
    "display_name",
]
