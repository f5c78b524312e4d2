"""Demo medical needs cases: children who cannot attend school because of their health (section 19).

Each case is opened by a school's sickness return through refer_child and moved on through the
same service a form submit uses, with the data the forms would record. Referral dates are
in the past, so some returns and decisions are overdue, and the scheduler's first sweep
escalates a late decision and brings a provision review due.
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
from app.timescales.school_calendar import NoTermDates

PROCESS = "medical_needs"

CHILDREN = [
    ("Isla", "Murphy", "Year 9", "Recovering from spinal surgery; cannot sit for long or manage stairs."),
    (
        "Yusuf",
        "Ali",
        "Year 6",
        "Leukaemia treatment at the children's hospital; low immunity between cycles.",
    ),
    ("Ruby", "Clarke", "Year 10", "Anorexia nervosa; under the eating disorders service since October."),
    ("Kai", "Walsh", "Year 4", "Broken femur after a road accident; in a cast until the new year."),
    ("Fatima", "Hussain", "Year 8", "Chronic fatigue syndrome (ME); GP and paediatrician involved."),
    ("Oscar", "Bennett", "Year 11", "Crohn's disease flare-up; two hospital admissions this term."),
    ("Zara", "Kowalski", "Year 7", "Severe anxiety with panic attacks; CAMHS assessment booked."),
    ("Theo", "Morgan", "Year 5", "Epilepsy; medication being changed after frequent seizures."),
]

# How far each case has gone: the form keys completed, in order, and school days since the referral.
STAGES: list[tuple[list[str], int]] = [
    ([], 1),  # the return has just arrived
    ([], 6),  # the school's return is overdue
    (["medical.school_return"], 3),  # evidence being gathered
    (["medical.school_return", "medical.evidence"], 9),  # decision overdue: escalated at the first sweep
    (["medical.school_return", "medical.evidence", "medical.decision"], 4),  # education being arranged
    (
        ["medical.school_return", "medical.evidence", "medical.decision", "medical.arrange"],
        30,
    ),  # a review due at the first sweep
    (["medical.school_return", "medical.evidence", "medical.decision:not_eligible"], 12),  # closed
    (
        [
            "medical.school_return",
            "medical.evidence",
            "medical.decision",
            "medical.arrange",
            "medical.end_provision",
        ],
        35,
    ),  # reintegration meeting with the school
]


def _school_day(today: date, back: int) -> date:
    return school_days.add_school_days(today, -back)


def _data(key: str, referred: date, today: date, rng: random.Random) -> dict[str, Any]:
    first = school_days.add_school_days(referred, -rng.randint(8, 14))
    part_time = rng.random() < 0.3
    pattern, so_far = rng.choice(["consecutive", "cumulative"]), rng.randint(9, 16)
    pages: dict[str, dict[str, Any]] = {
        "medical.school_return": {
            "absence_pattern": pattern,
            "health_absence_days": so_far,
            "earlier_health_absence_days": so_far // 2 if pattern == "cumulative" else None,
            "first_health_absence": first.isoformat(),
            "expected_return_date": None,
            "will_miss_15_days": "yes",
            "health_needs": "See the sickness return: the consultant expects a long recovery.",
            "school_support": "Work sent home weekly; healthcare plan agreed with the school nurse.",
            "healthcare_plan": "yes",
        },
        "medical.evidence": {
            "medical_advice": ["gp", "hospital"],
            "other_evidence": ["appointment_letters", "prescriptions"],
            "specialist_evidence": "requested",
            "evidence_summary": "GP letter and clinic appointments confirm the child cannot attend school.",
            "child_views": "I want to keep up with my lessons and see my friends.",
        },
        "medical.decision": {
            "fifteen_day_test": "yes",
            "can_attend_school": "no",
            "medical_decision": "eligible",
            "decision_reasons": "Will miss well over 15 school days; cannot attend even part-time for now.",
            "school_continuing_support": "",
            "family_told": "yes",
            "family_not_told_reason": "",
            "safeguarding_concern": "no",
            "step_up_reasons": "",
        },
        "medical.arrange": {
            "provision_types": ["outreach", "online"],
            "provider_name": "Medical Needs outreach team",
            "provision_hours": 12 if part_time else 25,
            "provision_full_time": "part_time" if part_time else "full_time",
            "part_time_health_reason": "Treatment leaves the child too tired for afternoons."
            if part_time
            else "",
            "provision_start_date": (referred + timedelta(days=3)).isoformat(),
            "school_told": ["stays_on_roll", "code_k"],
            "exam_arrangements": "",
            "family_agreed": "yes",
        },
        "medical.end_provision": {
            "provision_end_reason": "ready_to_return",
            "planned_return_date": school_days.add_school_days(today, 6).isoformat(),
            "provision_end_details": "The consultant agrees a phased return after half term.",
        },
    }
    if key == "medical.decision:not_eligible":
        return {
            **pages["medical.decision"],
            "fifteen_day_test": "no",
            "can_attend_school": "yes",
            "medical_decision": "not_eligible",
            "decision_reasons": "Absence is expected to be 8 school days; the school can support a return.",
            "school_continuing_support": "Rest breaks, a lift pass and a reduced timetable for two weeks.",
        }
    return pages[key]


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open demo cases on the medical needs pathway at different stages; returns how many."""
    school, officer = people["school@example.org"], people["medical.needs@example.org"]
    opened = 0
    for (first, last, year, needs), (steps, back) in zip(CHILDREN, STAGES, strict=True):
        try:
            referred = _school_day(today, back)
        except NoTermDates:
            continue  # no term dates loaded around today: nothing sensible to show
        referral = Referral(
            first_name=first,
            last_name=last,
            date_of_birth=date(today.year - 5 - int(year.split()[1]), rng.randint(1, 12), rng.randint(1, 28)),
            school=rng.choice(["Riverside Primary School", "Hammond Academy", "St Mary's CE School"]),
            year_group=year,
            send_support=rng.random() < 0.3,
            has_ehcp=False,
            looked_after=False,
            has_social_worker=False,
            social_worker_name="",
            attendance_percent=Decimal(rng.choice(["61.5", "68.0", "72.4", "79.8"])),
            sessions_possible=rng.randint(80, 120),
            unauthorised_sessions=0,
            concern_reasons=f"15-day sickness return. {needs}",
            referrer_name=rng.choice(["Sam Taylor", "Helen Carter"]),
            referrer_role="Attendance officer",
            referrer_organisation="",
            referral_date=referred,
        )
        case = refer(referral, school, PROCESS)
        for step in steps:
            task = open_task(case, step.split(":")[0])
            if task is None:
                break
            who = school if task.lane == "Schools" else officer
            complete(task, _data(step, referred, today, rng), who)
        opened += 1
    return opened
