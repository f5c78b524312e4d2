"""Rules any pathway may use."""

from __future__ import annotations

from datetime import date

from app.pathways.registry import TaskContext, rule
from app.timescales.school_days import NoTermDates, is_school_day


def label_of(ctx: TaskContext) -> str:
    """How errors name the checked field: its errorName, or its label."""
    for component in ctx.components():
        if component["key"] == ctx.field and component.get("properties", {}).get("errorName"):
            return str(component["properties"]["errorName"])
    return ctx.form().field_labels().get(ctx.field, ctx.field).rstrip("?")


@rule("school_day")
def school_day(ctx: TaskContext) -> str | None:
    """A date, if given, is a day the child's school meets (by its term dates)."""
    if not isinstance(ctx.value, date):
        return None
    try:
        meets = is_school_day(ctx.value, ctx.case.child.school)
    except NoTermDates:
        outside = "is outside the term dates we hold: ask an administrator to add the term dates"
        return f"{label_of(ctx)} {outside}"
    return None if meets else f"{label_of(ctx)} must be a school day"
