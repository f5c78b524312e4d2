"""Penalty notices: the national framework checked while the officer is on the page, the notice's
terms worked out when it is issued, and the ledger kept as the notice is issued, paid, left
unpaid or withdrawn (the forms and the diagram of attendance_legal_planning name these).

The threshold window, the 2-in-3-years limit and the amounts are the framework's (framework.py);
the notices already issued to a parent for a child are the ledger's (ledger.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.pathways.answers import date_answer, effect_reading
from app.pathways.legal import framework, ledger
from app.pathways.registry import TaskContext, calculation, rule
from app.timescales.school_calendar import NoTermDates
from app.timescales.working_days import as_date

# How the case page names the answers legal.penalty_notice_terms adds to the task's data.
TERMS_LABELS = {
    "pn_served_on": "Presumed served on",
    "pn_sequence": "Notice number in the 3-year window",
    "pn_amount": "Amount at issue (£)",
    "pn_discount_ends_on": "£80 rate ends",
    "pn_pay_by": "Last day to pay",
}
PAID_AMOUNTS = ("80", "160")


def issuing(ctx: TaskContext) -> bool:
    """Whether the officer is issuing a notice: the window, the parent and the date apply only then."""
    return ctx.answers.get("pn_decision") == "issue"


@rule("legal.sessions_in_window")
def sessions_in_window(ctx: TaskContext) -> str | None:
    """A notice being issued counts the unauthorised sessions in its window: at least 1."""
    if not issuing(ctx):
        return None
    if ctx.value is None:
        return "Enter how many unauthorised sessions are in the window"
    if ctx.value < 1:
        return "A penalty notice needs at least 1 unauthorised session"
    return None


@rule("legal.reason_below_threshold")
def reason_below_threshold(ctx: TaskContext) -> str | None:
    """Below the national threshold of sessions the council may still issue, but must say why."""
    sessions = ctx.answers.get("pn_unauthorised_sessions")
    below = isinstance(sessions, int) and sessions < framework.THRESHOLD_SESSIONS
    if issuing(ctx) and below and not (ctx.value or "").strip():
        return (
            f"{sessions} sessions is below the national threshold of {framework.THRESHOLD_SESSIONS}: "
            "enter why the council is using its discretion"
        )
    return None


@rule("legal.window_within_threshold")
def window_within_threshold(ctx: TaskContext) -> str | None:
    """The window ends on or after its first day and covers no more than the framework's school
    weeks, counted on the child's school's term dates."""
    start, end = date_answer(ctx, "pn_window_start"), date_answer(ctx, ctx.field)
    if not issuing(ctx) or start is None or end is None:
        return None
    if end < start:
        return "The last day of the window must be on or after the first day"
    try:
        weeks = ledger.school_weeks_in(start, end, ctx.case.child.school)
    except NoTermDates as exc:
        return f"The window cannot be checked: {exc}. Ask an administrator"
    if weeks > framework.THRESHOLD_SCHOOL_WEEKS:
        return (
            f"The window covers {weeks} school weeks: it must be no more than "
            f"{framework.THRESHOLD_SCHOOL_WEEKS} school weeks"
        )
    return None


@rule("legal.notice_allowed")
def notice_allowed(ctx: TaskContext) -> str | None:
    """No more than 2 notices to one parent for one child in 3 years: a third is refused, saying
    when one could next be issued (the ledger matches the child and parent across cases)."""
    issued_on, parent = date_answer(ctx, "pn_issued_on"), ctx.value
    if not issuing(ctx) or issued_on is None or not parent:
        return None
    assessment = ledger.check_new_notice(ctx.case.child, parent, issued_on)
    if assessment.refused:
        return ledger.refusal_message(assessment, parent, ctx.case.child.full_name)
    return None


@calculation("legal.penalty_notice_terms", labels=TERMS_LABELS)
def penalty_notice_terms(ctx: TaskContext) -> Mapping[str, Any]:
    """For a notice issued: when it is presumed served, its number in the parent's 3-year window,
    the amount at issue and the last days of each rate, which the diagram's timers count from.
    Nothing when no notice is issued."""
    issued_on = date_answer(ctx, "pn_issued_on")
    if not issuing(ctx) or issued_on is None:
        return {}
    served = framework.served_on(issued_on)
    sequence = ledger.check_new_notice(ctx.case.child, str(ctx.answers["pn_parent_name"]), issued_on).sequence
    first = sequence == 1
    return {
        "pn_served_on": served.isoformat(),
        "pn_sequence": sequence,
        "pn_amount": framework.FIRST_AMOUNT if first else framework.FULL_AMOUNT,
        "pn_discount_ends_on": framework.discount_ends(served).isoformat() if first else None,
        "pn_pay_by": framework.payment_ends(served).isoformat(),
    }


@effect_reading(
    "legal.record_penalty_notice",
    "pn_decision",
    "pn_parent_name",
    "pn_window_start",
    "pn_window_end",
    "pn_unauthorised_sessions",
    "pn_below_threshold_reason",
    "pn_issued_on",
)
def record_penalty_notice(ctx: TaskContext) -> None:
    """A notice issued is written to the ledger (refused there, too, if it would be a third)."""
    data = ctx.answers
    if data.get("pn_decision") != "issue":
        return
    ledger.record_issue(
        ctx.task,
        ctx.actor,
        parent_name=data["pn_parent_name"],
        offence_from=as_date(data["pn_window_start"]),
        offence_to=as_date(data["pn_window_end"]),
        sessions=int(data["pn_unauthorised_sessions"]),
        below_threshold_reason=data.get("pn_below_threshold_reason") or "",
        issued_on=as_date(data["pn_issued_on"]),
    )


def payment_problem(ctx: TaskContext, paid_on_field: str) -> str | None:
    """Why the amount paid on that date does not settle this process's notice; None if it does
    (or if the date or amount is missing: their own questions say so)."""
    notice = ledger.open_notice(ctx.task.instance_id)
    paid_on, amount = date_answer(ctx, paid_on_field), ctx.value
    if notice is None or paid_on is None or amount not in PAID_AMOUNTS:
        return None
    return ledger.payment_problem(notice, paid_on, int(amount)) or None


@rule("legal.payment_as_due")
def payment_as_due(ctx: TaskContext) -> str | None:
    """The amount paid is what the notice cost on the day it was paid (£80 or £160)."""
    return payment_problem(ctx, "pn_paid_on")


@rule("legal.late_payment_as_due")
def late_payment_as_due(ctx: TaskContext) -> str | None:
    """A notice found paid within the 28 days after all: the amount is what it cost that day."""
    if ctx.answers.get("pn_unpaid_decision") != "paid":
        return None
    return payment_problem(ctx, "pn_late_paid_on")


@effect_reading("legal.record_payment", "pn_paid_on", "pn_paid_amount")
def record_payment(ctx: TaskContext) -> None:
    """The notice is paid: the ledger records the date and the amount."""
    data = ctx.answers
    ledger.record_payment(ctx.task.instance_id, as_date(data["pn_paid_on"]), int(data["pn_paid_amount"]))


@effect_reading(
    "legal.record_unpaid_decision",
    "pn_unpaid_decision",
    "pn_withdrawal_ground",
    "pn_withdrawal_details",
    "pn_late_paid_on",
    "pn_late_paid_amount",
)
def record_unpaid_decision(ctx: TaskContext) -> None:
    """What the manager decided about a notice unpaid after 28 days: it is unpaid (to prosecute),
    withdrawn on the ground chosen, in words, or it was paid in time after all."""
    data = ctx.answers
    decision = data.get("pn_unpaid_decision")
    if decision == "prosecute":
        ledger.record_unpaid(ctx.task.instance_id)
    elif decision == "withdraw":
        grounds = ctx.form().choice_labels().get("pn_withdrawal_ground", {})
        ground = grounds.get(str(data.get("pn_withdrawal_ground")), "")
        ledger.record_withdrawal(ctx.task.instance_id, f"{ground}. {data.get('pn_withdrawal_details') or ''}")
    elif decision == "paid":
        paid_on = as_date(data["pn_late_paid_on"])
        ledger.record_payment(ctx.task.instance_id, paid_on, int(data["pn_late_paid_amount"]))
