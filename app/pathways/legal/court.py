"""Going to court: education supervision orders and prosecution (section 444 Education Act 1996).
The forms and the diagram of attendance_legal_planning name these."""

from __future__ import annotations

from app.pathways.answers import date_answer, effect_reading
from app.pathways.legal import framework, ledger
from app.pathways.meetings import earlier_answer
from app.pathways.registry import TaskContext, rule
from app.timescales.working_days import as_date
from app.workflow.helpers import add_months

PROSECUTION_FORM = "legal.prepare_prosecution"
# The most a magistrates' court may fine for each offence, in pounds (level 3 and level 4).
FINE_LIMITS = {"s444_1": 1000, "s444_1a": 2500}
INFORMATION_MONTHS = 6  # section 127 Magistrates' Courts Act 1980


@rule("legal.eso_open_to_child")
def eso_open_to_child(ctx: TaskContext) -> str | None:
    """No application for a child who is looked after, whether the officer says so or the case
    records it (Children Act 1989 section 36)."""
    looked_after = ctx.answers.get("eso_child_looked_after") == "yes" or ctx.case.child.looked_after
    if ctx.value == "apply" and looked_after:
        return (
            "An education supervision order cannot be made for a child who is looked after: "
            "select 'No' so a manager can decide another route"
        )
    return None


@rule("legal.hearing_after_application")
def hearing_after_application(ctx: TaskContext) -> str | None:
    """The hearing of an application is on or after the day it was made."""
    hearing, applied = date_answer(ctx, ctx.field), date_answer(ctx, "eso_applied_on")
    if ctx.answers.get("eso_decision") == "apply" and hearing and applied and hearing < applied:
        return "The hearing must be on or after the date of the application"
    return None


@rule("legal.witness_statement_ready")
def witness_statement_ready(ctx: TaskContext) -> str | None:
    """A section 444(1A) prosecution waits for the officer's witness statement."""
    if ctx.answers.get("prosecution_offence") == "s444_1a" and ctx.value == "no":
        return "A section 444(1A) prosecution needs the officer's witness statement first"
    return None


@rule("legal.court_evidence_complete")
def court_evidence_complete(ctx: TaskContext) -> str | None:
    """The court needs the register printout and the head teacher's certificate."""
    if {"printout", "certificate"} - set(ctx.value or []):
        return "The court needs the register printout and the signed certificate"
    return None


@rule("legal.information_in_time")
def information_in_time(ctx: TaskContext) -> str | None:
    """Information is laid within 6 months of the last offence the prosecution names."""
    laid_on = date_answer(ctx, ctx.field)
    if ctx.answers.get("information_laid") != "yes" or laid_on is None:
        return None
    last = earlier_answer(ctx.task, PROSECUTION_FORM, "last_offence_date")
    if not last:
        return None
    limit = as_date(add_months(last, INFORMATION_MONTHS))
    if laid_on > limit:
        return (
            f"The information had to be laid by {framework.long_date(limit)}, 6 months after the last "
            "offence: it is out of time. Select 'No' so a manager can decide another route"
        )
    return None


@rule("legal.fine_within_limit")
def fine_within_limit(ctx: TaskContext) -> str | None:
    """A fine the court ordered has its amount, no more than the offence allows."""
    if "fine" not in (ctx.answers.get("court_sentence") or []):
        return None
    if ctx.value is None or ctx.value < 1:
        return "Enter the amount of the fine"
    limit = FINE_LIMITS.get(str(earlier_answer(ctx.task, PROSECUTION_FORM, "prosecution_offence")))
    if limit is not None and ctx.value > limit:
        return f"The most the court can fine for this offence is £{limit:,}"
    return None


@effect_reading("legal.record_prosecuted", "information_laid")
def record_prosecuted(ctx: TaskContext) -> None:
    """The information is laid: an unpaid notice on this process is now being prosecuted."""
    if ctx.answers.get("information_laid") == "yes":
        ledger.record_prosecuted(ctx.task.instance_id)
