"""Demo social-care work: step-ups screened into a child-and-family assessment, and plans.

Cases the referral demo stepped up to CAS are screened; some start an assessment, which is
taken through its decision and allocation; others hold a child in need or a child
protection plan started months ago, so the scheduler's first sweep brings their reviews due.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Case, HumanTask, TaskState, User
from app.tasks.services import complete_task
from app.workflow.instances import start_process


def _open(case: Case, form_key: str) -> HumanTask | None:
    return db.session.scalar(
        select(HumanTask).where(
            HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN, HumanTask.form_key == form_key
        )
    )


def _screen(case: Case, decision: str, worker: User) -> bool:
    task = _open(case, "referral.cas_screening")
    if task is None:
        return False
    data: dict[str, Any] = {
        "cas_decision": decision,
        "decision_reasons": "Neglect concerns alongside the absence; a social work assessment is needed.",
        "cas_checks_made": ["records", "police", "health"],
        "cas_decision_date": case.referral_date.isoformat(),
        "referrer_informed": "yes",
        "referrer_not_informed_reason": "",
    }
    complete_task(task, data, worker)
    return True


def _start_assessment(case: Case, manager: User, referred: date) -> None:
    base = {"case_reference": case.reference, "child_name": case.child.full_name}
    start_process(case, "cas_assessment", {**base, "referral_date": referred.isoformat()}, manager)
    decision = _open(case, "cas.referral_decision")
    if decision is not None:
        complete_task(
            decision,
            {
                "referral_decision": "assessment",
                "referral_decision_reasons": "Repeated absence with neglect indicators; s17 assessment.",
                "referrer_told": "yes",
            },
            manager,
        )
    allocate = _open(case, "cas.allocate")
    if allocate is not None:
        complete_task(
            allocate,
            {
                "social_worker_name": "Chris Okafor",
                "allocated_on": (referred + timedelta(days=1)).isoformat(),
                "allocation_plan": "See the child alone at school this week; health and police checks.",
            },
            manager,
        )


def _hold_first_meetings(case: Case, worker: User, start: date) -> None:
    """The planning meeting or first core group, held on time (so the history has them)."""
    held = start + timedelta(days=7)
    planning = _open(case, "cin.planning_meeting")
    if planning is not None:
        complete_task(
            planning,
            {
                "planning_held_on": held.isoformat(),
                "planning_attendees": "Parent; class teacher; school nurse; social worker",
                "planning_child_views": "I want to go to school but mornings are hard.",
                "planning_decisions": "Morning support from school; weekly check-ins with the family.",
                "first_review_date": (start + timedelta(days=90)).isoformat(),
            },
            worker,
        )
    core = _open(case, "cp.core_group")
    if core is not None:
        complete_task(
            core,
            {
                "core_group_held_on": held.isoformat(),
                "core_group_attendees": "Parent; school safeguarding lead; health visitor; social worker",
                "core_group_decisions": "Weekly visits; school reports absence the same day.",
                "next_core_group_date": (held + timedelta(days=28)).isoformat(),
            },
            worker,
        )


def add_social_care(cases: list[Case], people: dict[str, User], today: date) -> int:
    """Give the demo's stepped-up cases social-care work; returns how many got some."""
    manager = people["manager@example.org"]
    social_worker = people["social.worker@example.org"]
    stepped_up = [c for c in cases if _open(c, "referral.cas_screening") is not None]
    started = 0
    for n, case in enumerate(stepped_up):
        if not _screen(case, "assessment", social_worker):
            continue
        base = {"case_reference": case.reference, "child_name": case.child.full_name}
        if n % 3 == 0:  # an assessment near its 45-day deadline: the reminder is due
            _start_assessment(case, manager, today - timedelta(days=52))
        elif n % 3 == 1:
            start = today - timedelta(days=85)
            start_process(case, "child_in_need_plan", {**base, "plan_start_date": start.isoformat()}, manager)
            _hold_first_meetings(case, social_worker, start)
        else:
            start = today - timedelta(days=80)
            start_process(case, "child_protection_plan", {**base, "icpc_date": start.isoformat()}, manager)
            _hold_first_meetings(case, social_worker, start)
        started += 1
    return started
