"""What an executing body's person writes to the plan's coordinators about a measure: a
question, or a claim that the measure is not their body's; and how it was answered."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, TimestampMixin, UtcDateTime, enum_column


class QuestionKind(enum.StrEnum):
    QUESTION = "question"  # «Вопрос координатору»
    NOT_OURS = "not_ours"  # «Не наше мероприятие», with the reason


class QuestionOutcome(enum.StrEnum):
    ANSWERED = "answered"  # a question answered
    REASSIGNED = "reassigned"  # a claim granted: the measure passed to another body
    KEPT = "kept"  # a claim declined: the body keeps the measure, with the answer why


class MeasureQuestion(TimestampMixin, Base):
    """A question or a "not ours" claim of a body's person on a measure, open until a
    coordinator answers it (the first answer stands; the history keeps both sides)."""

    __tablename__ = "measure_questions"
    __table_args__ = (
        # The measure's history.
        Index(None, "measure_id", "created_at"),
        # One open claim per body and measure (the assignment is the body's part of it).
        Index(
            "uq_measure_questions_open_claim",
            "assignment_id",
            unique=True,
            sqlite_where=text("kind = 'not_ours' AND answered_at IS NULL"),
            postgresql_where=text("kind = 'not_ours' AND answered_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    # The asking body's part of the measure (ended, never deleted, when the claim is granted).
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("officials.id"))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[QuestionOutcome | None] = mapped_column(
        enum_column(QuestionOutcome, "question_outcome")
    )
    # A granted claim: the body the measure passed to.
    reassigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
