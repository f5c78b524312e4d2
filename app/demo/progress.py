"""Moves demo cases along the referral process so a new user sees a living caseload.

Each case is taken to one of a dozen stages through the same service a form submit uses,
with the data the forms would record, dated from the case's referral date and done on those
dates (app/demo/clock.py): a case referred months ago has tasks opened months ago.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from app.demo.clock import claim, complete
from app.demo.queries import open_task
from app.models import Case, User

# The path each stage takes, as (form key, choices) steps from triage onwards.
_CONSENTED = [
    ("referral.triage", {"triage_decision": "seek_consent"}),
    ("referral.consent", {"consent": "given"}),
]
_PLANNED = [*_CONSENTED, ("referral.allocate", {}), ("referral.assessment", {}), ("referral.taf_meeting", {})]
_SCHOOL_LED = [("referral.triage", {"triage_decision": "school_support"}), ("referral.advise_school", {})]
STAGES: list[list[tuple[str, dict[str, Any]]]] = [
    [],
    _CONSENTED[:1],
    _CONSENTED,
    _PLANNED[:3],
    _PLANNED[:4],
    _PLANNED,
    _SCHOOL_LED,
    [("referral.triage", {"triage_decision": "step_up"})],  # STEP_UP_STAGE
    [
        _CONSENTED[0],
        (
            "referral.consent",
            {"consent": "refused", "consent_notes": "Called twice and wrote; the family do not want help."},
        ),
    ],
    [*_PLANNED, ("referral.review", {"review_outcome": "refer_legal"})],
    [*_PLANNED, ("referral.review", {"review_outcome": "continue"})],
    [*_SCHOOL_LED, ("referral.school_support", {"school_outcome": "improved"})],
    _CONSENTED[:1],  # more families still to give consent
    _CONSENTED[:1],
]


STEP_UP_STAGE = 7
# How many days ago a case at each stage was referred (one is picked): new referrals are
# mostly days old but some have waited weeks; families are waiting on consent for days to
# weeks; plans began weeks or months ago, so some reviews are coming and some overdue; closed
# cases go back ~6 months.
AGES: list[tuple[int, ...]] = [
    (0, 1, 2, 19, 27, 34),
    (4, 9, 16, 23, 38),
    (6, 12, 21, 30),
    (15, 25, 40),
    (20, 35, 50),
    (30, 38, 52, 75),
    (10, 20, 35, 60),
    (8, 30, 60, 95, 130, 160),
    (25, 70, 120, 170),
    (95, 140, 175),
    (60, 75, 88, 95),
    (45, 90, 135, 178),
    (3, 11, 19, 29),
    (5, 8, 26, 44),
]


def referral_age(n: int, rng: random.Random) -> int:
    """Days since the n-th demo case was referred, for its stage."""
    return rng.choice(AGES[n % len(AGES)])


def task_data(form_key: str, start: date, choices: dict[str, Any]) -> dict[str, Any]:
    """What the form for `form_key` records, dated from the referral date."""
    # Dates run on from the referral but never past today: nothing is recorded as held in the future.
    day = lambda n: min(start + timedelta(days=n), date.today()).isoformat()  # noqa: E731
    # ...and dates agreed for the future are ahead of the day they were agreed (a review agreed
    # months ago for weeks ago, and not yet held, is overdue).
    ahead = lambda n: (start + timedelta(days=n)).isoformat()  # noqa: E731
    data: dict[str, dict[str, Any]] = {
        "referral.triage": {
            "existing_involvement": "none",
            "triage_decision": "seek_consent",
            "triage_reasons": "Attendance below 90%; no open plan; the school asked for help.",
        },
        "referral.consent": {
            "consent": "given",
            "consent_date": day(2),
            "consent_given_by": "Parent",
            "consent_share_with": ["school", "health"],
            "consent_notes": "",
        },
        "referral.allocate": {
            "lead_practitioner_name": "Dana Lewis",
            "lead_practitioner_service": "Early Help",
            "family_had_say": "yes",
            "allocation_date": day(3),
            "allocation_notes": "",
        },
        "referral.assessment": {
            "assessment_date": day(8),
            "needs_identified": ["school_attendance", "emotional_wellbeing"],
            "other_needs": "",
            "child_voice": "Mornings are hard; I worry about my friends.",
            "family_strengths": "Parent is committed and in touch with school.",
            "assessment_summary": "Anxiety about school; mornings are the pinch point.",
        },
        "referral.taf_meeting": {
            "taf_meeting_date": day(12),
            "family_attended": "yes",
            "taf_attendees": "Head of year; school nurse; lead practitioner",
            "plan_outcomes": "Attendance above 90% by the end of term.",
            "plan_actions": "Soft start and a mentor; sleep advice from the nurse.",
            "next_review_date": ahead(40),
        },
        "referral.review": {
            "review_date": day(40),
            "review_attendance_percent": 88.0,
            "review_progress": "Late marks halved; mentor sessions going well.",
            "review_child_views": "Lunch club helps.",
            "review_outcome": "continue",
            "next_review_date": ahead(82),
            "review_outcome_reasons": "Support not taken up.",
        },
        "referral.advise_school": {
            "school_contact_name": "Attendance lead",
            "advice_given": "Hold an attendance meeting and agree a plan.",
            "school_support_recommended": ["attendance_meeting", "attendance_plan"],
            "safeguarding_concern": "no",
            "safeguarding_details": "",
            "school_review_date": ahead(30),
        },
        "referral.school_support": {
            "school_support_provided": ["attendance_meeting", "attendance_plan"],
            "school_support_details": "Meeting held; plan agreed with the family.",
            "family_engagement": "engaged",
            "school_attendance_percent": 93.0,
            "school_review_held_date": day(30),
            "school_outcome": "improved",
            "school_outcome_reasons": "",
        },
    }
    return {**data[form_key], **choices}


def advance(case: Case, n: int, rng: random.Random, people: dict[str, User]) -> None:
    """Take the n-th demo case to one of the stages, completing each task as its team would."""
    by_lane = {
        "Early Help": [people["practitioner@example.org"], people["family.worker@example.org"]],
        "Schools": [people["school@example.org"]],
        "CAS": [people["social.worker@example.org"]],
        "ACE": [people["attendance.officer@example.org"]],
    }
    for form_key, choices in STAGES[n % len(STAGES)]:
        task = open_task(case)
        if task is None or task.form_key != form_key:
            break
        worker = rng.choice(by_lane[task.lane])
        complete(task, task_data(form_key, case.referral_date, choices), worker)
    task = open_task(case)
    if task is not None and task.lane == "Early Help" and rng.random() < 0.5:
        # Dana Lewis carries the heavier Early Help caseload.
        holder = rng.choice([*by_lane["Early Help"], people["family.worker@example.org"]])
        claim(task, holder, timedelta(hours=rng.choice([2, 20, 50])))
