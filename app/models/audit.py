"""Append-only audit trail, and incidents that need a manager's attention.

The database refuses UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) on the trail's tables:
triggers made by migration 0010. On SQLite a table rebuilt by a later migration (Alembic's
batch mode copies and drops it) loses its triggers, so such a migration must make them again.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.cases import Case
    from app.models.people import User
    from app.models.processes import ProcessInstance


class AuditEvent(Model):
    """Who did or saw what, and when. Rows are only ever inserted.

    The trail is read newest first by id (app/trail/search.py): each filter has an index that
    ends in id, so a page of a filtered search is one index range read backwards, and a date
    range becomes an id range through the index on `at` (migration 0017).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_actor_id_id", "actor_id", "id"),
        Index("ix_audit_event_action_id", "action", "id"),
        Index("ix_audit_event_case_id_id", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("casework_case.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()


class AuditEventCase(Model):
    """A case that a view event showed: one narrow row per case on the page or API answer.

    So "which views showed case X" (a subject access request, a search of the trail by
    case) is an index range on both databases, and a list page's view is one event row
    plus one multi-row INSERT here, not one event per line.
    """

    __tablename__ = "audit_event_case"
    __table_args__ = (Index("ix_audit_event_case_case_event", "case_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"), primary_key=True)


class Incident(Model):
    """An engine failure on an instance; nothing from the failed run was saved."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")
    # A failed submission's answers as sent (field -> list of values), so a retry can send them again.
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    retries: Mapped[int] = mapped_column(default=0, server_default="0")
    last_retried_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship()
    instance: Mapped[ProcessInstance] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
