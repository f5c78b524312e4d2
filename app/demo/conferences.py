"""Demo child protection conferences over the past months, on time and late.

Each child's strategy discussion starts a section 47 enquiry (processes/child_protection_enquiry.bpmn);
the initial conference follows within the 15 working days Working together sets, or after them
(the diagram's timer asks the manager why it is late). A conference that makes a plan hands the
case to processes/child_protection_plan.bpmn, whose core groups and review conferences are held
on the dates agreed or later, up to today: the meeting history a manager measures.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta

from app.cases.services import Referral
from app.demo.assessments import working_day_back
from app.demo.clock import catch_up, complete, moment, refer
from app.demo.queries import open_task
from app.demo.safeguarding import CONVENE, _convene, _s47, _strategy
from app.models import Case, User
from app.timescales.working_days import add_working_days

WORKER, MANAGER, CHAIR = "social.worker@example.org", "manager@example.org", "cp.chair@example.org"

# (first, last, year, school, concern, weeks since the strategy discussion, working days from it
# to the conference, working days from the conference to the first core group, days late each
# later core group is, days the first review conference is held after its due date)
CHILDREN: list[tuple[str, str, str, str, str, int, int, int | None, int, int | None]] = [
    ("Lola", "Bennett", "Year 3", "Parkview Primary School", "Bruises to both arms.", 26, 12, 8, 0, 0),
    ("Mason", "Adeyemi", "Year 8", "Northgate High School", "Violence at home.", 24, 19, 14, 6, 12),
    ("Hannah", "Kaur", "Year 5", "Riverside Primary School", "Left alone for days.", 19, 14, 9, 0, None),
    ("Reece", "Doyle", "Year 10", "Hammond Academy", "Exploited by older men.", 15, 10, 6, 3, None),
    ("Ivy", "Sutton", "Year 1", "St Mary's CE Primary", "Head injury as a baby.", 11, 22, 12, 0, None),
    ("Arlo", "Quinn", "Year 6", "Parkview Primary School", "Sexual harm disclosed.", 6, 13, None, 0, None),
    ("Nia", "Forde", "Year 2", "Riverside Primary School", "Neglect: no food at home.", 3, 18, None, 0, None),
]


def _referral(child: tuple[Any, ...], referred: date, rng: random.Random) -> Referral:
    first, last, year, school, concern = child[:5]
    return Referral(
        first_name=first,
        last_name=last,
        date_of_birth=date(referred.year - int(year.split()[1]) - 5, rng.randint(1, 12), rng.randint(1, 28)),
        school=school,
        year_group=year,
        send_support=False,
        has_ehcp=False,
        looked_after=False,
        has_social_worker=True,
        social_worker_name="Chris Okafor",
        attendance_percent=Decimal(str(rng.choice([68.5, 74.0, 81.2, 87.9]))),
        sessions_possible=rng.randint(60, 140),
        unauthorised_sessions=rng.randint(2, 20),
        concern_reasons=concern,
        referrer_name="Chris Okafor",
        referrer_role="Social worker",
        referrer_organisation="CAS",
        referral_date=referred,
    )


def _do(case: Case, form_key: str, data: dict[str, Any], who: User, on: date | None = None) -> bool:
    if on is not None:  # a task a timer brings is there by then
        catch_up(moment(on, 14), case)
    task = open_task(case, form_key)
    if task is None:
        return False
    complete(task, data, who, on=moment(on, 14) if on else None)
    return True


def _icpc(held: date) -> dict[str, Any]:
    return {
        "icpc_date": held.isoformat(),
        "icpc_attendees": "Parents; social worker; police; school DSL; health visitor; independent chair",
        "icpc_parents_attended": "yes",
        "reports_shared_on": (held - timedelta(days=3)).isoformat(),
        "reports_late_reason": "",
        "icpc_child_views": "Shared through the social worker: wants to feel safe at home.",
        "icpc_decisions": "The child is likely to suffer significant harm: a child protection plan.",
        "icpc_outcome": "child_protection_plan",
        "abuse_category": "neglect",
        "lead_social_worker": "Chris Okafor",
        "icpc_outline_plan": "Weekly visits; school reports absence the same day; parenting support.",
    }


def _core_group(held: date) -> dict[str, Any]:
    return {
        "core_group_held_on": held.isoformat(),
        "core_group_attendees": "Parent; school safeguarding lead; health visitor; social worker",
        "core_group_decisions": "Plan reviewed: visits kept; attendance up; health appointments kept.",
        "next_core_group_date": (held + timedelta(days=28)).isoformat(),
    }


def _enquiry_to_conference(case: Case, people: dict[str, User], held: date, days: int, today: date) -> None:
    """Strategy discussion, section 47 enquiry, decision to convene, and the conference `days`
    working days after the strategy discussion (if that has come)."""
    worker, manager, chair = people[WORKER], people[MANAGER], people[CHAIR]
    _do(case, "cpe.strategy_discussion", _strategy(held), worker)
    s47 = add_working_days(held, min(5, days - 3))
    _do(case, "cpe.s47_enquiry", _s47(s47), worker)
    _do(case, "cpe.icpc_decision", CONVENE, manager, on=s47)
    conference = add_working_days(held, days)
    convened = add_working_days(s47, 1)
    _do(case, "cpe.convene_icpc", _convene(conference), chair, on=convened)
    catch_up(moment(min(conference, today), 9), case)
    if task := open_task(case, "cpe.icpc_delay"):  # the 15 working days passed first
        asked = task.created_at.date()
        data = {
            "icpc_delay_reason": "The police could not attend the first date; the chair moved it.",
            "icpc_expected_date": max(conference, asked + timedelta(days=1)).isoformat(),
            "icpc_delay_safety": "Safety plan in place: the child stays with the grandmother.",
        }
        complete(task, data, manager, on=task.created_at + timedelta(hours=18))
    if conference < today:
        _do(case, "cpe.icpc", _icpc(conference), chair, on=conference)


def _plan_meetings(
    case: Case, people: dict[str, User], icpc: date, child: tuple[Any, ...], today: date
) -> None:
    """The plan's core groups (each on its date or some days late) and its first review."""
    first_core, late_by, review_late = child[7], child[8], child[9]
    worker = people[WORKER]
    if first_core is None:
        return
    review = None if review_late is None else icpc + relativedelta(months=3) + timedelta(days=review_late)
    held = add_working_days(icpc, first_core)
    while held < today:
        if review is not None and review <= held:
            _review(case, worker, review)
            review = None
        if not _do(case, "cp.core_group", _core_group(held), worker, on=held):
            break
        held = working_day_back(held + timedelta(days=28 + late_by))
    if review is not None and review < today:
        _review(case, worker, review)


def _review(case: Case, worker: User, held: date) -> None:
    data = {
        "conference_held_on": held.isoformat(),
        "conference_attendees": "Parents; social worker; school; health visitor; independent chair",
        "conference_child_views": "Things are calmer at home; likes the breakfast club.",
        "conference_decisions": "Progress, but not yet sustained: the plan continues.",
        "conference_outcome": "continue",
        "next_conference_date": (held + relativedelta(months=6) - timedelta(days=3)).isoformat(),
    }
    _do(case, "cp.review_conference", data, worker, on=held)


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open the demo's conference cases; returns how many were opened."""
    for child in CHILDREN:
        held = working_day_back(today - timedelta(weeks=child[5]))
        case = refer(_referral(child, held, rng), people[WORKER], "child_protection_enquiry")
        _enquiry_to_conference(case, people, held, child[6], today)
        icpc = add_working_days(held, child[6])
        if icpc < today:
            _plan_meetings(case, people, icpc, child, today)
    return len(CHILDREN)
