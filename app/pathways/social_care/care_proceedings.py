"""Rules of the care planning forms (processes/care_planning.bpmn): the limits the law sets on
emergency protection and care proceedings, and the order of the pre-proceedings steps."""

from __future__ import annotations

from datetime import timedelta

from app.pathways.answers import date_answer
from app.pathways.registry import TaskContext, rule

CARE_PROCEEDINGS_WEEKS = 26  # Children Act 1989 s32(1)(a), as amended by the Children and Families Act 2014
EPO_MAX_DAYS = 8  # Children Act 1989 s45(1)
POLICE_PROTECTION_MAX_DAYS = 3  # Children Act 1989 s46(6): 72 hours
LONGEST_PROTECTION = {  # outcome: (the most days it may last, as the error names it)
    "epo_made": (EPO_MAX_DAYS, "An emergency protection order"),
    "police_protection": (POLICE_PROTECTION_MAX_DAYS, "Police protection"),
}


@rule("cpl.informed_consent")
def informed_consent(ctx: TaskContext) -> str | None:
    """Accommodation under section 20 needs the parent's informed consent. (The form asks for
    the answer whenever the route is section 20.)"""
    if ctx.answers.get("care_decision") == "section_20" and ctx.value == "no":
        return "Section 20 needs informed consent: choose another route"
    return None


@rule("cpl.protection_within_limit")
def protection_within_limit(ctx: TaskContext) -> str | None:
    """An emergency protection order or police protection ends on or after the day it began
    and within the days the law allows it."""
    limit = LONGEST_PROTECTION.get(str(ctx.answers.get("protection_outcome")))
    start, ends = date_answer(ctx, "protection_decided_on"), date_answer(ctx, ctx.field)
    if limit is None or start is None or ends is None:
        return None
    longest, what = limit
    if ends < start:
        return "The date the protection ends must be on or after the date it began"
    if ends > start + timedelta(days=longest):
        return f"{what} lasts at most {longest} days"
    return None


@rule("cpl.final_hearing_after_issue")
def final_hearing_after_issue(ctx: TaskContext) -> str | None:
    """The final hearing's target date is after the application was issued."""
    issued, target = date_answer(ctx, "proceedings_issued_on"), date_answer(ctx, ctx.field)
    if issued is not None and target is not None and target <= issued:
        return "The final hearing must be after the application was issued"
    return None


@rule("cpl.reason_beyond_26_weeks")
def reason_beyond_26_weeks(ctx: TaskContext) -> str | None:
    """A final hearing targeted more than 26 weeks after issue needs the reason for the
    extension (the court must be asked for one)."""
    issued, target = date_answer(ctx, "proceedings_issued_on"), date_answer(ctx, "final_hearing_target")
    if issued is None or target is None or ctx.value:
        return None
    if target > issued + timedelta(weeks=CARE_PROCEEDINGS_WEEKS):
        return "Enter why the final hearing is more than 26 weeks after issue"
    return None


@rule("cpl.meeting_after_letter")
def meeting_after_letter(ctx: TaskContext) -> str | None:
    """The pre-proceedings meeting is after the letter before proceedings is sent."""
    sent, meeting = date_answer(ctx, "letter_sent_on"), date_answer(ctx, ctx.field)
    if sent is not None and meeting is not None and meeting <= sent:
        return "The pre-proceedings meeting must be after the letter is sent"
    return None


@rule("cpl.legal_help_explained")
def legal_help_explained(ctx: TaskContext) -> str | None:
    """The letter goes only once the parents know they can get free legal advice."""
    if ctx.value == "no":
        return "Tell the parents they can get free legal advice before you send the letter"
    return None
