"""The demo's clock: every step happens at its own moment, and timers fire when they fell due.

The demo travels in time (time_machine) to each step's moment, so the rows the services write
(created_at, completed_at, the audit trail's `at`, due dates worked out from "now", meeting dates)
agree with each other as if a service had been running for months. Before a step, the case's
timers that fell due are fired at the moment they fell due, as the scheduler would have
(app/scheduling.py), so the escalations a passed deadline brings exist. Nothing happens after
the real now: a moment still to come is brought back to just before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

import time_machine

from app.cases.services import Referral, refer_child
from app.demo.queries import due_timers
from app.extensions import db
from app.models import Case, HumanTask, User
from app.oversight.services import record_incident
from app.tasks.services import claim_task, complete_task
from app.timescales.working_days import LONDON, add_working_days, as_date, is_working_day
from app.workflow import EngineError
from app.workflow.instances import fire_timers, lock_if_due
from app.workflow.library import get_library

T = TypeVar("T")
FIRING_LAG = timedelta(seconds=1)
OPENS, CLOSES = time(9, 0), time(17, 0)
# What the demo's recorded dates are: a form's date fields that say when something happened.
PAST_LIMITS = ("past", "before_today")


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """That London time of `day`, in UTC; never after the real now (a minute before it, then)."""
    when = datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)
    return min(when, _latest())


# The real now when the demo began (see history): inside a journey datetime.now() says where
# the demo stands, not where the machine does.
_LIMIT: list[datetime] = []


def _latest() -> datetime:
    return _LIMIT[-1] if _LIMIT else datetime.now(UTC) - timedelta(minutes=1)


@contextmanager
def history() -> Iterator[datetime]:
    """The demo's span: inside it, `now` is fixed at the real now when it began."""
    _LIMIT.append(datetime.now(UTC) - timedelta(minutes=1))
    try:
        yield _LIMIT[-1]
    finally:
        _LIMIT.pop()


@contextmanager
def at(when: datetime) -> Iterator[None]:
    """Travel to `when` (no later than the real now) with the clock standing still."""
    with time_machine.travel(min(when, _latest()), tick=False):
        yield


def in_office_hours(when: datetime) -> datetime:
    """`when`, or the next working morning if it falls outside a working day's hours."""
    local = when.astimezone(LONDON)
    if is_working_day(local.date()) and OPENS <= local.time() < CLOSES:
        return when
    day = local.date() if local.time() < OPENS else local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return moment(day, 9, 30)


def catch_up(until: datetime, case: Case | None = None) -> int:
    """Fire the timers due by `until` (the case's, or every instance's), each at the moment it
    fell due, as the scheduler would have; returns how many instances moved."""
    until = min(until, _latest())
    moved, seen = 0, set[tuple[int, datetime]]()
    while True:
        due = [(i, d) for i, d in due_timers(until, case.id if case else None) if (i, d) not in seen]
        if not due:
            return moved
        for instance_id, when in due:
            seen.add((instance_id, when))
            with at(when + FIRING_LAG):  # a timer is due once its moment has passed
                instance = lock_if_due(instance_id, when + FIRING_LAG)
                if instance is None:
                    continue
                try:
                    with db.session.begin_nested():
                        moved += fire_timers(instance)
                except EngineError as exc:  # as the scheduler does: an incident for a manager
                    record_incident(instance_id, exc.message, None, exc.task_id, exc.task_name)


def step(case: Case, when: datetime, action: Callable[[], T]) -> T:
    """Do `action` on the case at `when`, after the case's timers due by then have fired."""
    catch_up(when, case)
    with at(when):
        return action()


def refer(referral: Referral, actor: User, process_id: str | None = None, **extra: Any) -> Case:
    """Refer the child on the referral date, in the morning (as refer_child does)."""
    hour = 9 + len(referral.last_name) % 4
    # A referral dated at a weekend reaches the front door on the next working morning.
    with at(in_office_hours(moment(referral.referral_date, hour, 10 * (len(referral.first_name) % 6)))):
        if process_id is None:
            return refer_child(referral, actor)
        return refer_child(referral, actor, process_id, extra or None)


def happened_on(task: HumanTask, data: Mapping[str, Any]) -> date | None:
    """The latest date the task's form records as something that has happened, if any."""
    bundle = get_library().forms_for_version_id(task.instance.process_version_id)
    days = []
    for field in _components(bundle.fields(task.form_key)):
        if field.get("properties", {}).get("dateLimit") in PAST_LIMITS and data.get(field.get("key", "")):
            days.append(as_date(str(data[field["key"]])))
    return max(days, default=None)


def _components(fields: list[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for field in fields:
        yield field
        yield from _components(list(field.get("components", [])))


def done_at(task: HumanTask, data: Mapping[str, Any], on: date | datetime | None = None) -> datetime:
    """When the task is done: at `on`, else in the afternoon of the latest day its form records as
    past, else two working hours after it opened; never before it opened."""
    opened = task.created_at
    if isinstance(on, datetime):
        when = on
    else:
        day = on or happened_on(task, data)
        # Recorded that afternoon, or on the next working day if it happened at a weekend.
        when = (
            in_office_hours(moment(day, 14 + len(task.bpmn_id) % 3, 5 * (len(task.name) % 11)))
            if day
            else opened
        )
        if when <= opened:
            when = in_office_hours(opened + timedelta(hours=2))
    return max(when, opened + timedelta(minutes=20))


def complete(
    task: HumanTask, data: Mapping[str, Any], who: User, on: date | datetime | None = None
) -> HumanTask:
    """Complete the task as `who` would have, at its own moment (see done_at)."""
    return step(task.case, done_at(task, data, on), lambda: complete_task(task, data, who))


def claim(task: HumanTask, who: User, after: timedelta = timedelta(hours=3)) -> None:
    """`who` takes the task from the team's queue a while after it opened."""
    step(task.case, in_office_hours(task.created_at + after), lambda: claim_task(task, who))


def working_moment(start: date, working_days: int, hour: int = 11) -> datetime:
    """A London hour on the day `working_days` working days after `start`."""
    return moment(add_working_days(start, working_days), hour)
