"""Demo cases on legal planning for attendance, at different stages, some overdue.

Each case is referred straight onto the pathway and moved on through the same pipeline a page
submit uses (app/tasks/services.complete_task), with the answers a person would give: the forms
and the pathway's named rules check them, its calculations work out a notice's terms and the
child's school, and its effects write the penalty-notice ledger (app/pathways/legal).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.cases.services import Referral
from app.demo.clock import at, complete, moment, refer
from app.demo.queries import open_task
from app.demo.referrals import FIRST, LAST, SCHOOLS
from app.models import Case, HumanTask, User
from app.timescales.school_days import calendar_for
from app.timescales.term_dates import load_default_terms_if_empty
from app.workflow.instances import start_process

PROCESS = "attendance_legal_planning"
SECOND_NOTICE_CASE = 6
ACE, MANAGER, SCHOOL, SOLICITOR = (
    "attendance.officer@example.org",
    "manager@example.org",
    "school@example.org",
    "solicitor@example.org",
)
NOTE = "Discussed with the family; the detail is in the case notes."
Step = tuple[str, dict[str, Any]]


def _iso(day: date) -> str:
    return day.isoformat()


def _support(parent: str) -> Step:
    return (
        "legal.check_support",
        {
            "support_position": "not_worked",
            "support_evidence": "School support plan since September and an Early Help offer; attendance "
            "has kept falling.",
            "not_appropriate_reason": "",
            "liable_parents": f"{parent}, parent",
        },
    )


def _meeting(held: date, route: str) -> Step:
    return (
        "legal.planning_meeting",
        {
            "lpm_held_on": _iso(held),
            "lpm_attendees": "Parent; attendance officer; head of year",
            "lpm_parent_views": "Mornings are a struggle; the parent wants help with the journey to school.",
            "lpm_agreed": NOTE,
            "lpm_recommended_route": route,
        },
    )


def _route(route: str) -> Step:
    return ("legal.decide_route", {"legal_route": route, "route_reasons": NOTE})


def _issue(parent: str, posted: date) -> Step:
    # The window is the 8 weeks before posting, but no earlier than the first term whose dates are
    # loaded: the form counts its school weeks and refuses a window it cannot count.
    first_term_day = calendar_for(None).first or posted
    return (
        "legal.issue_penalty_notice",
        {
            "pn_decision": "issue",
            "pn_parent_name": parent,
            "pn_unauthorised_sessions": 12,
            "pn_window_start": _iso(max(posted - timedelta(days=56), first_term_day)),
            "pn_window_end": _iso(posted - timedelta(days=3)),
            "pn_below_threshold_reason": "",
            "pn_issued_on": _iso(posted),
            "pn_another_route_reason": "",
        },
    )


def _stages(today: date) -> list[tuple[str, list[Step]]]:
    """(liable parent, steps) for each demo case, dated back from today."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    start = [_support("Parent")]
    # Paid 12 days ago, within 21 days of service: the 28 days to pay have not run out, so the
    # payment task is still open when the demo records it (an older notice would already have
    # gone to the manager as unpaid).
    pn_paid = [
        *start,
        _meeting(ago(30), "penalty_notice"),
        _route("penalty_notice"),
        _issue("Parent", ago(24)),
        ("legal.pn_payment", {"pn_paid_on": _iso(ago(12)), "pn_paid_amount": 80}),
    ]
    return [
        ("Parent", []),  # waiting for ACE's check that support came first
        ("Parent", [*start, _meeting(ago(3), "notice_to_improve")]),  # the manager's route decision
        (
            "Parent",
            [
                *start,
                _meeting(ago(50), "contract"),
                _route("contract"),
                (
                    "legal.attendance_contract",
                    {
                        "contract_agreed": "yes",
                        "contract_agreed_on": _iso(ago(47)),
                        "contract_parent_commitments": "Walk the child to school and use the breakfast club.",
                        "contract_support_commitments": "Breakfast club place and a weekly mentor session.",
                        "contract_next_review_on": _iso(ago(5)),  # review overdue
                        "contract_refused_reason": "",
                    },
                ),
            ],
        ),
        (
            "Parent",
            [
                *start,
                _meeting(ago(24), "notice_to_improve"),
                _route("notice_to_improve"),
                (
                    "legal.notice_to_improve",
                    {
                        "nti_issued_on": _iso(ago(21)),
                        "nti_content": [
                            "record",
                            "duty",
                            "support",
                            "warning",
                            "period",
                            "improvement",
                            "early",
                        ],
                        "nti_sufficient_improvement": "No unauthorised absence in the improvement period.",
                    },
                ),
            ],
        ),
        (
            "Parent",
            [
                *start,
                _meeting(ago(25), "penalty_notice"),
                _route("penalty_notice"),
                _issue("Parent", ago(20)),
            ],
        ),
        (
            "Parent",
            [
                *start,
                _meeting(ago(45), "penalty_notice"),
                _route("penalty_notice"),
                _issue("Parent", ago(40)),
            ],
        ),
        ("Parent", pn_paid),  # a first notice paid at £80; a second is started below
        (
            "Parent",
            [
                *start,
                _meeting(ago(40), "prosecution"),
                _route("prosecution"),
                (
                    "legal.prepare_prosecution",
                    {
                        "prosecution_offence": "s444_1",
                        "prosecution_defendants": "Parent",
                        "last_offence_date": _iso(ago(170)),  # the 6-month limit is days away
                        "eso_considered": "An ESO was considered: the parent has not followed plans before.",
                        "warning_letters_sent_on": _iso(ago(60)),
                        "interview_under_caution_on": None,
                        "prosecution_witness_statement": "yes",
                    },
                ),
                (
                    "legal.school_evidence",
                    {
                        "school_evidence": ["printout", "certificate", "chronology"],
                        "certificate_signed_by": "Head teacher",
                        "school_chronology": NOTE,
                    },
                ),
            ],
        ),
        (
            "Parent",
            [
                *start,
                _meeting(ago(30), "eso"),
                _route("eso"),
                (
                    "legal.eso_application",
                    {
                        "csc_consulted_on": _iso(ago(25)),
                        "csc_consulted_with": "CAS duty team manager",
                        "csc_advice": "No safeguarding concerns; an order would help the family.",
                        "eso_child_looked_after": "no",
                        "eso_decision": "apply",
                        "eso_applied_on": _iso(ago(20)),
                        "eso_hearing_on": _iso(ago(6)),  # the court's decision is overdue
                        "eso_not_applying_reason": "",
                    },
                ),
            ],
        ),
    ]


