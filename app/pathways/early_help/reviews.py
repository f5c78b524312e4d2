"""Rules of the Early Help plan's reviews and of school-led support: when the next review may
be, and the reasons a step up or a referral on must give."""

from __future__ import annotations

from app.pathways.answers import date_answer
from app.pathways.registry import TaskContext, rule
from app.timescales.settings import local_setting

NEXT_REVIEW_MOST_DAYS = 92  # "no more than 3 months": the longest three calendar months


@rule("referral.first_review_within_interval")
def first_review_within_interval(ctx: TaskContext) -> str | None:
    """The Team Around the Family's first review is after the meeting and within the local
    number of weeks of it."""
    meeting, review = date_answer(ctx, "taf_meeting_date"), date_answer(ctx, ctx.field)
    if meeting is None or review is None:
        return None
    if review <= meeting:
        return "Date of the first review must be after the meeting"
    weeks = local_setting("taf_review_weeks")
    if (review - meeting).days > 7 * weeks:
        return f"Date of the first review must be no more than {weeks} weeks after the meeting"
    return None


@rule("referral.next_review_within_3_months")
def next_review_within_3_months(ctx: TaskContext) -> str | None:
    """When the plan continues, the next review is after this one and no more than 3 months
    after it. (The form asks for the date whenever the plan continues.)"""
    if ctx.answers.get("review_outcome") != "continue":
        return None
    review, following = date_answer(ctx, "review_date"), date_answer(ctx, ctx.field)
    if review is None or following is None:
        return None
    if following <= review:
        return "Date of the next review must be after the review"
    if (following - review).days > NEXT_REVIEW_MOST_DAYS:
        return "Date of the next review must be no more than 3 months after the review"
    return None


# The reasons each outcome must give, in the words that ask for them.
REVIEW_REASONS = {
    "step_up": "Enter why the family is being stepped up to CAS",
    "refer_legal": "Enter why the family is being referred for legal planning",
}
SCHOOL_REASONS = {
    "not_improving": "Enter why the support has not worked",
    "safeguarding_concern": "Enter details of the safeguarding concern",
}


@rule("referral.reasons_for_review_outcome")
def reasons_for_review_outcome(ctx: TaskContext) -> str | None:
    """Stepping up to CAS or referring for legal planning from a review needs the reasons, asked
    for in words that fit the outcome."""
    return None if ctx.value else REVIEW_REASONS.get(str(ctx.answers.get("review_outcome")))


@rule("referral.reasons_for_school_outcome")
def reasons_for_school_outcome(ctx: TaskContext) -> str | None:
    """School-led support that did not work, or a safeguarding concern, needs the reasons,
    asked for in words that fit the outcome."""
    return None if ctx.value else SCHOOL_REASONS.get(str(ctx.answers.get("school_outcome")))
