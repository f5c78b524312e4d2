"""A child, and the case that holds the work with the child and family."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.people import User
    from app.models.processes import ProcessInstance


class Child(Model):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    date_of_birth: Mapped[date]
    school: Mapped[str] = mapped_column(String(200))
    year_group: Mapped[str] = mapped_column(String(20))
    send_support: Mapped[bool] = mapped_column(default=False)
    has_ehcp: Mapped[bool] = mapped_column(default=False)
    has_social_worker: Mapped[bool] = mapped_column(default=False)
    social_worker_name: Mapped[str] = mapped_column(String(200), default="")
    looked_after: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


# The case list's searches: the start of a name or a school, in any case, read from an index.
Index("ix_child_first_name_lower", func.lower(Child.first_name))
Index("ix_child_last_name_lower", func.lower(Child.last_name))
Index("ix_child_school_lower", func.lower(Child.school))
# The case list by the child's name, in index order.
Index("ix_child_name", Child.last_name, Child.first_name, Child.id)


class Case(Model):
    """The work with one child and family. It outlives any one process."""

    __tablename__ = "casework_case"
    # The case list's default order (newest referral first), read in index order a page at a time.
    __table_args__ = (Index("ix_casework_case_referral", "referral_date", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # The concern as referred.
    attendance_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))  # only where it applies
    sessions_possible: Mapped[int | None]
    sessions_missed: Mapped[int | None]
    unauthorised_sessions: Mapped[int | None]
    concern_reasons: Mapped[str] = mapped_column(Text)
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_role: Mapped[str] = mapped_column(String(200))
    referrer_organisation: Mapped[str] = mapped_column(String(200))
    referral_date: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    child: Mapped[Child] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()
    instances: Mapped[list[ProcessInstance]] = relationship(
        back_populates="case", order_by="ProcessInstance.started_at"
    )
