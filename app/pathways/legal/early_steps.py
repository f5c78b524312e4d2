"""Legal planning's first steps: support first, the manager's route, attendance contracts and
notices to improve (the forms in forms/attendance_legal_planning.json name these rules)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.pathways.answers import date_answer, next_date_problem
from app.pathways.registry import TaskContext, calculation, rule
from app.timescales.settings import local_setting


@calculation("legal.child_school")
def child_school(ctx: TaskContext) -> Mapping[str, Any]:
    """`child_school`: the child's school, whose term dates decide the school-week deadlines later
    in the process (the review at the end of a notice to improve)."""
    return {"child_school": ctx.case.child.school}


@rule("legal.route_open_to_child")
def route_open_to_child(ctx: TaskContext) -> str | None:
    """An education supervision order cannot be made for a looked-after child (Children Act 1989
    section 36), so the manager cannot choose that route for one."""
    child = ctx.case.child
    if ctx.value == "eso" and child.looked_after:
        return (
            f"{child.full_name} is looked after by a local authority, so an education supervision order "
            "cannot be made (Children Act 1989 s36): select another route"
        )
    return None


def review_problem(held_on: date | None, review_on: date | None) -> str | None:
    """Why a contract's next review date will not do: it must come after the meeting that set it
    and within the council's review interval of it."""
    return next_date_problem(
        held_on,
        review_on,
        local_setting("attendance_contract_review_weeks"),
        not_after="The review date must be after the contract was agreed or last reviewed",
        too_late="The review must be within {weeks} weeks (the local review interval)",
    )


@rule("legal.first_review_in_time")
def first_review_in_time(ctx: TaskContext) -> str | None:
    """A contract the parent agreed is first reviewed after the day it was agreed, within the
    review interval."""
    if ctx.answers.get("contract_agreed") != "yes":
        return None
    return review_problem(date_answer(ctx, "contract_agreed_on"), date_answer(ctx, ctx.field))


@rule("legal.next_review_in_time")
def next_review_in_time(ctx: TaskContext) -> str | None:
    """A contract kept going is next reviewed after this review, within the review interval."""
    if ctx.answers.get("contract_review_outcome") != "continue":
        return None
    return review_problem(date_answer(ctx, "contract_review_held_on"), date_answer(ctx, ctx.field))


@rule("legal.notice_to_improve_complete")
def notice_to_improve_complete(ctx: TaskContext) -> str | None:
    """A notice to improve includes every part the national framework lists (each a choice of the
    question): the first one missing is named."""
    chosen = set(ctx.value or [])
    labels = ctx.form().choice_labels().get(ctx.field, {})
    missing = [label for value, label in labels.items() if value not in chosen]
    return f"The notice must also include: {missing[0].lower()}" if missing else None


@rule("legal.sessions_not_negative")
def sessions_not_negative(ctx: TaskContext) -> str | None:
    """A count of sessions is 0 or more."""
    if isinstance(ctx.value, int) and ctx.value < 0:
        return "The number of sessions must be 0 or more"
    return None
