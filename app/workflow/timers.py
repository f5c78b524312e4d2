"""Which timers a transaction set, and which are due soon: what the scheduler reads.

The workflow layer notes each timer it writes on the session; the scheduler (app/scheduling.py,
above this layer) takes the notes after the commit and gives each a date job. Keeping the notes
here, not in the scheduler, is what lets the workflow layer import nothing above it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import InstanceStatus, ProcessInstance

_NOTED = "timers_to_schedule"


def note_timer(instance_id: int, due: datetime | None) -> None:
    """Remember that this transaction gave an instance a timer; scheduled after commit."""
    if due is not None:
        db.session.info.setdefault(_NOTED, {})[instance_id] = due


def take_noted_timers(session: Session) -> dict[int, datetime]:
    """The timers this session's transaction noted, forgetting them (call after a commit)."""
    noted: dict[int, datetime] = session.info.pop(_NOTED, {})
    return noted


def forget_noted_timers(session: Session) -> None:
    """Drop the notes of a transaction that rolled back: its timers were never saved."""
    session.info.pop(_NOTED, None)


def timers_due_by(until: datetime, after_id: int, limit: int) -> list[tuple[int, datetime]]:
    """Instances with a timer due by `until`, in id order after `after_id` (for paging)."""
    rows = db.session.execute(
        select(ProcessInstance.id, ProcessInstance.next_timer_at)
        .where(
            ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.INCIDENT]),
            ProcessInstance.next_timer_at <= until,
            ProcessInstance.id > after_id,
        )
        .order_by(ProcessInstance.id)
        .limit(limit)
    )
    # `next_timer_at <= until` matched no NULL; the column's type still allows one.
    return [(instance_id, due) for instance_id, due in rows if due is not None]
