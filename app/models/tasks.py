"""The projection of human tasks that worklists and dashboards read.

Written in the same transaction as every engine step, so it never disagrees with the
saved workflow; nothing that lists work ever deserializes a workflow.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, enum_values, utcnow

if TYPE_CHECKING:
    from app.models.cases import Case
    from app.models.people import Team, User
    from app.models.processes import ProcessInstance


class TaskState(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class HumanTask(Model):
    __tablename__ = "human_task"
    # One index per worklist ordering and queue kind, so a page of a queue of any size is
    # read in index order (see app/worklist/queries.py).
    __table_args__ = (
        Index("ix_human_task_team_due", "state", "team_id", "due_at", "created_at", "id"),
        Index("ix_human_task_team_age", "state", "team_id", "created_at", "id"),
        Index("ix_human_task_team_child", "state", "team_id", "child_name", "id"),
        Index("ix_human_task_assignee_due", "state", "assignee_id", "due_at", "created_at", "id"),
        # case_id last: also the unallocated work's cases, and a holder's caseload, from the index.
        Index("ix_human_task_assignee_age", "state", "assignee_id", "created_at", "id", "case_id"),
        Index("ix_human_task_assignee_child", "state", "assignee_id", "child_name", "id"),
        Index("ix_human_task_instance_state", "instance_id", "state"),
        # The case and process lists: a case's tasks (who may see it, access.case_visibility, and
        # its next due date) read from the index alone; cases waiting at a step; overdue work.
        Index(
            "ix_human_task_case_access",
            *("case_id", "state", "due_at", "team_id", "assignee_id", "completed_by_id"),
        ),
        Index("ix_human_task_stage", "state", "bpmn_id", "case_id", "instance_id"),
        Index("ix_human_task_state_due", "state", "due_at", "case_id"),
        # The dashboard's timeliness figures: one kind of task completed in a period.
        Index("ix_human_task_kind_completed", "bpmn_id", "state", "completed_at"),
        # The dashboard's workload figures: every column they read of open work, so the scan of a
        # manager's teams' queues never reads the table, in the order they are grouped by (no sort);
        # also the team queues' work by holder (its first three columns).
        Index(
            "ix_human_task_open_work",
            *("state", "team_id", "assignee_id", "process_name", "bpmn_id", "name"),
            *("due_at", "created_at", "case_id"),
        ),
        # Open cases by step and by pathway, counted in index order (no sort); team_id last, so a
        # manager's teams are read from the index too.
        Index("ix_human_task_steps", "state", "process_name", "bpmn_id", "name", "case_id", "team_id"),
    )

    # The engine's task id (a UUID), so a URL names exactly one task of one instance.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    # Indexed first in ix_human_task_case_access.
    case_id: Mapped[int] = mapped_column(ForeignKey("casework_case.id"))
    bpmn_id: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
    process_name: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(120))
    lane: Mapped[str] = mapped_column(String(120))
    documentation: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    # A role the diagram requires of whoever works the task (e.g. "manager"); "" for anyone in the team.
    required_role: Mapped[str] = mapped_column(String(20), default="", server_default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[TaskState] = mapped_column(
        Enum(TaskState, native_enum=False, length=20, values_callable=enum_values), default=TaskState.OPEN
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Copied from the case so worklists sort by child without a join ("Last, First").
    child_name: Mapped[str] = mapped_column(String(210), default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship()
    instance: Mapped[ProcessInstance] = relationship()
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
