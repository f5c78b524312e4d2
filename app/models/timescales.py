"""Local statutory-time data: school term calendars and the settings an administrator can change."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.people import User


class SchoolTerm(Model):
    """One term of a school's calendar; `school` NULL is the local authority's default calendar.

    Half-terms and holidays are the gaps between terms, so a school year is usually six rows.
    INSET and other closure days inside a term are `SchoolClosure` rows.
    """

    __tablename__ = "school_term"
    __table_args__ = (
        Index("ix_school_term_school_starts_on", "school", "starts_on"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(60), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    closures: Mapped[list[SchoolClosure]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="SchoolClosure.day"
    )

    def __repr__(self) -> str:
        return f"<SchoolTerm {self.school or 'LA default'} {self.starts_on}..{self.ends_on}>"


class SchoolClosure(Model):
    """A day inside a term when the school does not meet (INSET, polling day, emergency closure)."""

    __tablename__ = "school_closure"
    __table_args__ = (UniqueConstraint("term_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("school_term.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")

    term: Mapped[SchoolTerm] = relationship(back_populates="closures")


class LocalSetting(Model):
    """A local-practice number an administrator has changed from its default in code.

    Only changed settings have a row; the definitions (type, default, range) live in
    app/timescales/settings.py.
    """

    __tablename__ = "local_setting"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    updated_by: Mapped[User | None] = relationship()
