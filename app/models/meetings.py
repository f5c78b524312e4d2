"""Meetings held with or about a family: TAF, CIN, strategy, conferences, core groups, legal planning.

The history of a plan's meetings lives here, not in the workflow's data: a long-running plan
holds many reviews, and growing workflow data makes every load and save slower.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.people import User

MEETING_KINDS = {
    "taf_meeting": "Team Around the Family meeting",
    "taf_review": "Team Around the Family review",
    "cin_planning": "Child in need planning meeting",
    "cin_review": "Child in need review",
    "core_group": "Core group meeting",
    "cp_review_conference": "Child protection review conference",
    "strategy_discussion": "Strategy discussion",
    "icpc": "Initial child protection conference",
    "professionals_meeting": "Professionals' meeting",
    "legal_planning_meeting": "Legal planning meeting",
    "pre_proceedings_meeting": "Pre-proceedings meeting",
    "attendance_meeting": "Attendance meeting with the family",
    "attendance_plan_review": "Attendance plan review",
    "targeting_support_meeting": "Targeting support meeting",
    "attendance_contract_meeting": "Attendance contract meeting",
    "medical_needs_review": "Medical needs provision review",
    "reintegration_meeting": "Reintegration meeting",
}


class Meeting(Model):
    """One meeting, recorded by the human task that asked for it."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_case_held", "case_id", "held_on"),
        Index("ix_meeting_kind_held", "kind", "held_on"),  # the dashboard: one kind held in a period
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[date]
    invited: Mapped[str] = mapped_column(Text, default="", server_default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="", server_default="")
    outcome: Mapped[str] = mapped_column(String(200), default="")
    next_due: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        return MEETING_KINDS.get(self.kind, self.kind.replace("_", " ").capitalize())
