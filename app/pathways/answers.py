"""Reading a task's answers in rules and effects: a typed date answer, a next date within an
interval, and registering an effect with a publish-time check that its task's form asks what it
reads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from app.pathways.registry import FormUse, TaskContext, effect

F = TypeVar("F", bound=Callable[..., Any])


def date_answer(ctx: TaskContext, name: str) -> date | None:
    """The answer to a date question, or None when it was left empty or could not be read (its
    own error then says why, and a rule comparing dates has nothing to compare)."""
    value = ctx.answers.get(name)
    return value if isinstance(value, date) else None


def next_date_problem(
    held: date | None, following: date | None, weeks: int, *, not_after: str, too_late: str
) -> str | None:
    """Why a next date (a review, a meeting) will not do: it must come after the one held and
    within `weeks` of it. None if it will, or if either date is missing (its own question says so).
    `too_late` may name `{weeks}`."""
    if held is None or following is None:
        return None
    if following <= held:
        return not_after
    if following > held + timedelta(weeks=weeks):
        return too_late.format(weeks=weeks)
    return None


def effect_reading(name: str, *fields: str) -> Callable[[F], F]:
    """Register an effect that reads these answers of its task: publishing refuses a diagram that
    names it on a task whose form does not ask them, or gives it arguments it does not take."""

    def check(args: tuple[str, ...], kwargs: Mapping[str, str], use: FormUse) -> list[str]:
        problems = [f"{name} takes no arguments"] if args or kwargs else []
        asked = {component["key"] for component in use.components}
        problems += [
            f"{name} reads the answer '{field}', which the form '{use.form_key}' does not ask"
            for field in fields
            if field not in asked
        ]
        return problems

    return effect(name, check=check)
