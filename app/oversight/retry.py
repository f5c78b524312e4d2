"""Retrying an incident once its cause is fixed: the failed step is run again, whole or not at all.

An incident a timer sweep raised is retried by firing the instance's due timers now; one a task's
submission raised, by submitting the answers that were sent again, on behalf of the person who
sent them (the trail records the manager's act). Each retry runs in a savepoint under the instance
lock: if it fails again, the step is rolled back, the incident stays with the new error, and only
the retry itself (its count and the audit event) is kept. The caller commits each retry on its own
(app/transactions.py in_own_transaction), since a refused resubmission marks the request refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from app import audit
from app.extensions import db
from app.models import Incident, InstanceStatus, User
from app.oversight.services import find_visible_incident, resolve_incident
from app.tasks import services as tasks
from app.transactions import Refusal
from app.workflow import EngineError, instances

RETRIED = "Retried successfully"


@dataclass(frozen=True)
class Outcome:
    incident_id: int
    case_id: int
    reference: str
    step: str
    worked: bool
    message: str


class _Failed(Exception):
    """The step failed again (`engine` True) or could not be tried (a refusal); roll it back."""

    def __init__(self, message: str, engine: bool) -> None:
        super().__init__(message)
        self.message, self.engine = message, engine


def retry_incident(incident_id: int, manager: User) -> Outcome:
    """Run an incident's failed step again; say whether it worked. Raises LookupError if the
    manager may not see the incident (the same as no such incident)."""
    incident = find_visible_incident(incident_id, manager)
    if incident is None:
        raise LookupError(incident_id)
    case_id, reference, step = incident.case_id, incident.case.reference, incident.task_name
    if incident.resolved_at is not None:
        return Outcome(incident.id, case_id, reference, step, False, "It had already been resolved")
    instance = instances.lock_instance(incident.instance_id)
    if instance.status == InstanceStatus.SUSPENDED:
        suspended = "Its process is suspended: resume it first"
        return Outcome(incident.id, case_id, reference, step, False, suspended)
    incident.retries += 1
    incident.last_retried_at = datetime.now(UTC)
    db.session.flush()  # written before the savepoint, so that it is kept whatever the step does
    on_behalf = ""
    try:
        with db.session.begin_nested():
            on_behalf = _run_again(incident, manager)
    except _Failed as failed:
        if failed.engine:
            incident.message = failed.message
        after = {"worked": False}
        audit.record("incident.retried", manager, instance=instance, after=after, detail=failed.message)
        return Outcome(incident.id, case_id, reference, step, False, failed.message)
    after = {"worked": True}
    audit.record("incident.retried", manager, instance=instance, after=after, detail=RETRIED + on_behalf)
    resolve_incident(incident, manager, RETRIED + on_behalf)
    return Outcome(incident.id, case_id, reference, step, True, RETRIED)


def _run_again(incident: Incident, manager: User) -> str:
    """The failed step, run again in the caller's savepoint; raises _Failed to roll it back."""
    if incident.raised_by_id is None:  # raised by the timer job
        try:
            fired = instances.fire_timers(instances.lock_instance(incident.instance_id))
        except EngineError as exc:
            raise _Failed(exc.message, engine=True) from None
        except instances.InstanceMoved:
            raise _Failed("Someone else moved the case on meanwhile: try again", engine=False) from None
        return "" if fired else " (no timer was due any more)"
    sender = incident.raised_by
    if incident.answers is None or incident.task_id is None or sender is None:
        raise _Failed(
            "The answers sent were not kept with this incident, so it cannot be retried: ask the person "
            "who sent them to submit the task again, then mark the incident resolved",
            engine=False,
        )
    if not sender.active:
        raise _Failed(
            f"{sender.name}'s account is closed, so the answers cannot be sent again on their behalf: "
            "assign the task to someone in the team to do again, then mark the incident resolved",
            engine=False,
        )
    try:
        tasks.submit_task(
            incident.task_id, MultiDict(incident.answers), sender, csrf=False, audited_as=manager
        )
    except tasks.EngineFailed as failed:
        raise _Failed(failed.message, engine=True) from None
    except tasks.TaskNotOpen:
        raise _Failed(
            f"‘{incident.task_name}’ is no longer open (it was done or cancelled since): there is nothing "
            "to retry, so mark the incident resolved",
            engine=False,
        ) from None
    except tasks.InvalidAnswers as refused:
        raise _Failed(
            f"The answers {sender.name} sent no longer pass the form's checks ({refused}): ask them to "
            "submit the task again",
            engine=False,
        ) from None
    except (tasks.TaskNotFound, Refusal) as refused:
        raise _Failed(f"It could not be sent again as {sender.name}: {refused}", engine=False) from None
    return f" (sent again on behalf of {sender.name})"
