"""Rules of the children missing education forms: what the notification must let the product
count, and when a school may delete a pupil from its roll under the 20-school-day rule.

A rule that compares answers goes on the field its message is about and reads the others from
`ctx.answers`; the deletion rules read the register (register.py) for the task's own case.
"""

from __future__ import annotations

from datetime import date

from app.pathways.cme.register import (
    DELETION_SCHOOL_DAYS,
    deletion_possible_on,
    deletion_problems,
    earliest_deletion_of,
    record_for_case,
    words,
)
from app.pathways.registry import TaskContext, rule
from app.timescales.school_days import NoTermDates


def _approving(ctx: TaskContext) -> bool:
    return ctx.answers.get("deletion_decision") == "approve"


@rule("cme.absence_within_term_dates")
def absence_within_term_dates(ctx: TaskContext) -> str | None:
    """For a continuous absence, the school's term dates cover the 20 school days from its first
    day: the deletion decision is timed from it, so the notification is refused now rather than
    the diagram failing later."""
    first = ctx.value
    if ctx.answers.get("notification_reason") != "continuous_absence" or not isinstance(first, date):
        return None
    try:
        deletion_possible_on(first, ctx.answers.get("school_name") or "")
    except NoTermDates:
        return (
            "The 20 school days from the first day of the continuous absence are outside the "
            "term dates we hold for the school: ask an administrator to add the term dates"
        )
    return None


@rule("cme.new_registration_date")
def new_registration_date(ctx: TaskContext) -> str | None:
    """A new registration was made on or before the notice of it arrived, and not in the future.
    (A deletion may be notified before it is made, so its date may be later.)"""
    changed = ctx.value
    if ctx.answers.get("register_notice") != "new_registration" or not isinstance(changed, date):
        return None
    received = ctx.answers.get("notice_received_on")
    if isinstance(received, date) and changed > received:
        return "The date of a new registration must be on or before the date the notification was received"
    if changed > ctx.today:
        return "The date of a new registration must be today or in the past"
    return None


@rule("cme.deletion_allowed")
def deletion_allowed(ctx: TaskContext) -> str | None:
    """Approving a deletion today needs 20 school days of absence before today and both sets of
    reasonable enquiries on the register."""
    if not _approving(ctx):
        return None
    problems = deletion_problems(ctx.case.id, ctx.today)
    return f"The pupil cannot be deleted yet. {'. '.join(problems)}." if problems else None


@rule("cme.deletion_needs_gno_codes")
def deletion_needs_gno_codes(ctx: TaskContext) -> str | None:
    """The 20-school-day rule applies only to an absence coded G, N or O throughout."""
    if _approving(ctx) and ctx.value == "no":
        return "The pupil can be deleted under this rule only if every session was G, N or O"
    return None


@rule("cme.deletion_needs_no_sickness")
def deletion_needs_no_sickness(ctx: TaskContext) -> str | None:
    """The 20-school-day rule does not apply while the absence may be sickness."""
    if _approving(ctx) and ctx.value == "yes":
        return "The pupil cannot be deleted under this rule while there are grounds to believe they are ill"
    return None


@rule("cme.deletion_date_after_20_days")
def deletion_date_after_20_days(ctx: TaskContext) -> str | None:
    """The date of deletion is no earlier than the school day after the 20th school day of absence
    (by the case's register entry; nothing to check if that cannot be worked out)."""
    deleted = ctx.value
    if not _approving(ctx) or not isinstance(deleted, date):
        return None
    earliest = earliest_deletion_of(record_for_case(ctx.case.id))
    if earliest is not None and deleted < earliest:
        return (
            f"The date of deletion must be on or after {words(earliest)}, the school day after the "
            f"{DELETION_SCHOOL_DAYS}th school day of absence"
        )
    return None


@rule("cme.school_confirmed_on_roll")
def school_confirmed_on_roll(ctx: TaskContext) -> str | None:
    """An entry closes on a school only once the school confirms the child is on its roll."""
    if ctx.answers.get("cme_outcome") == "on_roll" and ctx.value == "no":
        return "Ask the school to confirm the child is on its roll before closing the entry"
    return None
