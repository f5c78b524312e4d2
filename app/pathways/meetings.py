"""Recording the meeting a task's form describes, as a row in `meeting` (shown on the case page).

Long-running plans hold a meeting a round; keeping each in the product's own table, not in the
workflow's data, stops the saved workflow growing by a round each review. A form says which of
its answers fill which column of the record with each field's `meeting` property; several
answers for one column (decisions) are joined under their labels, in the form's order.
The diagram names the effect on the user task: `record_meeting(cin_review)`, and may fill a
column from an answer given on an earlier task of the same process:
`record_meeting(icpc, invited=cpe.convene_icpc:icpc_invited)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, Meeting, TaskState
from app.pathways.registry import FormUse, TaskContext, effect

MEETING_COLUMNS = ("held_on", "invited", "attendees", "decisions", "actions", "outcome", "next_due")
SINGLE = frozenset(MEETING_COLUMNS) - {"decisions"}


def as_date(value: Any) -> date | None:
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


def in_words(ctx: TaskContext, name: str, value: Any, form_key: str = "") -> Any:
    """A choice (or several) as the words the person chose; other answers as they are."""
    choices = ctx.form(form_key).choice_labels().get(name, {})
    if isinstance(value, list):
        return ", ".join(str(choices.get(str(v), v)) for v in value)
    return choices.get(str(value), value) if choices and value is not None else value


def meeting_values(ctx: TaskContext, refs: Mapping[str, str]) -> dict[str, Any]:
    """The columns of the meeting record from the task's answers (see the module's docstring)."""
    labels = ctx.form().field_labels()
    columns: dict[str, list[str]] = {}
    for component in ctx.components():
        column = component.get("properties", {}).get("meeting")
        if column:
            columns.setdefault(column, []).append(component["key"])
    values: dict[str, Any] = {}
    for column, names in columns.items():
        if len(names) == 1:
            values[column] = in_words(ctx, names[0], ctx.answers.get(names[0]))
        else:
            parts = [f"{labels.get(n, n)}\n{ctx.answers[n]}" for n in names if ctx.answers.get(n)]
            values[column] = "\n\n".join(parts)
    for column, ref in refs.items():
        form_key, name = ref.split(":", 1)
        values[column] = in_words(ctx, name, earlier_answer(ctx.task, form_key, name), form_key)
    return values


def keep_meeting(ctx: TaskContext, kind: str, values: Mapping[str, Any]) -> Meeting | None:
    """Add the meeting to the case's history (nothing if it has no date: it was not held)."""
    held_on = as_date(values.get("held_on"))
    if held_on is None:
        return None
    meeting = Meeting(
        case_id=ctx.task.case_id,
        instance_id=ctx.task.instance_id,
        task_id=ctx.task.id,
        kind=kind,
        held_on=held_on,
        invited=str(values.get("invited") or ""),
        attendees=str(values.get("attendees") or ""),
        decisions=str(values.get("decisions") or ""),
        actions=str(values.get("actions") or ""),
        outcome=str(values.get("outcome") or "")[:200],
        next_due=as_date(values.get("next_due")),
        recorded_by_id=ctx.actor.id if ctx.actor is not None else None,
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _check_use(args: tuple[str, ...], kwargs: Mapping[str, str], use: FormUse) -> list[str]:
    problems = []
    if len(args) != 1:
        problems.append("record_meeting needs the kind of meeting, for example record_meeting(cin_review)")
    for column, ref in kwargs.items():
        if column not in MEETING_COLUMNS:
            problems.append(f"record_meeting has no column '{column}'")
        form_key, colon, name = ref.partition(":")
        if not colon or form_key not in use.bundle.forms:
            problems.append(f"record_meeting: '{ref}' must name a form of this process and one of its fields")
        elif name not in {c["key"] for c in use.bundle.fields(form_key)}:
            problems.append(f"record_meeting: the form '{form_key}' has no field '{name}'")
    seen: dict[str, int] = {}
    for component in use.components:
        column = component.get("properties", {}).get("meeting")
        if column is None:
            continue
        if column not in MEETING_COLUMNS:
            problems.append(
                f"the field '{component['key']}' fills the meeting column '{column}', which does not exist"
            )
        seen[column] = seen.get(column, 0) + 1
    problems += [
        f"more than one field fills the meeting's {c}" for c, n in seen.items() if n > 1 and c in SINGLE
    ]
    if "held_on" not in seen:
        problems.append("record_meeting needs a field whose meeting property is held_on")
    return problems


@effect("record_meeting", check=_check_use)
def record_meeting(ctx: TaskContext, kind: str, **refs: str) -> None:
    """Keep the meeting this task recorded in the case's meeting history."""
    keep_meeting(ctx, kind, meeting_values(ctx, refs))
