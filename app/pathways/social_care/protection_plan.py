"""Rules of the child protection plan's forms (processes/child_protection_plan.bpmn): each
meeting dates the next one, within the local interval counted from the meeting actually held
(Working together 2023), since the diagram dates the next task from that answer."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from app.pathways.answers import date_answer, next_date_problem
from app.pathways.registry import TaskContext, rule
from app.timescales.settings import local_setting


@rule("cp.next_core_group_within_interval")
def next_core_group_within_interval(ctx: TaskContext) -> str | None:
    """The next core group is after this one and within the local interval of it."""
    return next_date_problem(
        date_answer(ctx, "core_group_held_on"),
        date_answer(ctx, ctx.field),
        local_setting("core_group_interval_weeks"),
        not_after="The next core group must be after this one",
        too_late="The next core group must be within {weeks} weeks of this one",
    )


@rule("cp.next_conference_within_interval")
def next_conference_within_interval(ctx: TaskContext) -> str | None:
    """The next review conference, if dated, is after this one and within the local number of
    months of it. (The form asks for the date whenever the plan continues.)"""
    held, following = date_answer(ctx, "conference_held_on"), date_answer(ctx, ctx.field)
    if held is None or following is None:
        return None
    months = local_setting("cp_review_months")
    if following <= held:
        return "The next review conference must be after this one"
    if following > held + relativedelta(months=months):
        return f"The next review conference must be within {months} months of this one"
    return None
