"""Who may suspend or resume a process on a case, and doing it with the reason they give.

The change itself (status, who, when and why, the row lock, the audit event, the timers) is the
workflow layer's (app/workflow/suspension.py); this says who may ask for it and refuses in the
user's terms.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import contains_eager

from app.access import case_visibility
from app.extensions import db
from app.models import Case, HumanTask, InstanceStatus, ProcessInstance, Role, User
from app.transactions import Refusal
from app.workflow import suspension

REASON_LIMIT = 2000


class SuspensionRefused(Refusal):
    """The process cannot be suspended or resumed now (it has finished, or already is)."""


class ReasonMissing(SuspensionRefused):
    """No reason, or one too long, was given; the page asks again with what was typed."""


def visible_instance(reference: str, instance_id: int, user: User) -> ProcessInstance | None:
    """The instance, if it is on the case named and the user may see that case; None otherwise
    (the same answer as no such instance)."""
    return db.session.scalar(
        select(ProcessInstance)
        .join(Case, Case.id == ProcessInstance.case_id)
        .where(ProcessInstance.id == instance_id, Case.reference == reference, case_visibility(user))
        .options(contains_eager(ProcessInstance.case))
    )


def may_suspend(user: User, case: Case) -> bool:
    """An administrator, or a manager of a team that holds a task on the case."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.MANAGER or not user.team_ids:
        return False
    return bool(
        db.session.scalar(
            select(exists().where(HumanTask.case_id == case.id, HumanTask.team_id.in_(user.team_ids)))
        )
    )


def why_not(instance: ProcessInstance, verb: str) -> str:
    """Why the instance cannot be suspended (`verb` "suspend") or resumed now; "" if it can."""
    if verb == "resume":
        return "" if instance.status == InstanceStatus.SUSPENDED else "This process is not suspended"
    if instance.status == InstanceStatus.SUSPENDED:
        return "This process is already suspended"
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        return "This process has finished, so there is nothing to suspend"
    return ""


def _reason(reason: str, verb: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReasonMissing(f"Enter why you are {verb} it")
    if len(reason) > REASON_LIMIT:
        raise ReasonMissing(f"Why you are {verb} it must be {REASON_LIMIT:,} characters or fewer")
    return reason


def suspend(instance: ProcessInstance, user: User, reason: str) -> None:
    text = _reason(reason, "suspending")
    try:
        suspension.suspend(instance.id, user, text)
    except suspension.NotSuspendable as exc:
        raise SuspensionRefused(str(exc)) from None


def resume(instance: ProcessInstance, user: User, reason: str) -> None:
    text = _reason(reason, "resuming")
    try:
        suspension.resume(instance.id, user, text)
    except suspension.NotSuspendable as exc:
        raise SuspensionRefused(str(exc)) from None
