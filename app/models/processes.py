"""Published process versions and the running instances on cases."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, enum_values, utcnow

if TYPE_CHECKING:
    from app.models.cases import Case
    from app.models.people import User


class ProcessVersion(Model):
    """One immutable version of a diagram, identified by the hash of its bytes."""

    __tablename__ = "process_version"
    __table_args__ = (
        UniqueConstraint("process_id", "content_hash"),
        # Two publishes at once cannot both take the next number.
        UniqueConstraint("process_id", "number", name="uq_process_version_process_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    # The DMN decision tables the diagram's business rule tasks call ('' if none): part of
    # the version, so a changed table is a new version like a changed diagram.
    dmn_xml: Mapped[str] = mapped_column(Text, deferred=True, default="", server_default="")
    # Its task forms (form-js definitions, forms/<process id>.json): part of the version too, so
    # a running case always shows and checks the forms of the version it runs on.
    forms_json: Mapped[str] = mapped_column(Text, deferred=True, default="", server_default="")
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=True)
    # Who published it and why ('' and None for versions published from processes/ by a command).
    change_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    published_by: Mapped[User | None] = relationship()


class ProcessDraft(Model):
    """A process owner's revision of a process, not yet published: a diagram, its decision tables
    and its forms, as last saved, with what the last check of them found."""

    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    dmn_xml: Mapped[str] = mapped_column(Text, deferred=True, default="", server_default="")
    forms_json: Mapped[str] = mapped_column(Text, deferred=True, default="", server_default="")
    # The version it was started from (None for a diagram uploaded for a new process).
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The problems the last check found (JSON list), and whether it had errors.
    problems_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    has_errors: Mapped[bool] = mapped_column(default=True)

    base_version: Mapped[ProcessVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INCIDENT = "incident"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"  # a manager paused it: no task moves on and no timer fires


class ProcessInstance(Model):
    """A running (or finished) process on a case: the saved workflow and its lock counter."""

    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_process_instance_status_next_timer", "status", "next_timer_at"),
        # The process list's orders.
        Index("ix_process_instance_started", "started_at", "id"),
        Index("ix_process_instance_updated", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    status: Mapped[InstanceStatus] = mapped_column(
        Enum(InstanceStatus, native_enum=False, length=20, values_callable=enum_values),
        default=InstanceStatus.RUNNING,
    )
    state: Mapped[bytes] = mapped_column(LargeBinary)
    serializer_version: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_event: Mapped[str] = mapped_column(String(200), default="")
    # A hand-off: the instance whose message started this one, and the message's name.
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"), index=True)
    start_message: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # While suspended: who paused it, when and why (cleared on resume; the trail keeps them all).
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    suspended_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    case: Mapped[Case] = relationship(back_populates="instances")
    process_version: Mapped[ProcessVersion] = relationship()
    started_by: Mapped[ProcessInstance | None] = relationship(remote_side=[id])
    suspended_by: Mapped[User | None] = relationship(foreign_keys=[suspended_by_id])

    # Optimistic locking: every UPDATE checks and bumps `version`.
    __mapper_args__ = {"version_id_col": version}


class MigrationStatus(enum.StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class MigrationRun(Model):
    """A batch of running instances moved from one version of a process to another: who asked,
    why, how far it has got, and the instances that could not move with the reason (JSON)."""

    __tablename__ = "migration_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    source_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    target_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MigrationStatus] = mapped_column(
        Enum(MigrationStatus, native_enum=False, length=20, values_callable=enum_values),
        default=MigrationStatus.RUNNING,
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    moved: Mapped[int] = mapped_column(default=0)
    refused_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"instance_id", "reference", "reasons"}]
    instance_ids_json: Mapped[str] = mapped_column(Text, default="[]")  # the instances asked for
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    source_version: Mapped[ProcessVersion] = relationship(foreign_keys=[source_version_id])
    target_version: Mapped[ProcessVersion] = relationship(foreign_keys=[target_version_id])
    started_by: Mapped[User | None] = relationship()


class DraftTrial(Model):
    """A process owner's test run of a draft: the workflow as it stands (no case behind it), how far
    its clock has been moved, and what happened at each step (JSON)."""

    __tablename__ = "draft_trial"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("process_draft.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))  # the draft as it was tested
    state: Mapped[bytes] = mapped_column(LargeBinary)
    days_on: Mapped[int] = mapped_column(default=0)  # the test's clock: today plus this many days
    log_json: Mapped[str] = mapped_column(Text, default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
