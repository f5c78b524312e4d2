"""Rules of the school attendance order's forms (processes/school_attendance_order.bpmn): what
must be done before each formal step."""

from __future__ import annotations

from app.pathways.registry import TaskContext, rule
from app.pathways.sao.periods import NOTICE_MINIMUM_DAYS

BUNDLE_MUST_HOLD = frozenset({"order", "school_confirmation"})


@rule("sao.home_visit_when_not_reached")
def home_visit_when_not_reached(ctx: TaskContext) -> str | None:
    """A family nobody has spoken to is visited before the letter is sent."""
    if ctx.answers.get("contact_made") == "no" and ctx.value == "no":
        return "Visit the home before writing if you cannot reach the family another way"
    return None


@rule("sao.admission_authority_consulted")
def admission_authority_consulted(ctx: TaskContext) -> str | None:
    """A school is named in a notice of intention only after its admission authority is consulted."""
    if ctx.value == "no":
        return "Consult the school's admission authority before naming the school"
    return None


@rule("sao.notice_gives_15_days")
def notice_gives_15_days(ctx: TaskContext) -> str | None:
    """A notice under s437(1) gives at least 15 days, beginning with the day it is served."""
    days = ctx.value
    if isinstance(days, int) and days < NOTICE_MINIMUM_DAYS:
        return "The notice must give at least 15 days, beginning with the day it is served"
    return None


@rule("sao.chosen_school_will_admit")
def chosen_school_will_admit(ctx: TaskContext) -> str | None:
    """When the parent chose a school, say whether it will admit the child (yes or no)."""
    if ctx.answers.get("parent_chose_school") == "yes" and ctx.value not in ("yes", "no"):
        return "Select whether the school will admit the child"
    return None


@rule("sao.evidence_bundle_complete")
def evidence_bundle_complete(ctx: TaskContext) -> str | None:
    """The prosecution bundle holds the order with proof of service and the school's confirmation."""
    chosen = set(ctx.value or [])
    if chosen and BUNDLE_MUST_HOLD - chosen:
        return "The bundle must include the order with proof of service and the school's confirmation"
    return None


@rule("sao.eso_considered")
def eso_considered(ctx: TaskContext) -> str | None:
    """An education supervision order is considered before prosecuting (s447)."""
    if ctx.value == "no":
        return "Consider an education supervision order before referring for prosecution"
    return None
