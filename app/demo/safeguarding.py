"""Demo safeguarding cases: strategy discussions, section 47 enquiries, conferences and care planning.

Each case is opened through refer_child on the child_protection_enquiry or care_planning pathway and
moved on through the same service a form submit uses, with the data the forms would record. Dates
held in the past start the statutory clocks, so one enquiry is overdue and one conference has passed
its 15 working days (the scheduler's first sweep asks the team manager why). Nothing is recorded as
held in the future.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.cases.services import Referral
from app.demo.clock import complete, refer
from app.demo.queries import open_task
from app.models import Case, User
from app.timescales.working_days import add_working_days

SOCIAL_WORKER = "social.worker@example.org"
MANAGER = "manager@example.org"
CHAIR = "cp.chair@example.org"
SOLICITOR = "solicitor@example.org"

# (first name, last name, year group, school, what CAS was told)
CHILDREN = [
    ("Ruby", "Hughes", "Year 4", "Riverside Primary School", "Bruising to the upper arm seen in PE."),
    ("Kai", "Osei", "Year 7", "Hammond Academy", "Disclosed being hit with a belt by his stepfather."),
    (
        "Evie",
        "Clarke",
        "Year 2",
        "St Mary's CE Primary",
        "Arrived hungry and unwashed; younger sibling unwell.",
    ),
    ("Yusuf", "Rahman", "Year 9", "Hammond Academy", "Police attended a domestic abuse incident at home."),
    ("Grace", "Lewis", "Year 5", "Riverside Primary School", "Repeated unexplained injuries over a month."),
    ("Finn", "Murphy", "Year 10", "Northgate School", "Missing overnight twice; seen with older adults."),
    ("Amira", "Hassan", "Year 1", "St Mary's CE Primary", "Serious injury to an infant sibling; at risk."),
    ("Oliver", "Wright", "Year 6", "Riverside Primary School", "Neglect despite a child protection plan."),
    (
        "Poppy",
        "Evans",
        "Year 3",
        "Northgate School",
        "Found alone at night; her father intoxicated and threatening.",
    ),
]


def _referral(child: tuple[str, str, str, str, str], referred: date, rng: random.Random) -> Referral:
    first, last, year, school, concern = child
    age = int(year.split()[1]) + 5
    return Referral(
        first_name=first,
        last_name=last,
        date_of_birth=date(referred.year - age, rng.randint(1, 12), rng.randint(1, 28)),
        school=school,
        year_group=year,
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=True,
        social_worker_name="Chris Okafor",
        attendance_percent=Decimal(str(rng.choice([71.5, 78.0, 84.2, 88.9, 91.0]))),
        sessions_possible=rng.randint(60, 140),
        unauthorised_sessions=rng.randint(2, 20),
        concern_reasons=concern,
        referrer_name="Chris Okafor",
        referrer_role="Social worker",
        referrer_organisation="CAS",
        referral_date=referred,
    )


def _do(case: Case, form_key: str, data: dict[str, Any], who: User) -> bool:
    task = open_task(case, form_key)
    if task is None:
        return False
    complete(task, data, who)
    return True


def _iso(day: date) -> str:
    return day.isoformat()


def _strategy(held: date) -> dict[str, Any]:
    return {
        "strategy_discussion_date": _iso(held),
        "strategy_agencies": ["social_care", "police", "health", "school"],
        "strategy_agency_absent_reason": "",
        "strategy_attendees": "Chris Okafor, social worker; DS Amy Ford, police; Kim Lee, school nurse; DSL",
        "strategy_information": "School saw the injury; police hold earlier callouts; health: no concerns.",
        "strategy_decision": "s47_enquiry",
        "strategy_decision_reasons": "Reasonable cause to suspect the child is suffering significant harm.",
        "strategy_actions": "Joint visit today; the child stays with a relative under a safety plan.",
        "further_strategy_date": None,
    }


def _s47(seen: date, step: str = "manager") -> dict[str, Any]:
    finished = step == "manager"
    return {
        "s47_child_seen": "yes",
        "s47_child_seen_on": _iso(seen),
        "s47_child_seen_alone": "yes",
        "s47_child_not_seen_reason": "",
        "s47_child_views": "I don't want to go home when he is there.",
        "s47_findings": "The child's account is consistent; injuries confirmed by the paediatrician.",
        "s47_next_step": step,
        "s47_concerns": "substantiated" if finished else None,
        "s47_completed_on": _iso(seen) if finished else None,
        "s47_further_reason": "",
    }


CONVENE = {
    "icpc_decision": "convene",
    "icpc_decision_reasons": "Concerns substantiated; the child is likely to suffer significant harm.",
    "icpc_family_told": "yes",
    "icpc_family_not_told_reason": "",
}


def _convene(planned: date) -> dict[str, Any]:
    return {
        "icpc_planned_date": _iso(planned),
        "icpc_chair": "Grace Whitfield",
        "icpc_invited": ["parents", "child", "social_care", "police", "health", "school"],
        "icpc_parents_not_invited_reason": "",
        "icpc_child_participation": "The child will meet the chair beforehand.",
    }


def _enquiries(cases: list[Case], people: dict[str, User], today: date) -> None:
    worker, manager, chair = people[SOCIAL_WORKER], people[MANAGER], people[CHAIR]
    _new, under_way, overdue, professionals, convened, late = cases
    # `_new`: the strategy discussion is still to hold.
    _do(under_way, "cpe.strategy_discussion", _strategy(today - timedelta(days=2)), worker)
    _do(overdue, "cpe.strategy_discussion", _strategy(add_working_days(today, -12)), worker)
    held = add_working_days(today, -6)
    _do(professionals, "cpe.strategy_discussion", _strategy(held), worker)
    _do(professionals, "cpe.s47_enquiry", _s47(add_working_days(held, 1), "professionals_meeting"), worker)
    for case, days_ago in ((convened, 11), (late, 17)):
        held = add_working_days(today, -days_ago)
        _do(case, "cpe.strategy_discussion", _strategy(held), worker)
        _do(case, "cpe.s47_enquiry", _s47(add_working_days(held, 7)), worker)
        _do(case, "cpe.icpc_decision", CONVENE, manager)
        planned = add_working_days(held, 14) if case is convened else today + timedelta(days=3)
        _do(case, "cpe.convene_icpc", _convene(planned), chair)


def _lpm(held: date, route: str) -> dict[str, Any]:
    return {
        "lpm_date": _iso(held),
        "lpm_attendees": "Morgan Ellis, team manager; Ben Harper, solicitor; Chris Okafor, social worker",
        "lpm_evidence": "Assessments and the child protection plan show no lasting change for the child.",
        "threshold_met": "yes",
        "legal_advice": "The threshold is met; the recommended route is proportionate.",
        "lpm_recommendation": route,
    }


def _decision(route: str) -> dict[str, Any]:
    return {
        "care_decision": route,
        "care_decision_reasons": "The route agreed at the legal planning meeting.",
        "s20_consent_given_by": "",
        "s20_consent_informed": None,
    }


def _care_planning(cases: list[Case], people: dict[str, User], today: date) -> None:
    manager, solicitor, worker = people[MANAGER], people[SOLICITOR], people[SOCIAL_WORKER]
    _immediate, pre_proceedings, emergency = cases
    # `_immediate`: the same-day legal planning meeting is due.
    letter = today - timedelta(days=30)
    _do(
        pre_proceedings,
        "cpl.legal_planning_meeting",
        _lpm(letter - timedelta(days=3), "pre_proceedings"),
        solicitor,
    )
    _do(pre_proceedings, "cpl.decision", _decision("pre_proceedings"), manager)
    _do(
        pre_proceedings,
        "cpl.letter_before_proceedings",
        {
            "letter_sent_on": _iso(letter),
            "letter_sent_to": "Both parents",
            "letter_concerns": "Neglect of the children's basic care; missed health appointments.",
            "ppm_planned_date": _iso(add_working_days(letter, 7)),
            "legal_help_explained": "yes",
        },
        solicitor,
    )
    _do(
        pre_proceedings,
        "cpl.pre_proceedings_meeting",
        {
            "ppm_held_on": _iso(add_working_days(letter, 7)),
            "ppm_attendees": "Parents and their solicitor; team manager; social worker; LA solicitor",
            "parents_represented": "yes",
            "parents_not_represented_note": "",
            "ppm_agreement": "School every day; health appointments kept; parenting course by the spring.",
            "ppm_assessments": "Parenting assessment; family group conference.",
        },
        worker,
    )
    started = today - timedelta(days=2)
    _do(emergency, "cpl.legal_planning_meeting", _lpm(started, "emergency_protection"), solicitor)
    _do(emergency, "cpl.decision", _decision("emergency_protection"), manager)
    _do(
        emergency,
        "cpl.emergency_protection",
        {
            "protection_outcome": "epo_made",
            "protection_decided_on": _iso(started),
            "protection_ends_on": _iso(started + timedelta(days=8)),
            "protection_notes": "Order made for 8 days; supervised contact.",
        },
        solicitor,
    )
    # the placement is to record and the Virtual School Head to tell; proceedings follow.


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open the demo safeguarding cases; returns how many were opened."""
    worker = people[SOCIAL_WORKER]
    enquiries = [
        refer(
            _referral(child, today - timedelta(days=days), rng), worker, "child_protection_enquiry"
        )
        for child, days in zip(CHILDREN[:6], (0, 3, 18, 9, 16, 25), strict=True)
    ]
    _enquiries(enquiries, people, today)
    reasons = ("immediate_protection", "looked_after", "immediate_protection")
    care = [
        refer(
            _referral(child, today - timedelta(days=days), rng),
            people[MANAGER],
            "care_planning",
            care_planning_reason=reason,
        )
        for child, days, reason in zip(CHILDREN[6:], (0, 35, 2), reasons, strict=True)
    ]
    _care_planning(care, people, today)
    return len(enquiries) + len(care)
