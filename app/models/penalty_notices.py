"""The penalty-notice ledger: every notice issued to a parent for a child's unauthorised absence.

The National Framework for Penalty Notices limits notices per parent per child in a rolling
3 years and prices the second one differently, so the product keeps each notice here, outside
the workflow, and checks the limits against these rows (app/pathways/legal/ledger.py) rather
than relying on anyone's memory. Rows are written by the legal planning pathway's effects in the
same transaction as the task (app/pathways/legal/penalty_notices.py), and updated when payment,
withdrawal or prosecution is recorded.

Children are matched across cases by `child_key` (name and date of birth): a child referred
twice has two Child rows, but the same notices count.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.cases import Case, Child
    from app.models.people import User


class NoticeStatus(enum.StrEnum):
    ISSUED = "issued"
    PAID_80 = "paid_80"
    PAID_160 = "paid_160"
    UNPAID = "unpaid"  # 28 days passed; the manager decided to prosecute; information not yet laid
    WITHDRAWN = "withdrawn"
    PROSECUTED = "prosecuted"  # information laid for the original offence

    @property
    def label(self) -> str:
        return {
            "issued": "Issued, awaiting payment",
            "paid_80": "Paid at £80",
            "paid_160": "Paid at £160",
            "unpaid": "Unpaid: prosecution decided",
            "withdrawn": "Withdrawn",
            "prosecuted": "Unpaid: prosecuted",
        }[self.value]


class PenaltyNotice(Model):
    """One penalty notice to one liable parent for one child (EA 1996 s444A)."""

    __tablename__ = "penalty_notice"
    __table_args__ = (Index("ix_penalty_notice_parent_child", "parent_key", "child_key", "issued_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    child_key: Mapped[str] = mapped_column(String(250))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    # The issue task that wrote the row: one notice per submission, never two.
    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"), unique=True)
    parent_name: Mapped[str] = mapped_column(String(200))
    parent_key: Mapped[str] = mapped_column(String(200))
    offence_from: Mapped[date]
    offence_to: Mapped[date]
    unauthorised_sessions: Mapped[int]
    below_threshold_reason: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date]
    served_on: Mapped[date]
    amount: Mapped[int]  # pounds payable at issue: 80 (a first notice, within 21 days) or 160
    sequence: Mapped[int]  # 1 or 2: its place among this parent's counted notices for the child
    status: Mapped[str] = mapped_column(String(20), default=NoticeStatus.ISSUED.value)
    paid_on: Mapped[date | None]
    paid_amount: Mapped[int | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    case: Mapped[Case] = relationship()
    child: Mapped[Child] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return NoticeStatus(self.status).label
