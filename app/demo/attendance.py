"""Demo attendance support cases: pupils a school has asked the LA for attendance support for.

Each case is opened by the school's request through refer_child on the attendance_support
pathway (the tier comes from the decision table and the at-risk band setting) and moved on
through the same service a form submit uses, with the data the forms would record (and
accept: the forms check the demo as they check anyone). Request dates are in the past, so some
early actions, meetings and plans are overdue; reviews and targeting support meetings are dated
when they are agreed, which the forms allow only ahead of today, so those are still to come.
Nothing is recorded as held in the future.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.cases.services import Referral
from app.demo.clock import complete, refer
from app.demo.queries import open_task
from app.models import User
from app.timescales import school_days

PROCESS = "attendance_support"
SCHOOL_USER = "school@example.org"
ACE_USER = "attendance.officer@example.org"

# (first name, last name, year group, attendance %, what the school says)
PUPILS = [
    ("Leo", "Nowak", "Year 4", "93.4", "Late most mornings since September; mum works early shifts."),
    ("Aisha", "Okoro", "Year 8", "92.1", "Odd days missed each week, often Fridays; says she has headaches."),
    ("Harry", "Davies", "Year 10", "84.7", "Missing whole days since a falling-out with friends in October."),
    ("Sofia", "Mensah", "Year 6", "79.5", "Younger brother is ill; Sofia stays home to help mum."),
    ("Jack", "Williams", "Year 9", "41.2", "Has not attended a full week this term; family hard to reach."),
    (
        "Maya",
        "Ahmed",
        "Year 7",
        "86.0",
        "Anxious about the move to secondary; struggles in crowded corridors.",
    ),
    ("Alfie", "Brown", "Year 3", "88.9", "Family moved into temporary accommodation across the borough."),
    ("Lily", "Patel", "Year 5", "97.2", "A run of illness absence in September; attending well since."),
    ("Noah", "Taylor", "Year 2", "91.5", "Late after the register closes two or three times a week."),
]

# How far each case has gone (the form keys completed, with choices) and calendar days since the request.
STAGES: list[tuple[list[tuple[str, dict[str, Any]]], int]] = [
    ([], 3),  # tier 2: early action in progress
    ([], 24),  # tier 2: early action overdue
    ([], 20),  # tier 3: the attendance meeting is overdue
    ([("attendance.meeting", {})], 21),  # tier 3: the written plan is overdue
    ([("attendance.meeting", {}), ("attendance.plan", {})], 21),  # tier 4: the TSM discussion is ahead
    ([("attendance.meeting", {}), ("attendance.plan", {})], 15),  # tier 3: plan under way, review ahead
    ([("attendance.meeting", {}), ("attendance.plan", {}), ("attendance.review", {})], 60),  # next review
    ([], 2),  # tier 1: no targeted support needed
    ([("attendance.early_actions", {}), ("attendance.review", {"review_outcome": "improved"})], 50),
]


def _past(day: date, today: date) -> str:
    return min(day, today).isoformat()


def _ahead(day: date, today: date) -> str:
    """A date agreed for the future: the day, if it is still two weeks or more away."""
    return max(day, today + timedelta(days=14)).isoformat()


def _data(key: str, requested: date, today: date, choices: dict[str, Any]) -> dict[str, Any]:
    """What the form for `key` records, dated from the request."""
    met = school_days.add_school_days(requested, 5)
    review_due = requested + timedelta(days=42)  # ahead of today for a plan agreed recently
    pages: dict[str, dict[str, Any]] = {
        "meeting": {
            "meeting_held": "yes",
            "meeting_date": _past(met, today),
            "meeting_attendees": "Parent; head of year; attendance lead",
            "meeting_not_held_reason": "",
            "attendance_now_percent": 84.0,
            "barriers": ["anxiety", "family"],
            "barriers_detail": "Mornings are the hardest; worries about friendships and things at home.",
            "support_offered": ["first_day_calling", "pastoral", "adjustments"],
            "support_taken_up": "accepted",
            "support_declined_reason": "",
            "next_step": "plan",
            "referral_reasons": "",
        },
        "attendance.plan": {
            "plan_actions": "Soft start with a mentor; daily check-in; parent texts by 9 on any absence.",
            "plan_lead": "Attendance lead",
            "target_attendance_percent": 92.0,
            "next_review_date": _ahead(review_due, today),
            "needs_multi_agency": "no",
            # The next termly targeting support meeting, entered at the plan.
            "tsm_date": _ahead(requested + timedelta(days=18), today),
        },
        "attendance.review": {
            "review_held_on": _past(review_due, today),
            "review_attendees": "Parent; attendance lead",
            "attendance_now_percent": 88.5,
            "review_child_views": "The mentor helps; mornings are still hard.",
            "review_progress": "Attendance up by four points; late marks halved.",
            "support_result": "working",
            "review_outcome": "continue",
            "next_review_date": _ahead(requested + timedelta(days=84), today),
            "tsm_date": None,
            "referral_reasons": "",
        },
    }
    pages["attendance.meeting"] = {**pages["meeting"], "child_views": "I want to go but mornings are hard."}
    pages["attendance.early_actions"] = {
        **pages["meeting"],
        "first_day_calling": "yes",
        "plan_actions": "First-day calls; soft start; check-in with the form tutor.",
        "next_review_date": _ahead(review_due, today),
    }
    return {**pages[key], **choices}


def _referral(pupil: tuple[str, str, str, str, str], requested: date, rng: random.Random) -> Referral:
    first, last, year, percent, concern = pupil
    age = int(year.split()[1]) + 4
    possible = rng.randint(60, 140)
    return Referral(
        first_name=first,
        last_name=last,
        date_of_birth=date(requested.year - age - 1, rng.randint(1, 12), rng.randint(1, 28)),
        school=rng.choice(["Riverside Primary School", "Northgate High School", "Hammond Academy"]),
        year_group=year,
        send_support=rng.random() < 0.2,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=False,
        social_worker_name="",
        attendance_percent=Decimal(percent),
        sessions_possible=possible,
        unauthorised_sessions=int(possible * (100 - float(percent)) / 100 * 0.6),
        concern_reasons=concern,
        referrer_name="Sam Taylor",
        referrer_role="Attendance lead",
        referrer_organisation="",
        referral_date=requested,
    )


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open the demo attendance support cases; returns how many were opened."""
    school, ace = people[SCHOOL_USER], people[ACE_USER]
    for pupil, (steps, days_ago) in zip(PUPILS, STAGES, strict=True):
        requested = today - timedelta(days=days_ago)
        case = refer(_referral(pupil, requested, rng), school, PROCESS)
        for key, choices in steps:
            task = open_task(case)
            if task is None or task.form_key != key:
                break
            who = ace if task.lane == "ACE" else school
            complete(task, _data(key, requested, today, choices), who)
    return len(PUPILS)
