"""Recording meetings held under a plan, and reading a case's meeting history.

A task form that records a meeting declares `meeting_kind` and either `meeting_fields` (which
of its fields are held_on, invited, attendees, decisions, actions, outcome and next_due; several
fields for one of them are joined under their labels) or a `meeting_record(data) -> dict` method returning
those values itself. The history lives in the `meeting` table so that long-running plans do
not grow their workflow data by a round each review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Meeting, TaskState, User
from forms import FORMS

MEETING_COLUMNS = ("held_on", "invited", "attendees", "decisions", "actions", "outcome", "next_due")


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def earlier_answer(task: HumanTask, form_key: str, name: str) -> Any:
    """An answer given on the latest completed task of the same process instance with that form."""
    done = db.session.scalar(
        select(HumanTask)
        .where(
            HumanTask.instance_id == task.instance_id,
            HumanTask.form_key == form_key,
            HumanTask.state == TaskState.COMPLETED,
        )
        .order_by(HumanTask.completed_at.desc())
        .limit(1)
    )
    return (done.data or {}).get(name) if done is not None else None


def _words(form_cls: Any, name: str, value: Any) -> Any:
    """A choice (or several) as the words the user chose."""
    choices = form_cls.choice_labels().get(name, {}) if form_cls is not None else {}
    if isinstance(value, list):
        return ", ".join(str(choices.get(str(v), v)) for v in value)
    return choices.get(str(value), value) if choices and value is not None else value


def _value(
    form_cls: Any, names: str | tuple[str, ...], data: Mapping[str, Any], task: HumanTask | None
) -> Any:
    """One field's answer (a choice as its words), or several text answers under their labels.

    "form_key:field" names an answer on an earlier task of the same instance, for example the
    invitations recorded when a conference was convened.
    """
    if isinstance(names, str) and ":" in names:
        form_key, name = names.split(":", 1)
        value = earlier_answer(task, form_key, name) if task is not None else None
        return _words(FORMS.get(form_key), name, value)
    if isinstance(names, str):
        return _words(form_cls, names, data.get(names))
    labels = form_cls.field_labels()
    parts = [f"{labels.get(n, n)}\n{data[n]}" for n in names if data.get(n)]
    return "\n\n".join(parts)


def meeting_values(
    form_cls: Any, data: Mapping[str, Any], task: HumanTask | None = None
) -> dict[str, Any] | None:
    """What a completed task says about the meeting it recorded; None if it records none."""
    if not getattr(form_cls, "meeting_kind", ""):
        return None
    record = getattr(form_cls, "meeting_record", None)
    if callable(record):
        values = dict(record(dict(data)))
    else:
        fields = getattr(form_cls, "meeting_fields", {})
        values = {column: _value(form_cls, names, data, task) for column, names in fields.items()}
    unknown = set(values) - set(MEETING_COLUMNS)
    if unknown:
        raise ValueError(f"{form_cls.__name__} maps unknown meeting columns: {sorted(unknown)}")
    return values


def record_meeting_if_any(
    task: HumanTask, form_data: Mapping[str, Any], actor: User | None
) -> Meeting | None:
    """Keep the meeting a just-completed task recorded, if its form records one."""
    form_cls = FORMS.get(task.form_key)
    values = meeting_values(form_cls, form_data, task) if form_cls is not None else None
    if values is None or _as_date(values.get("held_on")) is None:
        return None
    meeting = Meeting(
        case_id=task.case_id,
        instance_id=task.instance_id,
        task_id=task.id,
        kind=form_cls.meeting_kind,  # type: ignore[union-attr]
        held_on=_as_date(values["held_on"]),
        invited=str(values.get("invited") or ""),
        attendees=str(values.get("attendees") or ""),
        decisions=str(values.get("decisions") or ""),
        actions=str(values.get("actions") or ""),
        outcome=str(values.get("outcome") or "")[:200],
        next_due=_as_date(values.get("next_due")),
        recorded_by_id=actor.id if actor is not None else None,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def meetings_for_case(case_id: int) -> list[Meeting]:
    """The case's meetings, most recent first."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.case_id == case_id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )
