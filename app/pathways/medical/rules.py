"""Rules of the forms of education for children with health needs (processes/medical_needs.bpmn).

Dates the diagram counts school days from (the first day missed, the expected and planned
return) must be school days in the council's loaded term dates, so the count never fails later.
The diagram counts on the council's calendar (no school named), so these rules do too, not on
the child's school's, as the `school_day` rule any pathway may use does.
"""

from __future__ import annotations

from datetime import date

from app.pathways.registry import TaskContext, rule
from app.timescales.school_days import NoTermDates, is_school_day

EARLIER_DAYS = "School days missed in earlier absences"


def _not_a_school_day(day: object, name: str) -> str | None:
    """The error for a date, if given, that is not a school day of the council's calendar."""
    if not isinstance(day, date):
        return None
    try:
        meets = is_school_day(day)
    except NoTermDates:
        return f"{name} is outside the term dates we hold: ask an administrator to add the term dates"
    return None if meets else f"{name} must be a school day"


@rule("medical.first_day_missed_is_school_day")
def first_day_missed_is_school_day(ctx: TaskContext) -> str | None:
    """The first day missed is a school day: the days missed are counted from it."""
    return _not_a_school_day(ctx.value, "First school day missed")


@rule("medical.earlier_days_within_this_year")
def earlier_days_within_this_year(ctx: TaskContext) -> str | None:
    """The days missed in earlier absences are part of the days missed this school year."""
    earlier, total = ctx.value, ctx.answers.get("health_absence_days")
    if isinstance(earlier, int) and isinstance(total, int) and earlier > total:
        return f"{EARLIER_DAYS} must be no more than the school days missed this school year"
    return None


@rule("medical.expected_return_after_first_day")
def expected_return_after_first_day(ctx: TaskContext) -> str | None:
    """The child is expected back after the first day missed."""
    back, first = ctx.value, ctx.answers.get("first_health_absence")
    if isinstance(back, date) and isinstance(first, date) and back <= first:
        return "Expected return must be after the first school day missed"
    return None


@rule("medical.expected_return_is_school_day")
def expected_return_is_school_day(ctx: TaskContext) -> str | None:
    """The expected return is a school day: the days of this absence are counted up to it."""
    return _not_a_school_day(ctx.value, "Expected return")


@rule("medical.planned_return_is_school_day")
def planned_return_is_school_day(ctx: TaskContext) -> str | None:
    """The planned return is a school day: the reintegration meeting is due the school day before."""
    return _not_a_school_day(ctx.value, "Planned date of return")


@rule("medical.some_advice_or_evidence")
def some_advice_or_evidence(ctx: TaskContext) -> str | None:
    """A decision rests on medical advice or other evidence: at least one of either."""
    if not ctx.answers.get("medical_advice") and not ctx.value:
        return "Select the medical advice or other evidence you have"
    return None


@rule("medical.eligible_only_if_cannot_attend")
def eligible_only_if_cannot_attend(ctx: TaskContext) -> str | None:
    """The council arranges education only for a child who cannot reasonably attend school."""
    if ctx.value == "eligible" and ctx.answers.get("can_attend_school") == "yes":
        return (
            "The council arranges education only when the child cannot reasonably attend school: "
            "change your answer about attending school, or decide not eligible"
        )
    return None


@rule("medical.school_told_roll_and_code")
def school_told_roll_and_code(ctx: TaskContext) -> str | None:
    """The school is told both things: the child stays on its roll, and is marked K."""
    if ctx.value and set(ctx.value) != {"stays_on_roll", "code_k"}:
        return "Tell the school the child stays on its roll and is marked K"
    return None
