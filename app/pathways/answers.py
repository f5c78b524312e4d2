"""Reading a task's answers in rules."""

from __future__ import annotations

from datetime import date

from app.pathways.registry import TaskContext


def date_answer(ctx: TaskContext, name: str) -> date | None:
    """The answer to a date question, or None when it was left empty or could not be read (its
    own error then says why, and a rule comparing dates has nothing to compare)."""
    value = ctx.answers.get(name)
    return value if isinstance(value, date) else None
