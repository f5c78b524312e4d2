"""Demo incidents: engine failures on real instances, as the engine words them, some resolved.

Each is recorded through the product's own service (app/oversight/services.record_incident) at
the moment the failure happened: someone completed a task, or a timer fired, and the diagram
could not go on. Two were dealt with by the manager a few days later; the rest are waiting.
"""

from __future__ import annotations

import random
from datetime import timedelta

from app.demo.clock import at, in_office_hours
from app.demo.queries import waiting_tasks
from app.models import User
from app.oversight.services import record_incident, resolve_incident

MANAGER = "manager@example.org"
# Who was completing the task when it failed, by its team (a timer fails with nobody at it).
BY_LANE = {
    "Early Help": "family.worker@example.org",
    "Schools": "school@example.org",
    "CAS": "social.worker@example.org",
    "Medical Needs": "medical.needs@example.org",
}

# (process, bpmn id of the waiting task, the engine's message, where it failed, the manager's
# resolution or "" if still open)
INCIDENTS: list[tuple[str, str, str, str, str]] = [
    (
        "referral_to_early_help",
        "taf_review",
        "The process could not move on at 'Review outcome?': No conditions satisfied for gw_review",
        "Review outcome?",
        "",
    ),
    (
        "child_in_need_plan",
        "cin_plan",
        "The process could not fire a timer at 'Review due': Error evaluating expression "
        "'review_cycle(plan_start_date, setting(\"cin_review_months\"), 14)' (invalid date: '')",
        "Review due",
        "",
    ),
    (
        "attendance_support",
        "review_attendance_plan",
        "The process could not move on at 'What did the review decide?': No conditions satisfied "
        "for gw_review",
        "What did the review decide?",
        "The review outcome was corrected with the school; the plan continues.",
    ),
    (
        "cas_assessment",
        "referral_decision",
        "The process could not move on at 'What is the referral decision?': No conditions satisfied "
        "for gw_decision",
        "What is the referral decision?",
        "The decision was recorded again once the form's choices matched the diagram.",
    ),
    (
        "medical_needs",
        "decision",
        "The due date in the diagram took longer than 1 second at 'Decide whether the council must "
        "arrange education'",
        "Decide whether the council must arrange education",
        "",
    ),
]


def seed(people: dict[str, User], rng: random.Random) -> int:
    """Record the demo's incidents; returns how many."""
    manager, recorded = people[MANAGER], 0
    for process_id, bpmn_id, message, where, resolution in INCIDENTS:
        tasks = [t for t in waiting_tasks(process_id) if t.bpmn_id == bpmn_id]
        if not tasks:
            continue
        task = tasks[rng.randrange(len(tasks))]
        failed = in_office_hours(task.created_at + timedelta(days=rng.choice([1, 2, 4])))
        with at(failed):
            actor = None if "timer" in message else people[BY_LANE[task.lane]]
            incident = record_incident(task.instance_id, message, actor, None, where)
        if resolution:
            with at(in_office_hours(failed + timedelta(days=2))):
                resolve_incident(incident, manager, resolution)
        recorded += 1
    return recorded