def _walk(case: Case, steps: list[Step], who: Callable[[HumanTask], User]) -> None:
    for form_key, data in steps:
        task = open_task(case, form_key)
        if task is None:
            return
        complete(task, data, who(task))


def seed(people: dict[str, User], today: date, rng: random.Random) -> int:
    """Open the demo legal planning cases; returns how many were opened."""
    load_default_terms_if_empty()
    ace, manager, school, solicitor = people[ACE], people[MANAGER], people[SCHOOL], people[SOLICITOR]

    def who(task: HumanTask) -> User:
        if task.required_role == "manager":
            return manager
        return {"Schools": school, "Legal Services": solicitor}.get(task.lane, ace)

    opened = 0
    for index, (_, steps) in enumerate(_stages(today)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        mother = f"{rng.choice(['Sarah', 'Amina', 'Kelly', 'Joanna', 'Fatima', 'Claire'])} {last}"
        steps = [(k, {**d, **{f: mother for f in ("pn_parent_name",) if f in d}}) for k, d in steps]
        referral = Referral(
            first_name=first,
            last_name=last,
            date_of_birth=date(today.year - 11 - index % 4, 1 + index, 10 + index),
            school=rng.choice(SCHOOLS),
            year_group=f"Year {6 + index % 4}",
            send_support=False,
            has_ehcp=False,
            looked_after=False,
            has_social_worker=False,
            social_worker_name="",
            attendance_percent=Decimal(rng.choice(["71.5", "76.0", "79.4", "82.3", "84.8"])),
            sessions_possible=140,
            unauthorised_sessions=rng.randint(14, 30),
            concern_reasons="Unauthorised absence continued despite support; referred for legal planning.",
            referrer_name="Jo Brennan",
            referrer_role="Attendance officer",
            referrer_organisation="ACE",
            referral_date=today - timedelta(days=90 if steps else 1),
        )
        case = refer(referral, ace, PROCESS)
        _walk(case, steps, who)
        if index == SECOND_NOTICE_CASE:  # a second notice to the same parent, on the same case
            with at(moment(today - timedelta(days=17))):
                start_process(
                    case, PROCESS, {"case_reference": case.reference, "child_name": case.child.full_name}, ace
                )
            again = [
                _support(mother),
                _meeting(today - timedelta(days=16), "penalty_notice"),
                _route("penalty_notice"),
            ]
            _walk(case, [*again, _issue(mother, today - timedelta(days=14))], who)
        opened += 1
    return opened
