"""The meeting with the family that the school's first tasks record (early action, attendance
meeting, meeting again), kept in the case's meeting history.

It is its own effect, not `record_meeting` with `meeting` properties, because what it keeps
depends on the answers: a meeting the family did not come to is not a meeting held (the task
records the attempt instead), and the barriers and support are kept as the words chosen, each
under its question, leaving out those not answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.pathways.meetings import keep_meeting
from app.pathways.registry import FormUse, TaskContext, effect

# What the record is made of, in the order the case page shows the decisions.
DECISIONS = ("barriers", "barriers_detail", "support_offered", "support_taken_up")
NEEDED = ("meeting_held", "meeting_date", "meeting_attendees", *DECISIONS, "next_step")


def in_words(ctx: TaskContext, name: str) -> str:
    """An answer as the words the person chose (several joined by commas); "" if not answered."""
    value = ctx.answers.get(name)
    words = ctx.form().choice_labels().get(name, {})
    items = value if isinstance(value, list) else [value]
    return ", ".join(words.get(str(v), str(v)) for v in items if v)


def family_meeting_values(ctx: TaskContext) -> dict[str, Any]:
    """The columns of the meeting record from a family meeting task's saved answers."""
    labels = ctx.form().field_labels()
    parts = [(labels[name], in_words(ctx, name)) for name in DECISIONS]
    held = ctx.answers.get("meeting_held") == "yes"
    return {
        "held_on": ctx.answers.get("meeting_date") if held else None,
        "attendees": ctx.answers.get("meeting_attendees") or "",
        "decisions": "\n\n".join(f"{label}\n{words}" for label, words in parts if words),
        "outcome": in_words(ctx, "next_step"),
        "next_due": ctx.answers.get("next_review_date"),
    }


def _check_use(args: tuple[str, ...], kwargs: Mapping[str, str], use: FormUse) -> list[str]:
    problems = []
    if len(args) != 1 or kwargs:
        problems.append(
            "attendance.record_family_meeting needs only the kind of meeting, for example "
            "attendance.record_family_meeting(attendance_meeting)"
        )
    asked = {component["key"] for component in use.components}
    missing = [name for name in NEEDED if name not in asked]
    if missing:
        problems.append(f"attendance.record_family_meeting needs the fields {', '.join(missing)} on the form")
    return problems


@effect("attendance.record_family_meeting", check=_check_use)
def record_family_meeting(ctx: TaskContext, kind: str) -> None:
    """Keep the meeting with the family in the case's meeting history, if it was held."""
    keep_meeting(ctx, kind, family_meeting_values(ctx))
