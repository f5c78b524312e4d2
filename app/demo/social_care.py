"""Demo social-care work: step-ups handed to CAS, assessments at each stage, and plans.

Cases the referral demo stepped up arrive in CAS by the hand-off, dated today: some wait for
the referral decision, some are being assessed, and one has been assessed and handed on to a
child in need plan. Three more were referred to CAS directly weeks ago, so the demo also holds
an assessment near its 45-day deadline and plans whose reviews are coming due.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.cases.services import Referral, refer_child
from app.demo.queries import open_task
from app.models import Case, User
from app.tasks.services import complete_task

REASONS = "Repeated absence with neglect indicators; a section 17 assessment is needed."


def _do(case: Case, form_key: str, data: dict[str, Any], user: User) -> bool:
    task = open_task(case, form_key)
    if task is None:
        return False
    complete_task(task, data, user)
    return True


def _decide_and_allocate(case: Case, manager: User, referred: date, today: date) -> None:
    _do(
        case,
        "cas.referral_decision",
        {"referral_decision": "assessment", "referral_decision_reasons": REASONS, "referrer_told": "yes"},
        manager,
    )
    _do(
        case,
        "cas.allocate",
        {
            "social_worker_name": "Chris Okafor",
            # the next day, unless that is still to come: nothing is recorded as done in the future
            "allocated_on": min(referred + timedelta(days=1), today).isoformat(),
            "allocation_plan": "See the child alone at school this week; health and police checks.",
        },
        manager,
    )


def _assess_to_child_in_need(case: Case, worker: User, manager: User, today: date) -> None:
    seen = today - timedelta(days=1)
    _do(
        case,
        "cas.assessment",
        {
            "child_seen": "yes",
            "child_seen_on": seen.isoformat(),
            "child_views": "I want to go to school but mornings at home are hard.",
            "assessment_analysis": "Needs met only with coordinated support; no significant harm found.",
            "assessment_completed_on": seen.isoformat(),
        },
        worker,
    )
    _do(case, "cas.authorise", {"authorisation_decision": "authorised", "authorisation_notes": ""}, manager)
    _do(
        case,
        "cas.outcome",
        {
            "assessment_outcome": "child_in_need",
            "outcome_reasons": "Child in need under section 17: a plan led by children's social care.",
            "early_help_consent": "",
            "family_told": "yes",
        },
        manager,
    )


def _hold_first_meetings(case: Case, worker: User, start: date) -> None:
    """The planning meeting or first core group, held on time (so the history has them)."""
    held = start + timedelta(days=7)
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
        if n % 3 == 1:
            _decide_and_allocate(case, manager, today, today)
        elif n % 3 == 2:
            _decide_and_allocate(case, manager, today, today)
            _assess_to_child_in_need(case, worker, manager, today)
        started += 1
    if len(direct) >= 3:
        referred = today - timedelta(days=52)
        deadline = refer_child(
            Referral(**{**direct[0].__dict__, "referral_date": referred}), manager, "cas_assessment"
        )
        _decide_and_allocate(deadline, manager, referred, today)
        cin_start, cp_start = today - timedelta(days=85), today - timedelta(days=80)
        cin = refer_child(
            direct[1], manager, "child_in_need_plan", {"plan_start_date": cin_start.isoformat()}
        )
        _hold_first_meetings(cin, worker, cin_start)
        cp = refer_child(direct[2], manager, "child_protection_plan", {"icpc_date": cp_start.isoformat()})
        _hold_first_meetings(cp, worker, cp_start)
        started += 3
    return started
