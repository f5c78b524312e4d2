"""The children missing education register page's reads: who may see it, and its rows.

The register is written by the CME pathway's effects (app/pathways/cme), in the same
transaction as each task, so the register and the case never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import select

from app.extensions import db
from app.models import CmeRecord, CmeStatus, HumanTask, Role, TaskState, User
from app.pathways.cme.register import earliest_deletion_of

SOURCES = {
    "school": "A school",
    "other_la": "Another local authority",
    "health": "Health",
    "police": "Police",
    "housing": "Housing or benefits",
    "social_care": "Children's social care",
    "public": "A parent, relative or member of the public",
    "other": "Another agency",
}
REASONS = {
    "deleted_from_roll": "Deleted from a school's roll",
    "never_registered": "Never registered at a school",
    "continuous_absence": "Absent without permission for 10 school days or more",
    "moved_away": "Moved away, destination not known",
    "other": "Other",
}


def may_see_register(user: User) -> bool:
    """ACE keeps the register; managers and administrators may read it too."""
    return user.role in (Role.MANAGER, Role.ADMIN) or any(t.lane == "ACE" for t in user.teams)


@dataclass(frozen=True)
class RegisterRow:
    record: CmeRecord
    reference: str
    source: str
    reason: str
    open_tasks: list[str]
    deletion_possible_on: date | None  # while the deletion decision is open, as its task is timed


DELETION_FORM = "cme.deletion_decision"


def register(status: str = "missing") -> list[RegisterRow]:
    """The register, missing children first and the longest missing first; `status` '' for all."""
    query = select(CmeRecord).join(CmeRecord.case)
    if status:
        query = query.where(CmeRecord.status == CmeStatus(status))
    order = sql_case(
        (CmeRecord.status == CmeStatus.MISSING, 0), (CmeRecord.status == CmeStatus.FOUND, 1), else_=2
    )
    records = list(db.session.scalars(query.order_by(order, CmeRecord.reported_on, CmeRecord.id)))
    tasks: dict[int, list[str]] = {}
    deciding: set[int] = set()
    if records:
        rows = db.session.execute(
            select(HumanTask.case_id, HumanTask.name, HumanTask.form_key).where(
                HumanTask.case_id.in_({r.case_id for r in records}), HumanTask.state == TaskState.OPEN
            )
        )
        for case_id, name, form_key in rows:
            tasks.setdefault(case_id, []).append(name)
            if form_key == DELETION_FORM:
                deciding.add(case_id)
    return [
        RegisterRow(
            record=r,
            reference=r.case.reference,
            source=SOURCES.get(r.source, r.source),
            reason=REASONS.get(r.reason, r.reason),
            open_tasks=sorted(tasks.get(r.case_id, [])),
            deletion_possible_on=earliest_deletion_of(r) if r.case_id in deciding else None,
        )
        for r in records
    ]
