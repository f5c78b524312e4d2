"""Care planning: legal action and children becoming looked after, walked through the product's services.

The clock is controlled: the case comes to care planning on Tuesday 1 December 2026 at 10:00. For
immediate protection the legal planning meeting, the manager's decision and the application for
emergency protection are all due the same day (17:00); for a child becoming looked after the meeting is
due 5 working days later (the setting's default), Tuesday 8 December.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask

from app.extensions import db
from app.models import HumanTask, Meeting, User
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import TeamWalk, at
from tests.unit.referral_support import d, errors_for, submit

START = date(2026, 12, 1)  # Tuesday

LPM = "Hold the legal planning meeting"
DECIDE = "Decide the legal route"
EPO = "Apply for emergency protection"
PLACE = "Record the placement and tell the Virtual School Head"
ISSUE = "Issue care proceedings"
LETTER = "Send the letter before proceedings"
PPM = "Hold the pre-proceedings meeting"
REVIEW = "Review pre-proceedings"
CAS, LEGAL = "CAS", "Legal Services"
LANES = {LPM: LEGAL, DECIDE: CAS, EPO: LEGAL, PLACE: CAS, ISSUE: LEGAL, LETTER: LEGAL, PPM: CAS, REVIEW: CAS}
MANAGER_TASKS = {DECIDE, REVIEW}
WHO = {CAS: "social_worker", LEGAL: "solicitor"}

TEXT = "Recorded in full; see the case notes."
PAGES: dict[str, dict[str, Any]] = {
    "cpl.legal_planning_meeting": {
        "lpm_date": d(START),
        "lpm_attendees": "Morgan Ellis, team manager; Ben Harper, solicitor; Chris Okafor, social worker",
        "lpm_evidence": "Serious non-accidental injury; father's account does not explain it.",
        "threshold_met": "yes",
        "legal_advice": "Threshold met; immediate removal is proportionate.",
        "lpm_recommendation": "emergency_protection",
    },
    "cpl.decision": {
        "care_decision": "emergency_protection",
        "care_decision_reasons": "The child cannot be kept safe at home tonight.",
        "s20_consent_given_by": "",
        "s20_consent_informed": "",
    },
    "cpl.emergency_protection": {
        "protection_outcome": "epo_made",
        "protection_decided_on": d(START),
        "protection_ends_on": d(date(2026, 12, 8)),
        "protection_notes": "Order made for 7 days; contact supervised.",
    },
    "cpl.placement": {
        "placement_start_date": d(START),
        "placement_type": "connected_person",
        "placement_details": "With her aunt, assessed as a connected person.",
        "legal_status": "emergency_protection",
        "same_school": "yes",
        "school_change_reason": "",
        "vsh_told": "yes",
        "vsh_told_on": d(date(2026, 12, 2)),
        "vsh_not_told_reason": "",
    },
    "cpl.issue_proceedings": {
        "proceedings_issued_on": d(date(2026, 12, 4)),
        "court_name": "Family Court at Riverside",
        "court_case_number": "RV26C00123",
        "interim_order": "care_away_from_home",
        "final_hearing_target": d(date(2027, 5, 28)),
        "final_hearing_extension_reason": "",
    },
    "cpl.letter_before_proceedings": {
        "letter_sent_on": d(date(2026, 12, 3)),
        "letter_sent_to": "Sam and Alex Begum",
        "letter_concerns": "Neglect of the children's basic care; missed health appointments.",
        "ppm_planned_date": d(date(2026, 12, 10)),
        "legal_help_explained": "yes",
    },
    "cpl.pre_proceedings_meeting": {
        "ppm_held_on": d(date(2026, 12, 10)),
        "ppm_attendees": "Parents and their solicitor; team manager; social worker; LA solicitor",
        "parents_represented": "yes",
        "parents_not_represented_note": "",
        "ppm_agreement": "Daily school run; health appointments kept; parenting course by March.",
        "ppm_assessments": "Parenting assessment; family group conference.",
    },
    "cpl.plo_review": {
        "plo_review_date": d(date(2027, 3, 30)),
        "plo_progress": TEXT,
        "plo_outcome": "issue_proceedings",
        "plo_review_reasons": "Not enough change for the children.",
    },
}


class CarePlanning(TeamWalk):
    form_prefix, pages, lanes, workers, manager_tasks = "cpl.", PAGES, LANES, WHO, MANAGER_TASKS

    def __init__(self, app: Flask, people: dict[str, User], clock: Any, reason: str) -> None:
        super().__init__(app, people, clock)
        self.case = factories.bare_case(people["social_worker"], first_name="Isla")
        start = {
            "case_reference": self.case.reference,
            "child_name": "Isla Smith",
            "care_planning_reason": reason,
            "outcome_reasons": "Serious injury.",
        }
        self.instance = instances.start_process(self.case, "care_planning", start, people["manager"])
        db.session.commit()

    def decide(self, route: str, on: date = START, **changes: Any) -> None:
        self.do(LPM, on, lpm_date=d(on), lpm_recommendation=route)
        self.do(DECIDE, on, care_decision=route, **changes)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(START), tick=False) as traveller:
        yield traveller


@pytest.fixture
def immediate(ctx: Flask, people: dict[str, User], clock: Any) -> CarePlanning:
    return CarePlanning(ctx, people, clock, "immediate_protection")


@pytest.fixture
def looked_after(ctx: Flask, people: dict[str, User], clock: Any) -> CarePlanning:
    return CarePlanning(ctx, people, clock, "looked_after")


SAME_DAY = end_of_working_day(START)


def test_immediate_protection_emergency_order_placement_then_proceedings(immediate: CarePlanning) -> None:
    assert immediate.due(LPM) == SAME_DAY  # immediate protection: the same day
    immediate.do(LPM, START)
    assert immediate.due(DECIDE) == SAME_DAY
    immediate.do(DECIDE, START)
    assert immediate.due(EPO) == SAME_DAY
    immediate.do(EPO, START)
    # the placement plan within 5 working days: Tuesday 8 December
    assert immediate.due(PLACE) == end_of_working_day(date(2026, 12, 8))
    immediate.do(PLACE, date(2026, 12, 2))
    assert immediate.due(ISSUE) == end_of_working_day(date(2026, 12, 8))  # before the order ends
    immediate.do(ISSUE, date(2026, 12, 4))  # the child is already placed: no second placement task
    assert immediate.ended_at() == "Care proceedings issued"
    kinds = db.session.scalars(db.select(Meeting.kind).where(Meeting.case_id == immediate.case.id)).all()
    assert kinds == ["legal_planning_meeting"]


def test_a_refused_emergency_application_goes_back_to_legal_planning(immediate: CarePlanning) -> None:
    immediate.decide("emergency_protection")
    immediate.do(EPO, START, protection_outcome="refused", protection_ends_on=["", "", ""])
    assert immediate.open() == {LPM}
    assert immediate.due(LPM) == SAME_DAY
    immediate.decide("no_order")
    assert immediate.ended_at() == "No order needed"


def test_a_child_accommodated_under_section_20_is_handed_to_the_children_in_care_service(
    looked_after: CarePlanning,
) -> None:
    assert looked_after.due(LPM) == end_of_working_day(date(2026, 12, 8))  # 5 working days (setting)
    looked_after.do(LPM, date(2026, 12, 3), lpm_date=d(date(2026, 12, 3)), lpm_recommendation="section_20")
    assert looked_after.due(DECIDE) == end_of_working_day(date(2026, 12, 4))  # the next working day
    consent = {"s20_consent_given_by": "Sam Begum, mother", "s20_consent_informed": "yes"}
    looked_after.do(DECIDE, date(2026, 12, 3), care_decision="section_20", **consent)
    assert looked_after.due(PLACE) == end_of_working_day(date(2026, 12, 10))
    looked_after.do(
        PLACE, date(2026, 12, 4), placement_start_date=d(date(2026, 12, 4)), legal_status="section_20"
    )
    assert looked_after.ended_at() == "Child looked after: handed to the children in care service"
    assert looked_after.handed_to() == []


@pytest.mark.parametrize(("order", "placed"), [("care_away_from_home", True), ("care_at_home", False)])
def test_issuing_proceedings_records_a_new_placement_only_if_the_child_leaves_home(
    looked_after: CarePlanning, order: str, placed: bool
) -> None:
    looked_after.decide("issue_proceedings", on=date(2026, 12, 2))
    # issue within 5 working days of the decision (setting): Wednesday 9 December
    assert looked_after.due(ISSUE) == end_of_working_day(date(2026, 12, 9))
    looked_after.do(ISSUE, date(2026, 12, 4), interim_order=order)
    if placed:
        assert looked_after.open() == {PLACE}
        looked_after.do(PLACE, date(2026, 12, 7), placement_start_date=d(date(2026, 12, 4)),
                        legal_status="interim_care_order")  # fmt: skip
    assert looked_after.ended_at() == "Care proceedings issued"


def to_review(walk: CarePlanning) -> None:
    walk.decide("pre_proceedings", on=date(2026, 12, 2))
    assert walk.due(LETTER) == end_of_working_day(date(2026, 12, 9))  # 5 working days (setting)
    walk.do(LETTER, date(2026, 12, 3))
    # the meeting 7 working days after the letter of Thursday 3 December: 4 7 8 9 10 11 14 -> Monday 14th
    assert walk.due(PPM) == end_of_working_day(date(2026, 12, 14))
    walk.do(PPM, date(2026, 12, 10))
    # the review 16 weeks (112 days) after the meeting of 10 December: Thursday 1 April 2027, 17:00 BST
    assert walk.due(REVIEW) == end_of_working_day(date(2027, 4, 1)) == datetime(2027, 4, 1, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("outcome", "end"),
    [
        ("issue_proceedings", "Care proceedings issued"),
        ("de_escalate_cp", "De-escalated: child protection plan continues"),
        ("de_escalate_cin", "De-escalated to a child in need plan"),
    ],
)
def test_pre_proceedings_end_in_proceedings_or_de_escalation(
    looked_after: CarePlanning, outcome: str, end: str
) -> None:
    to_review(looked_after)
    looked_after.do(REVIEW, date(2027, 3, 30), plo_outcome=outcome)
    if outcome == "issue_proceedings":
        looked_after.do(ISSUE, date(2027, 3, 31), proceedings_issued_on=d(date(2027, 3, 31)),
                        final_hearing_target=d(date(2027, 9, 24)), interim_order="supervision")  # fmt: skip
    assert looked_after.ended_at() == end
    handed = looked_after.handed_to()
    if outcome != "de_escalate_cin":
        assert handed == []
        return
    [plan] = handed
    assert (plan.process_version.process_id, plan.start_message) == (
        "child_in_need_plan",
        "child_in_need_plan_agreed",
    )
    # the child in need plan starts on the review date, Tuesday 30 March: planning 10 working days later
    [planning] = [t for t in factories.open_tasks(looked_after.case) if t.instance_id == plan.id and
                  t.name == "Hold the child in need planning meeting"]  # fmt: skip
    assert planning.due_at == end_of_working_day(date(2027, 4, 13))  # Mar 31 (1) Apr 1 2 5 ... 13 (10)
    kinds = db.session.scalars(db.select(Meeting.kind).where(Meeting.case_id == looked_after.case.id)).all()
    assert sorted(kinds) == ["legal_planning_meeting", "pre_proceedings_meeting"]


# -- the forms ---------------------------------------------------------------------------------------------
def page(form_key: str, **changes: Any) -> dict[str, Any]:
    return {**PAGES[form_key], **changes}


def test_section_20_needs_informed_consent_from_a_named_parent(ctx: Flask, clock: Any) -> None:
    post = page("cpl.decision", care_decision="section_20")
    assert errors_for(ctx, "cpl.decision", post) == {
        "s20_consent_given_by": ["Enter who gave consent to the child being accommodated"],
        "s20_consent_informed": ["Select whether the consent was informed"],
    }
    post.update(s20_consent_given_by="Sam Begum, mother", s20_consent_informed="no")
    assert errors_for(ctx, "cpl.decision", post) == {
        "s20_consent_informed": ["Section 20 needs informed consent: choose another route"]
    }


def test_emergency_protection_cannot_run_past_its_legal_limit(ctx: Flask, clock: Any) -> None:
    post = page("cpl.emergency_protection", protection_ends_on=d(date(2026, 12, 10)))
    assert errors_for(ctx, "cpl.emergency_protection", post) == {
        "protection_ends_on": ["An emergency protection order lasts at most 8 days"]
    }
    post.update(protection_outcome="police_protection", protection_ends_on=d(date(2026, 12, 5)))
    assert errors_for(ctx, "cpl.emergency_protection", post) == {
        "protection_ends_on": ["Police protection lasts at most 3 days"]
    }


def test_a_final_hearing_beyond_26_weeks_needs_a_reason(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(date(2026, 12, 4)))
    # 26 weeks after Friday 4 December 2026 is Friday 4 June 2027
    assert submit(
        ctx, "cpl.issue_proceedings", page("cpl.issue_proceedings", final_hearing_target=d(date(2027, 6, 4)))
    )
    post = page("cpl.issue_proceedings", final_hearing_target=d(date(2027, 6, 7)))
    assert errors_for(ctx, "cpl.issue_proceedings", post) == {
        "final_hearing_extension_reason": ["Enter why the final hearing is more than 26 weeks after issue"]
    }


def test_emergency_protection_ends_on_or_after_it_began_and_is_asked_for_only_when_made(
    ctx: Flask, clock: Any
) -> None:
    post = page("cpl.emergency_protection", protection_ends_on=d(date(2026, 11, 30)))
    assert errors_for(ctx, "cpl.emergency_protection", post) == {
        "protection_ends_on": ["The date the protection ends must be on or after the date it began"]
    }
    post = page("cpl.emergency_protection", protection_ends_on=["", "", ""])
    assert errors_for(ctx, "cpl.emergency_protection", post) == {
        "protection_ends_on": ["Enter the date the protection ends"]
    }
    # 8 days after Tuesday 1 December is Wednesday 9 December: the longest an order may run
    assert submit(ctx, "cpl.emergency_protection", page("cpl.emergency_protection",
                  protection_ends_on=d(date(2026, 12, 9))))  # fmt: skip
    refused = page("cpl.emergency_protection", protection_outcome="refused", protection_ends_on=["", "", ""])
    assert submit(ctx, "cpl.emergency_protection", refused)["protection_ends_on"] is None


def test_the_final_hearing_is_after_the_application_was_issued(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(date(2026, 12, 4)))
    post = page("cpl.issue_proceedings", final_hearing_target=d(date(2026, 12, 4)))
    assert errors_for(ctx, "cpl.issue_proceedings", post) == {
        "final_hearing_target": ["The final hearing must be after the application was issued"]
    }


def test_the_letter_comes_before_the_meeting_and_after_the_parents_know_about_legal_advice(
    ctx: Flask, clock: Any
) -> None:
    clock.move_to(at(date(2026, 12, 3)))
    post = page("cpl.letter_before_proceedings", ppm_planned_date=d(date(2026, 12, 3)))
    assert errors_for(ctx, "cpl.letter_before_proceedings", post) == {
        "ppm_planned_date": ["The pre-proceedings meeting must be after the letter is sent"]
    }
    post = page("cpl.letter_before_proceedings", legal_help_explained="no")
    assert errors_for(ctx, "cpl.letter_before_proceedings", post) == {
        "legal_help_explained": ["Tell the parents they can get free legal advice before you send the letter"]
    }


def test_the_route_and_the_protection_are_checked_when_they_are_submitted(immediate: CarePlanning) -> None:
    immediate.do(LPM, START)
    section_20 = {"care_decision": "section_20", "s20_consent_given_by": "Sam Begum, mother"}
    assert immediate.errors(DECIDE, START, **section_20, s20_consent_informed="no") == {
        "s20_consent_informed": ["Section 20 needs informed consent: choose another route"]
    }
    immediate.do(DECIDE, START)  # emergency protection: no consent asked for
    assert immediate.errors(EPO, START, protection_ends_on=d(date(2026, 12, 10))) == {
        "protection_ends_on": ["An emergency protection order lasts at most 8 days"]
    }
    immediate.do(EPO, START)
    assert immediate.open() == {PLACE}


# -- demo data ------------------------------------------------------------------------------------------
def test_the_safeguarding_demo_opens_cases_at_every_stage_in_the_right_queues(ctx: Flask) -> None:
    import random

    from app import scheduling
    from app.demo import safeguarding as demo_safeguarding
    from app.models import Team

    people = {u.email: u for u in db.session.scalars(db.select(User))}
    today = date(2026, 11, 23)
    with time_machine.travel(at(today), tick=False):
        assert demo_safeguarding.seed(people, today, random.Random(7)) == 9
        db.session.commit()
        scheduling.sweep(ctx)  # the conference past its 15 working days asks the manager why
        db.session.expire_all()
        open_tasks = db.session.scalars(db.select(HumanTask).where(HumanTask.state == "open")).all()
    queues = sorted((t.name, db.session.get(Team, t.team_id).name) for t in open_tasks)
    assert queues == sorted(
        [
            ("Hold the strategy discussion", CAS),
            ("Carry out the section 47 enquiry", CAS),
            ("Carry out the section 47 enquiry", CAS),
            ("Hold a professionals' meeting", CAS),
            ("Hold the initial child protection conference", "Child Protection Chairs"),
            ("Hold the initial child protection conference", "Child Protection Chairs"),
            ("Record why the conference is late", CAS),
            (LPM, LEGAL),
            (REVIEW, CAS),
            (PLACE, CAS),
        ]
    )
    overdue = {t.name for t in open_tasks if t.due_at is not None and t.due_at < at(today)}
    assert overdue == {"Carry out the section 47 enquiry", "Hold the initial child protection conference"}
