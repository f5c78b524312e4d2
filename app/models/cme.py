"""The children missing education (CME) register: one row per notification of a child missing education.

The local authority must keep an up-to-date register of children missing education and track
them until found (BRIEF §5). The row is written by the product as the CME process moves
(app/pathways/cme/register.py, from the effects processes/children_missing_education.bpmn names).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, enum_values, utcnow

if TYPE_CHECKING:
    from app.models.cases import Case


class CmeStatus(enum.StrEnum):
    MISSING = "missing"  # on the register: whereabouts or education not known
    FOUND = "found"  # found, but a next step is under way (not in suitable education: SAO)
    CLOSED = "closed"  # found and the register entry closed

    @property
    def label(self) -> str:
        return {"missing": "Missing", "found": "Found", "closed": "Closed"}[self.value]


class CmeRecord(Model):
    __tablename__ = "cme_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    child_name: Mapped[str] = mapped_column(String(200))
    reported_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(40))
    notifying_organisation: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(40))
    last_known_address: Mapped[str] = mapped_column(Text)
    date_last_seen: Mapped[date | None]
    school: Mapped[str] = mapped_column(String(200), default="")
    first_absence_date: Mapped[date | None]
    risk_level: Mapped[str] = mapped_column(String(20), default="standard")
    notice_late: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CmeStatus] = mapped_column(
        Enum(CmeStatus, native_enum=False, length=20, values_callable=enum_values),
        default=CmeStatus.MISSING,
        index=True,
    )
    school_enquiries_on: Mapped[date | None]
    la_enquiries_on: Mapped[date | None]
    deleted_from_roll_on: Mapped[date | None]
    found_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(200), default="")
    next_review_on: Mapped[date | None]
    enquiries_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship()
