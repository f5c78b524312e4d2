"""School attendance order (processes/school_attendance_order.bpmn), through the product's services.

The order is started on Monday 15 February 2027 (directly, as CME's hand-off would). Hand-worked dates,
all 17:00 London (GMT until 28 March 2027, so 17:00 UTC; BST after, so 16:00 UTC):

- informal contact: 5 working days (setting) after the start, Monday 22 February;
- the letter sent on Wednesday 17 February gives 7 working days (setting): Friday 26 February;
- each formal step: 5 working days (setting) after the last one;
- the s437(1) notice served on Wednesday 3 March giving 15 days: the day of service is day 1, so
  the period is 3-17 March inclusive and the decision is due the day after, Thursday 18 March;
- the notice of intention served on Monday 22 March: the parent's 15 days are 22 March-5 April
  inclusive [verify: s438], so the choice is due Tuesday 6 April (BST: 16:00 UTC);
- the compliance check: 10 working days (setting) after the order is served.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask

from app.extensions import db
from app.models import HumanTask, User
from app.pathways.sao.periods import period_end
from app.tasks import services as tasks
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d

PROCESS = "school_attendance_order"
STARTED = date(2027, 2, 15)  # Monday
SERVED = date(2027, 3, 3)  # Wednesday
ACE, LEGAL = "ACE", "Legal Services"

CONTACT = "Make informal enquiries with the family"
RESPONSE = "Record the family's response to the letter"
NOTICE = "Serve the notice to satisfy (section 437(1))"
DECIDE = "Decide whether the parent has satisfied the local authority"
LATE = "Record why the notice decision is late"
EXPEDIENT = "Decide whether the child should attend school"
INTENTION = "Serve the notice of intention naming a school"
CHOICE = "Record the parent's choice of school"
ORDER = "Serve the school attendance order"
COMPLIANCE = "Check the child is registered and attending"
REVOCATION = "Decide the parent's request to revoke the order"
REFER = "Refer to Legal Services for prosecution (section 443)"
LEGAL_REVIEW = "Decide whether to prosecute and lay the information"
COURT = "Record the court outcome"

NO_DATE = ["", "", ""]
PAGES: dict[str, dict[str, Any]] = {
    "sao.informal_contact": {
        "contact_made": "yes",
        "contact_made_on": d(date(2027, 2, 16)),
        "home_visit_made": "yes",
        "home_visit_on": d(date(2027, 2, 17)),
        "letter_sent_on": d(date(2027, 2, 17)),
        "informal_contact_notes": "Mother says Ella is 'doing some work online'; no detail given.",
    },
    "sao.informal_response": {
        "informal_outcome": "not_resolved",
        "informal_school": "",
        "informal_evidence": "No reply to the letter; no evidence of education sent.",
    },
    "sao.notice_to_satisfy": {
        "notice_served_on_parents": "Kerry Grant",
        "notice_service_method": "hand",
        "notice_served_on": d(SERVED),
        "notice_period_days": "15",
    },
    "sao.notice_decision": {
        "notice_decision": "not_satisfied",
        "notice_decision_evidence": "Two worksheets sent; no timetable, no sign of full-time education.",
    },
    "sao.decision_delay": {
        "notice_delay_reason": "The officer was off sick.",
        "notice_decision_by": d(date(2027, 3, 22)),
    },
    "sao.expedient": {
        "expedient": "yes",
        "expedient_reasons": "Ella wants to go back to school; no reason she cannot.",
        "alternative_plan": "",
    },
    "sao.notice_of_intention": {
        "named_school": "Riverside Primary School",
        "alternative_schools": "Parkview Primary School",
        "school_consulted": "yes",
        "school_consulted_on": d(date(2027, 3, 19)),
        "intention_served_on": d(date(2027, 3, 22)),
    },
    "sao.parent_choice": {
        "parent_chose_school": "no",
        "chosen_school": "",
        "chosen_school_will_admit": "not_applicable",
    },
    "sao.serve_order": {
        "order_school": "Riverside Primary School",
        "order_served_on_parents": "Kerry Grant",
        "order_served_on": d(date(2027, 4, 7)),
    },
    "sao.compliance": {
        "compliance": "registered",
        "compliance_checked_on": d(date(2027, 4, 19)),
        "registered_on": d(date(2027, 4, 14)),
        "compliance_notes": "The school confirms Ella started on 14 April.",
    },
    "sao.revocation": {
        "revocation_decision": "revoke",
        "revocation_reasons": "Tutor timetable and work seen.",
    },
    "sao.prosecution_referral": {
        "offence_date": d(date(2027, 4, 19)),
        "evidence_bundle": ["order", "notices", "school_confirmation", "chronology"],
        "eso_considered": "yes",
        "referral_notes": "Every offer of help refused; an ESO would not secure attendance.",
    },
    "sao.legal_review": {
        "prosecute": "yes",
        "information_laid_on": d(date(2027, 4, 28)),
        "hearing_date": d(date(2027, 5, 26)),
        "legal_review_reasons": "Evidence is complete; prosecution is in the public interest.",
    },
    "sao.court_outcome": {
        "court_result": "convicted",
        "sentence": ["fine", "parenting_order"],
        "eso_directed": "no",
        "court_notes": "Fined 200 pounds; parenting order for 12 months.",
    },
}


def five_pm(day: date) -> datetime:
    return end_of_working_day(day)


class Order(InstanceWalk):
    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        super().__init__(app, people, clock)
        self.case = factories.bare_case(people["ace"], first_name="Ella", last_name="Grant")
        data = {
            "case_reference": self.case.reference,
            "child_name": "Ella Grant",
            "referral_date": STARTED.isoformat(),
            "parent_names": "Kerry Grant",
            "child_address": "Flat 1, 7 Fulham Palace Road, London W6 9PB",
            "found_on": "2027-02-12",
            "education_concerns": "At home since deletion; no work set or seen.",
            "cme_reason": "deleted_from_roll",
        }
        self.instance = instances.start_process(self.case, PROCESS, data, people["ace"])
        db.session.commit()

    def task(self, name: str, lane: str = ACE) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name) == (lane, lane)
        assert task.form_key.startswith("sao.") and task.documentation
        return task

    def do(self, name: str, on: date, who: str = "ace", lane: str = ACE, **changes: Any) -> dict[str, Any]:
        """Submit the task's page (PAGES, with the changes) as the user would; what the task saved."""
        self.on(on)
        task = self.task(name, lane)
        tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.commit()
        return dict(task.data or {})

    def refused(self, name: str, who: str = "ace", lane: str = ACE, **changes: Any) -> dict[str, list[str]]:
        """Submit the task's page with the changes, now, as the user would, expecting it refused:
        what it says needs correcting, field by field. Nothing of it is kept."""
        task = self.task(name, lane)
        with pytest.raises(tasks.InvalidAnswers) as refusal:
            tasks.complete_task(task, {**PAGES[task.form_key], **changes}, self.people[who])
        db.session.rollback()
        return dict(refusal.value.form.errors)

    # -- stages --------------------------------------------------------------------------------
    def informal(self, outcome: str = "not_resolved", **changes: Any) -> None:
        assert self.task(CONTACT).due_at == five_pm(date(2027, 2, 22))  # 15 Feb + 5 working days
        self.do(CONTACT, date(2027, 2, 17))
        assert self.task(RESPONSE).due_at == five_pm(date(2027, 2, 26))  # letter 17 Feb + 7 working days
        self.do(RESPONSE, date(2027, 2, 26), informal_outcome=outcome, **changes)

    def notice_served(self) -> dict[str, Any]:
        self.informal()
        assert self.task(NOTICE).due_at == five_pm(date(2027, 3, 5))  # 26 Feb + 5 working days
        data = self.do(NOTICE, SERVED)
        assert data["notice_period_ends_on"] == "2027-03-17"  # 3 Mar is day 1 of 15
        # The decision is due the day after the period: Thursday 18 March, 17:00 GMT.
        assert self.task(DECIDE).due_at == five_pm(date(2027, 3, 18)) == datetime(2027, 3, 18, 17, tzinfo=UTC)
        return data

    def to_order(self) -> None:
        self.notice_served()
        self.do(DECIDE, date(2027, 3, 18))
        assert self.task(EXPEDIENT).due_at == five_pm(date(2027, 3, 25))  # 18 Mar + 5 working days
        assert self.task(EXPEDIENT).required_role == "manager"
        self.do(EXPEDIENT, date(2027, 3, 19), who="manager")
        self.do(INTENTION, date(2027, 3, 22))
        # 22 Mar + 15 days: the period is 22 Mar - 5 Apr, the choice due 6 Apr at 17:00 BST = 16:00 UTC.
        assert self.task(CHOICE).due_at == datetime(2027, 4, 6, 16, tzinfo=UTC)
        self.do(CHOICE, date(2027, 4, 6))
        self.do(ORDER, date(2027, 4, 7))
        assert self.task(COMPLIANCE).due_at == five_pm(date(2027, 4, 21))  # 7 Apr + 10 working days


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(STARTED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Order:
    return Order(ctx, people, clock)


def test_the_s437_period_counts_the_day_of_service_as_day_1() -> None:
    assert period_end(date(2026, 3, 3), 15) == date(2026, 3, 17)  # the BRIEF's example
    assert period_end(date(2027, 3, 3), 15) == date(2027, 3, 17)
    assert period_end(date(2027, 3, 3), 21) == date(2027, 3, 23)
    assert period_end(date(2027, 3, 22), 15) == date(2027, 4, 5)


# -- informal enquiries ------------------------------------------------------------------------
def test_registered_at_a_school_after_the_letter_closes_the_case(walk: Order) -> None:
    walk.informal("registered", informal_school="Riverside Primary School")
    assert walk.ended_at() == "Closed: child registered at a school"


def test_suitable_education_evidenced_after_the_letter_closes_the_case(walk: Order) -> None:
    walk.informal("suitable_education", informal_evidence="Tutor timetable, work samples and a visit.")
    assert walk.ended_at() == "Closed: suitable education evidenced"


# -- the notice to satisfy ---------------------------------------------------------------------
def test_the_parent_satisfies_the_local_authority_within_the_notice_period(walk: Order) -> None:
    walk.notice_served()
    walk.do(DECIDE, date(2027, 3, 12), notice_decision="satisfied")
    assert walk.ended_at() == "Closed: parent satisfied the local authority"


def test_a_decision_not_made_the_day_after_the_period_goes_to_a_manager(walk: Order) -> None:
    walk.notice_served()
    due = five_pm(date(2027, 3, 18))
    assert walk.state().next_timer_at == due
    assert walk.sweep(due - timedelta(seconds=1)) == 0
    assert walk.sweep(due + timedelta(seconds=1)) == 1
    assert walk.open() == {DECIDE, LATE}
    assert walk.task(LATE).due_at == five_pm(date(2027, 3, 19)) and walk.task(LATE).required_role == "manager"
    walk.do(LATE, date(2027, 3, 19), who="manager")
    assert walk.open() == {DECIDE}


def test_an_order_that_is_not_expedient_closes_the_case(walk: Order) -> None:
    walk.notice_served()
    walk.do(DECIDE, date(2027, 3, 18))
    walk.do(
        EXPEDIENT,
        date(2027, 3, 19),
        who="manager",
        expedient="no",
        alternative_plan="The family moves to Wales next week; their council has been told.",
    )
    assert walk.ended_at() == "Closed: an order is not expedient"


# -- the order and compliance ------------------------------------------------------------------
def test_the_child_registered_at_the_named_school_closes_the_case(walk: Order) -> None:
    walk.to_order()
    walk.do(COMPLIANCE, date(2027, 4, 19))
    assert walk.ended_at() == "Closed: child registered at the named school"


def test_revocation_for_education_otherwise_ends_the_order(walk: Order) -> None:
    walk.to_order()
    walk.do(COMPLIANCE, date(2027, 4, 19), compliance="revocation_requested", registered_on=NO_DATE)
    assert walk.task(REVOCATION).required_role == "manager"
    walk.do(REVOCATION, date(2027, 4, 20), who="manager")
    assert walk.ended_at() == "Order revoked: child educated otherwise"


def test_a_refused_revocation_goes_back_to_checking_compliance(walk: Order) -> None:
    walk.to_order()
    walk.do(COMPLIANCE, date(2027, 4, 19), compliance="revocation_requested", registered_on=NO_DATE)
    walk.do(REVOCATION, date(2027, 4, 20), who="manager", revocation_decision="refuse")
    assert walk.task(COMPLIANCE).due_at == five_pm(
        date(2027, 5, 5)
    )  # 20 Apr + 10 working days, skipping the 3 May bank holiday
    walk.do(COMPLIANCE, date(2027, 4, 27))
    assert walk.ended_at() == "Closed: child registered at the named school"


def test_non_compliance_is_prosecuted_and_the_court_outcome_recorded(walk: Order) -> None:
    walk.to_order()
    walk.do(COMPLIANCE, date(2027, 4, 19), compliance="not_complied", registered_on=NO_DATE)
    walk.do(REFER, date(2027, 4, 20))
    review = walk.task(LEGAL_REVIEW, LEGAL)
    assert review.due_at == end_of_working_day(date(2027, 5, 19))  # 20 Apr + 20 working days (3 May)
    walk.do(LEGAL_REVIEW, date(2027, 4, 28), who="solicitor", lane=LEGAL)
    assert walk.task(COURT, LEGAL).due_at == end_of_working_day(date(2027, 5, 27))  # hearing + 1 working day
    walk.do(COURT, date(2027, 5, 26), who="solicitor", lane=LEGAL)
    assert walk.ended_at() == "Prosecuted: court outcome recorded"


def test_legal_services_may_decide_not_to_prosecute(walk: Order) -> None:
    walk.to_order()
    walk.do(COMPLIANCE, date(2027, 4, 19), compliance="not_complied", registered_on=NO_DATE)
    walk.do(REFER, date(2027, 4, 20))
    walk.do(
        LEGAL_REVIEW,
        date(2027, 4, 28),
        who="solicitor",
        lane=LEGAL,
        prosecute="no",
        information_laid_on=NO_DATE,
        hearing_date=NO_DATE,
        legal_review_reasons="Apply for an education supervision order instead.",
    )
    assert walk.ended_at() == "Not prosecuted: reasons recorded"


# -- the forms, as a submitted page meets them ----------------------------------------------------
def test_a_family_nobody_has_reached_is_visited_before_the_letter(walk: Order) -> None:
    walk.on(date(2027, 2, 17))
    assert walk.refused(CONTACT, contact_made="no", contact_made_on=NO_DATE, home_visit_made="no") == {
        "home_visit_made": ["Visit the home before writing if you cannot reach the family another way"]
    }
    walk.do(CONTACT, date(2027, 2, 17), contact_made="no", contact_made_on=NO_DATE)  # visited
    assert walk.open() == {RESPONSE}


def test_a_notice_giving_fewer_than_15_days_is_refused(walk: Order) -> None:
    walk.informal()
    walk.on(SERVED)
    assert walk.refused(NOTICE, notice_period_days="14") == {
        "notice_period_days": ["The notice must give at least 15 days, beginning with the day it is served"]
    }
    # A longer notice ends later, and the decision waits for it.
    assert walk.do(NOTICE, SERVED, notice_period_days="21")["notice_period_ends_on"] == "2027-03-23"


def test_the_school_must_be_consulted_and_an_eso_considered(walk: Order) -> None:
    walk.notice_served()
    walk.do(DECIDE, date(2027, 3, 18))
    walk.do(EXPEDIENT, date(2027, 3, 19), who="manager")
    walk.on(date(2027, 3, 22))
    assert walk.refused(INTENTION, school_consulted="no", school_consulted_on=NO_DATE) == {
        "school_consulted": ["Consult the school's admission authority before naming the school"]
    }
    data = walk.do(INTENTION, date(2027, 3, 22))
    assert data["choice_period_ends_on"] == "2027-04-05"  # 22 March is day 1 of 15

    walk.on(date(2027, 4, 6))
    assert walk.refused(CHOICE, parent_chose_school="yes", chosen_school="Parkview Primary School") == {
        "chosen_school_will_admit": ["Select whether the school will admit the child"]
    }
    walk.do(CHOICE, date(2027, 4, 6))
    walk.do(ORDER, date(2027, 4, 7))
    walk.do(COMPLIANCE, date(2027, 4, 19), compliance="not_complied", registered_on=NO_DATE)

    walk.on(date(2027, 4, 20))
    assert walk.refused(REFER, eso_considered="no") == {
        "eso_considered": ["Consider an education supervision order before referring for prosecution"]
    }
    assert walk.refused(REFER, evidence_bundle=["order", "notices"]) == {
        "evidence_bundle": [
            "The bundle must include the order with proof of service and the school's confirmation"
        ]
    }
    walk.do(REFER, date(2027, 4, 20))
    assert walk.open() == {LEGAL_REVIEW}


def test_the_process_says_the_cwsa_2026_will_replace_it(ctx: Flask) -> None:
    from app.workflow.library import get_library

    shipped = get_library().shipped[PROCESS]
    assert b"Children's Wellbeing and Schools Act 2026" in shipped.xml
    # Open questions in our research stay out of the guidance users read.
    assert b"[verify" not in shipped.xml and b"section 438" in shipped.xml
