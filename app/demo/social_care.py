"""Demo social-care work: step-ups handed to CAS, assessments at each stage, and plans.

Cases the referral demo stepped up arrive in CAS by the hand-off on the day Early Help triaged
them (the assessment's clock runs from the referral date): the newest wait for the referral
decision, others are being assessed, and the older ones have been assessed and authorised,
some handed on to a child in need plan. Three more were referred to CAS directly weeks ago, so
the demo also holds an assessment near its 45-day deadline and plans whose reviews are coming due.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.cases.services import Referral
from app.demo.assessments import assess, assess_fully, decide_and_allocate
from app.demo.clock import complete, refer
from app.demo.queries import open_task
from app.models import Case, User
from app.timescales.working_days import add_working_days, working_days_between

REASONS = "Repeated absence with neglect indicators; a section 17 assessment is needed."


def _do(case: Case, form_key: str, data: dict[str, Any], user: User) -> bool:
    task = open_task(case, form_key)
    if task is None:
        return False
    complete(task, data, user)
    return True


def _hold_first_meetings(case: Case, worker: User, start: date) -> None:
    """The planning meeting or first core group, held on time (so the history has them)."""
    held = min(start + timedelta(days=7), date.today())
    _do(
        case,
        "cin.planning_meeting",
        {
            "planning_held_on": held.isoformat(),
            "planning_attendees": "Parent; class teacher; school nurse; social worker",
            "planning_child_views": "I want to go to school but mornings are hard.",
            "planning_decisions": "Morning support from school; weekly check-ins with the family.",
            "first_review_date": (start + timedelta(days=90)).isoformat(),
        },
        worker,
    )
    _do(
        case,
        "cp.core_group",
        {
            "core_group_held_on": held.isoformat(),
            "core_group_attendees": "Parent; school safeguarding lead; health visitor; social worker",
            "core_group_decisions": "Weekly visits; school reports absence the same day.",
            "next_core_group_date": (held + timedelta(days=28)).isoformat(),
        },
        worker,
    )


def add_social_care(
    stepped_up: list[Case], direct: list[Referral], people: dict[str, User], today: date
) -> int:
    """Give the demo's stepped-up cases social-care work, and open the direct CAS cases.

    `direct` holds three referrals: an assessment near its deadline, and a child in need and a
    child protection plan that began months ago. Returns how many cases got social-care work.
    """
    manager = people["manager@example.org"]
    worker = people["social.worker@example.org"]
    started = 0
    for n, case in enumerate(stepped_up):
        if open_task(case, "cas.referral_decision") is None:
            continue
        referred = case.referral_date
        waited = working_days_between(referred, today)
        if waited > 2:  # the newest wait for the decision
            decide_and_allocate(case, people, referred)
        if waited > 60:  # assessed and authorised, in a band of its own
            days = (5, 22, 33, 44, 58)[n % 5]
            outcome = "child_in_need" if n % 2 else "no_further_action"
            assess_fully(case, people, referred, days, outcome)
            if outcome == "child_in_need":
                _hold_first_meetings(case, worker, add_working_days(referred, days))
        elif waited > 20 and n % 2:
            assess(case, people, referred, waited - 3)  # waiting for the manager's authorisation
        started += 1
    if len(direct) >= 3:
        referred = today - timedelta(days=52)
        deadline = refer(
            Referral(**{**direct[0].__dict__, "referral_date": referred}), manager, "cas_assessment"
        )
        decide_and_allocate(deadline, people, referred)
        cin_start, cp_start = today - timedelta(days=85), today - timedelta(days=80)
        cin = refer(
            Referral(**{**direct[1].__dict__, "referral_date": cin_start}),
            manager,
            "child_in_need_plan",
            plan_start_date=cin_start.isoformat(),
        )
        _hold_first_meetings(cin, worker, cin_start)
        cp = refer(
            Referral(**{**direct[2].__dict__, "referral_date": cp_start}),
            manager,
            "child_protection_plan",
            icpc_date=cp_start.isoformat(),
        )
        _hold_first_meetings(cp, worker, cp_start)
        started += 3
    return started
