"""Legal planning for attendance (processes/attendance_legal_planning.bpmn), walked through the services.

The clock is controlled. The case is referred for legal planning on Tuesday 1 December 2026; every
page is validated by its task's form as the task page would (the URL names the task, so the forms
can read the case and the penalty-notice ledger), then submitted by a member of the lane's team.
School weeks come from the local authority's default term dates (app/timescales/data).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

import forms
from app.cases.services import refer_child
from app.extensions import db
from app.models import Case, HumanTask, ProcessInstance, User
from app.models.penalty_notices import PenaltyNotice
from app.timescales.term_dates import load_default_terms_if_empty
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import InstanceWalk, at
from tests.unit.referral_support import d

PROCESS = "attendance_legal_planning"
REFERRED = date(2026, 12, 1)  # a Tuesday
SECOND = timedelta(seconds=1)
ACE, LEGAL, SCHOOLS = "ACE", "Legal Services", "Schools"

CHECK = "Check support was offered first"
MEETING = "Hold the legal planning meeting with the parent"
ROUTE = "Decide the legal route"
CONTRACT = "Agree the attendance contract"
CONTRACT_REVIEW = "Review the attendance contract"
NTI = "Issue the notice to improve"
NTI_REVIEW = "Review attendance at the end of the improvement period"
ISSUE = "Issue the penalty notice"
PAYMENT = "Record the penalty notice payment"
UNPAID = "Decide what happens to the unpaid penalty notice"
PREPARE = "Prepare the prosecution"
EVIDENCE = "Provide the register evidence for the prosecution"
LAY = "Lay the information at the magistrates' court"
LIMIT = "Make sure the information is laid in time"
COURT = "Record the court's decision"
ESO_APPLY = "Consult children's social care and apply for an ESO"
ESO_COURT = "Record the court's decision on the ESO"
ESO_SUPERVISE = "Supervise the education supervision order"
ESO_EXTEND = "Decide whether to apply to extend the ESO"

TEXT = "Discussed with the family; see the case notes."
NTI_ALL = ["record", "duty", "support", "warning", "period", "improvement", "early"]
PAGES: dict[str, dict[str, Any]] = {
    "legal.check_support": {
        "support_position": "not_worked",
        "support_evidence": "Early Help plan since September; attendance fell from 88% to 79%.",
        "liable_parents": "Sarah Begum, mother",
    },
    "legal.planning_meeting": {
        "lpm_held_on": d(date(2026, 12, 2)),
        "lpm_attendees": "Sarah Begum, mother; Jo Brennan, attendance officer",
        "lpm_parent_views": "Mornings are hard since the move.",
        "lpm_agreed": TEXT,
        "lpm_recommended_route": "penalty_notice",
    },
    "legal.decide_route": {"legal_route": "penalty_notice", "route_reasons": TEXT},
    "legal.attendance_contract": {
        "contract_agreed": "yes",
        "contract_agreed_on": d(date(2026, 12, 4)),
        "contract_parent_commitments": "Walk Amelia to school every day.",
        "contract_support_commitments": "Breakfast club place and a mentor.",
        "contract_next_review_on": d(date(2027, 1, 15)),
    },
    "legal.contract_review": {
        "contract_review_held_on": d(date(2027, 1, 15)),
        "contract_progress": TEXT,
        "contract_review_outcome": "worked",
    },
    "legal.notice_to_improve": {
        "nti_issued_on": d(date(2026, 12, 7)),
        "nti_content": NTI_ALL,
        "nti_sufficient_improvement": "No unauthorised absence during the period.",
    },
    "legal.nti_review": {
        "nti_attendance_during": TEXT,
        "nti_unauthorised_during": "0",
        "nti_outcome": "improved",
    },
    "legal.issue_penalty_notice": {
        "pn_decision": "issue",
        "pn_parent_name": "Sarah Begum",
        "pn_unauthorised_sessions": "12",
        "pn_window_start": d(date(2026, 10, 5)),
        "pn_window_end": d(date(2026, 11, 27)),
        "pn_issued_on": d(date(2026, 12, 7)),
    },
    "legal.pn_payment": {"pn_paid_on": d(date(2026, 12, 20)), "pn_paid_amount": "80"},
    "legal.pn_unpaid": {"pn_unpaid_decision": "prosecute", "pn_unpaid_reasons": TEXT},
    "legal.prepare_prosecution": {
        "prosecution_offence": "s444_1",
        "prosecution_defendants": "Sarah Begum, mother",
        "last_offence_date": d(date(2026, 11, 20)),
        "eso_considered": "The family has had a supervisor-style plan through Early Help without change.",
        "warning_letters_sent_on": d(date(2026, 11, 25)),
        "prosecution_witness_statement": "yes",
    },
    "legal.school_evidence": {
        "school_evidence": ["printout", "certificate", "chronology"],
        "certificate_signed_by": "Ms Khan, head teacher",
        "school_chronology": TEXT,
    },
    "legal.lay_information": {"information_laid": "yes"},
    "legal.prosecution_time_limit": {"limit_can_meet": "yes", "limit_action": "Ben to lay it this week."},
    "legal.court_outcome": {
        "court_result": "convicted",
        "court_sentence": ["fine", "costs"],
        "court_fine_amount": "500",
        "court_directed_eso": "no",
        "court_notes": TEXT,
    },
    "legal.eso_application": {
        "csc_consulted_on": d(date(2026, 12, 7)),
        "csc_consulted_with": "Chris Okafor, CAS team manager",
        "csc_advice": "No safeguarding concerns; an order would help.",
        "eso_child_looked_after": "no",
        "eso_decision": "apply",
        "eso_applied_on": d(date(2026, 12, 8)),
        "eso_hearing_on": d(date(2027, 1, 12)),
    },
    "legal.eso_decision": {
        "eso_made": "yes",
        "eso_made_on": d(date(2027, 1, 12)),
        "eso_supervisor": "Jo Brennan",
        "eso_court_notes": TEXT,
    },
    "legal.eso_supervise": {
        "eso_ended_on": d(date(2028, 1, 11)),
        "eso_end_reason": "expired",
        "eso_summary": TEXT,
    },
    "legal.eso_extension": {"eso_extend": "no", "eso_extension_reasons": "Attendance is now 96%."},
}
LANE_OF = {SCHOOLS: "school", LEGAL: "solicitor", ACE: "ace"}


def due(day: date) -> datetime:
    return end_of_working_day(day)


def post(app: Flask, task: HumanTask, page: dict[str, Any]) -> Any:
    """Validate a page on the task's form, in the request the task page would handle."""
    ctx = app.test_request_context(f"/tasks/{task.id}", method="POST", data=page)
    ctx.push()
    try:
        form = forms.get_form_class(task.form_key)()
        return form, form.validate()
    finally:
        ctx.pop()


class Walk(InstanceWalk):
    def __init__(
        self, app: Flask, people: dict[str, User], clock: Any, case: Case | None = None, *, start: bool = True
    ) -> None:
        super().__init__(app, people, clock)
        if case is None:
            referral = factories.referral(referral_date=REFERRED)
            case = refer_child(referral, people["ace"], process_id=PROCESS)
            self.instance = case.instances[-1]
        elif not start:  # referred straight onto this pathway
            self.instance = case.instances[-1]
        else:
            facts = {"case_reference": case.reference, "child_name": case.child.full_name}
            self.instance = instances.start_process(case, PROCESS, facts, people["ace"])
        self.case = case
        db.session.commit()

    def task(self, name: str, lane: str = ACE, role: str = "") -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        assert (task.lane, task.team.name, task.required_role) == (lane, lane, role), name
        assert task.documentation
        return task

    def page(self, name: str, **changes: Any) -> dict[str, Any]:
        task = self.task_any(name)
        return {**PAGES[task.form_key], **changes}

    def task_any(self, name: str) -> HumanTask:
        [task] = [t for t in factories.open_tasks(self.case) if t.name == name]
        return task

    def errors(self, name: str, on: date, **changes: Any) -> dict[str, list[str]]:
        self.on(on)
        form, ok = post(self.app, self.task_any(name), self.page(name, **changes))
        assert not ok
        return dict(form.errors)

    def do(self, name: str, on: date, lane: str = ACE, role: str = "", **changes: Any) -> None:
        self.on(on)
        task = self.task(name, lane, role)
        form, ok = post(self.app, task, self.page(name, **changes))
        assert ok, form.errors
        who = "manager" if role == "manager" else LANE_OF[lane]
        from app.tasks import services as tasks

        tasks.complete_task(task, form.to_task_data(), self.people[who])
        db.session.commit()

    def to_route(self, route: str, decided_on: date = date(2026, 12, 4)) -> None:
        assert self.task(CHECK).due_at == due(date(2026, 12, 8))  # 1 Dec + 5 working days
        self.do(CHECK, date(2026, 12, 2))
        assert self.task(MEETING).due_at == due(date(2026, 12, 16))  # 2 Dec + 10 working days
        self.do(MEETING, date(2026, 12, 3))
        assert self.task(ROUTE, role="manager").due_at == due(date(2026, 12, 10))  # 3 Dec + 5 WD
        self.do(ROUTE, decided_on, role="manager", legal_route=route)

    def notices(self) -> list[PenaltyNotice]:
        db.session.expire_all()
        return list(db.session.scalars(select(PenaltyNotice).order_by(PenaltyNotice.id)))


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(REFERRED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Walk:
    load_default_terms_if_empty()
    db.session.commit()
    return Walk(ctx, people, clock)


# -- support first ---------------------------------------------------------------------------------
def test_without_support_offered_first_the_case_goes_back_for_support(walk: Walk) -> None:
    errors = walk.errors(CHECK, date(2026, 12, 2), support_position="not_appropriate")
    assert errors == {"not_appropriate_reason": ["Enter why support is not appropriate"]}
    walk.do(CHECK, date(2026, 12, 2), support_position="not_offered")
    assert walk.ended_at() == "Returned: support to be offered first"
    # Support is offered through Early Help, which triages within 1 working day: Thursday 3 December.
    handed = select(ProcessInstance).where(ProcessInstance.started_by_id == walk.instance.id)
    [early_help] = db.session.scalars(handed)
    assert (early_help.process_version.process_id, early_help.start_message) == (
        "referral_to_early_help",
        "early_help_referral",
    )
    [triage] = factories.open_tasks(walk.case)
    assert (triage.name, triage.team.name, triage.due_at) == (
        "Triage the referral",
        "Early Help",
        due(date(2026, 12, 3)),
    )


def test_the_planning_meeting_is_kept_in_the_meeting_history(walk: Walk) -> None:
    from app.models import Meeting

    walk.to_route("no_legal_action")
    [meeting] = db.session.scalars(select(Meeting)).all()
    assert (meeting.kind, meeting.held_on) == ("legal_planning_meeting", date(2026, 12, 2))
    assert walk.ended_at() == "Closed: no legal action"


# -- attendance contract ---------------------------------------------------------------------------
def test_an_attendance_contract_is_reviewed_until_it_works(walk: Walk) -> None:
    walk.to_route("contract")
    assert walk.task(CONTRACT).due_at == due(date(2026, 12, 18))  # 4 Dec + 10 working days
    late = walk.errors(CONTRACT, date(2026, 12, 4), contract_next_review_on=d(date(2027, 1, 16)))
    assert late == {
        "contract_next_review_on": ["The review must be within 6 weeks (the local review interval)"]
    }
    walk.do(CONTRACT, date(2026, 12, 4))  # agreed 4 Dec, first review 15 Jan (6 weeks = 15 Jan)
    assert walk.task(CONTRACT_REVIEW).due_at == due(date(2027, 1, 15))
    walk.do(
        CONTRACT_REVIEW,
        date(2027, 1, 15),
        contract_review_outcome="continue",
        contract_next_review_on=d(date(2027, 2, 12)),
    )
    assert walk.task(CONTRACT_REVIEW).due_at == due(date(2027, 2, 12))
    walk.do(CONTRACT_REVIEW, date(2027, 2, 12), contract_review_held_on=d(date(2027, 2, 12)))
    assert walk.ended_at() == "Closed: attendance contract worked"


def test_a_refused_contract_goes_back_to_the_manager(walk: Walk) -> None:
    walk.to_route("contract")
    walk.do(
        CONTRACT, date(2026, 12, 4), contract_agreed="no", contract_refused_reason="Does not see the need."
    )
    assert walk.open() == {ROUTE}
    assert walk.task(ROUTE, role="manager").due_at == due(date(2026, 12, 11))  # 4 Dec + 5 WD


# -- notice to improve -----------------------------------------------------------------------------
def test_a_notice_to_improve_reviewed_after_six_school_weeks_and_closed_when_improved(walk: Walk) -> None:
    walk.to_route("notice_to_improve")
    missing = walk.errors(NTI, date(2026, 12, 7), nti_content=NTI_ALL[:-1])
    assert missing == {
        "nti_content": [
            "The notice must also include: the grounds on which a penalty notice may be issued before the "
            "period ends"
        ]
    }
    walk.do(NTI, date(2026, 12, 7))
    # Issued Mon 7 Dec: school weeks 14 Dec (1), [Christmas], 4 Jan (2), 11 (3), 18 (4), 25 (5), 1 Feb (6).
    assert walk.task(NTI_REVIEW).due_at == due(date(2027, 2, 1))
    walk.do(NTI_REVIEW, date(2027, 2, 1))
    assert walk.ended_at() == "Closed: attendance improved after the notice to improve"


def test_a_notice_to_improve_without_improvement_goes_back_to_the_manager(walk: Walk) -> None:
    walk.to_route("notice_to_improve")
    walk.do(NTI, date(2026, 12, 7))
    walk.do(NTI_REVIEW, date(2027, 2, 1), nti_outcome="not_improved", nti_unauthorised_during="9")
    assert walk.open() == {ROUTE}
    walk.do(ROUTE, date(2027, 2, 2), role="manager", legal_route="penalty_notice")
    assert walk.open() == {ISSUE}


# -- penalty notices -------------------------------------------------------------------------------
# Posted Mon 7 Dec 2026, served Wed 9 Dec (2nd working day); £80 to Wed 30 Dec, £160 to Wed 6 Jan 2027.
SERVED, DISCOUNT_ENDS, PAY_BY = date(2026, 12, 9), date(2026, 12, 30), date(2027, 1, 6)


def test_the_threshold_window_is_at_most_ten_school_weeks_and_below_ten_sessions_needs_a_reason(
    walk: Walk,
) -> None:
    walk.to_route("penalty_notice")
    # 1 Sep to 27 Nov 2026: weeks of 31 Aug, 7, 14, 21, 28 Sep, 5, 12, 19 Oct, 2, 9, 16, 23 Nov = 12.
    errors = walk.errors(
        ISSUE, date(2026, 12, 7), pn_window_start=d(date(2026, 9, 1)), pn_unauthorised_sessions="8"
    )
    assert errors == {
        "pn_window_end": ["The window covers 12 school weeks: it must be no more than 10 school weeks"],
        "pn_below_threshold_reason": [
            "8 sessions is below the national threshold of 10: enter why the council is using its discretion"
        ],
    }


def test_a_first_notice_paid_within_21_days_is_80_pounds(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    assert walk.task(ISSUE).due_at == due(date(2026, 12, 18))  # 4 Dec + 10 working days
    walk.do(ISSUE, date(2026, 12, 7))
    assert walk.task(PAYMENT).due_at == due(PAY_BY)
    [notice] = walk.notices()
    assert (notice.served_on, notice.amount, notice.sequence, notice.status) == (SERVED, 80, 1, "issued")
    assert (notice.parent_key, notice.child_key) == ("sarah begum", "amelia begum|2015-03-27")
    walk.do(PAYMENT, date(2026, 12, 20))
    assert walk.ended_at() == "Closed: penalty paid"
    [notice] = walk.notices()
    assert (notice.status, notice.paid_on, notice.paid_amount) == ("paid_80", date(2026, 12, 20), 80)


def test_after_21_days_the_penalty_is_160_pounds(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    assert walk.sweep(due(DISCOUNT_ENDS) - SECOND) == 0
    assert walk.sweep(due(DISCOUNT_ENDS) + SECOND) == 1
    assert walk.open() == {PAYMENT}  # the 21-day timer does not interrupt
    errors = walk.errors(PAYMENT, date(2027, 1, 4), pn_paid_on=d(date(2027, 1, 4)))
    assert errors == {
        "pn_paid_amount": ["The £80 rate ended on 30 December 2026: a payment on 4 January 2027 must be £160"]
    }
    walk.do(PAYMENT, date(2027, 1, 4), pn_paid_on=d(date(2027, 1, 4)), pn_paid_amount="160")
    assert walk.ended_at() == "Closed: penalty paid"
    assert walk.notices()[0].status == "paid_160"


def test_unpaid_after_28_days_the_manager_decides_to_prosecute(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.sweep(due(DISCOUNT_ENDS) + SECOND)
    assert walk.sweep(due(PAY_BY) - SECOND) == 0
    assert walk.sweep(due(PAY_BY) + SECOND) == 1
    assert walk.open() == {UNPAID}  # the payment wait is closed
    assert walk.task(UNPAID, role="manager").due_at == due(date(2027, 1, 13))  # 6 Jan + 5 WD
    walk.do(UNPAID, date(2027, 1, 7), role="manager")
    assert walk.notices()[0].status == "unpaid"
    assert walk.task(PREPARE).due_at == due(date(2027, 1, 21))  # 7 Jan + 10 WD
    walk.do(PREPARE, date(2027, 1, 8), last_offence_date=d(date(2026, 11, 27)))
    walk.do(EVIDENCE, date(2027, 1, 11), lane=SCHOOLS)
    walk.do(
        LAY,
        date(2027, 1, 12),
        lane=LEGAL,
        information_laid_on=d(date(2027, 1, 12)),
        prosecution_hearing_on=d(date(2027, 2, 9)),
    )
    assert walk.notices()[0].status == "prosecuted"
    assert walk.task(COURT, LEGAL).due_at == due(date(2027, 2, 11))  # 9 Feb + 2 WD


def test_unpaid_after_28_days_the_manager_withdraws_it_on_a_recorded_ground(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.sweep(due(PAY_BY) + SECOND)
    errors = walk.errors(UNPAID, date(2027, 1, 7), pn_unpaid_decision="withdraw")
    assert errors == {
        "pn_withdrawal_ground": ["Select why the notice is being withdrawn"],
        "pn_withdrawal_details": ["Enter what was wrong with the notice"],
    }
    walk.do(
        UNPAID,
        date(2027, 1, 7),
        role="manager",
        pn_unpaid_decision="withdraw",
        pn_withdrawal_ground="wrong_recipient",
        pn_withdrawal_details="Sent to the father, who does not live there.",
    )
    assert walk.ended_at() == "Closed: penalty notice withdrawn"
    [notice] = walk.notices()
    assert notice.status == "withdrawn"
    assert notice.withdrawn_reason.startswith("It was issued to the wrong person.")


def test_a_second_notice_is_a_flat_160_and_a_third_is_refused(
    walk: Walk, people: dict[str, User], clock: Any
) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.do(PAYMENT, date(2026, 12, 20))
    # The same child referred again (a new case, same name and date of birth) in the spring.
    clock.move_to(at(date(2027, 3, 1)))
    again = Walk(
        walk.app,
        people,
        clock,
        refer_child(factories.referral(referral_date=date(2027, 3, 1)), people["ace"], process_id=PROCESS),
        start=False,
    )
    again.do(CHECK, date(2027, 3, 1))
    again.do(MEETING, date(2027, 3, 2), lpm_held_on=d(date(2027, 3, 2)))
    again.do(ROUTE, date(2027, 3, 3), role="manager")
    second = {
        "pn_window_start": d(date(2027, 1, 11)),
        "pn_window_end": d(date(2027, 3, 5)),
        "pn_issued_on": d(date(2027, 3, 8)),
        "pn_parent_name": "Mrs  SARAH Begum",
    }
    again.do(ISSUE, date(2027, 3, 8), **second)
    notices = walk.notices()
    assert [(n.sequence, n.amount, n.parent_key) for n in notices] == [
        (1, 80, "sarah begum"),
        (2, 160, "sarah begum"),
    ]
    # Posted Mon 8 Mar 2027, served Wed 10 Mar; flat £160 to Wed 7 Apr, no £80 rate.
    assert again.task(PAYMENT).due_at == due(date(2027, 4, 7))
    errors = again.errors(PAYMENT, date(2027, 3, 15), pn_paid_on=d(date(2027, 3, 15)))
    assert errors == {
        "pn_paid_amount": [
            "This is a second notice within 3 years: the penalty is a flat £160, with no £80 rate"
        ]
    }
    again.do(PAYMENT, date(2027, 3, 15), pn_paid_on=d(date(2027, 3, 15)), pn_paid_amount="160")
    # A third notice within 3 years of the first is refused, in the officer's terms.
    third = Walk(walk.app, people, clock, again.case)
    third.do(CHECK, date(2027, 5, 3))
    third.do(MEETING, date(2027, 5, 4), lpm_held_on=d(date(2027, 5, 4)))
    third.do(ROUTE, date(2027, 5, 5), role="manager")
    page = {
        "pn_window_start": d(date(2027, 4, 12)),
        "pn_window_end": d(date(2027, 5, 7)),
        "pn_issued_on": d(date(2027, 5, 10)),
    }
    errors = third.errors(ISSUE, date(2027, 5, 10), **page)
    assert errors == {
        "pn_parent_name": [
            "Sarah Begum has already had 2 penalty notices for Amelia Begum in the last 3 years (issued "
            "7 December 2026 and 8 March 2027). The national framework allows no more than 2 in 3 years, so "
            "a third cannot be issued before 7 December 2029. Select 'Do not issue a penalty notice' so a "
            "manager can choose another route, usually prosecution"
        ]
    }
    third.do(
        ISSUE,
        date(2027, 5, 10),
        pn_decision="another_route",
        pn_another_route_reason="Third offence within 3 years: prosecution.",
    )
    assert third.open() == {ROUTE}
    assert len(walk.notices()) == 2


# -- education supervision order -------------------------------------------------------------------
def test_an_eso_is_refused_for_a_looked_after_child(walk: Walk) -> None:
    walk.case.child.looked_after = True
    db.session.commit()
    walk.do(CHECK, date(2026, 12, 2))
    walk.do(MEETING, date(2026, 12, 3))
    errors = walk.errors(ROUTE, date(2026, 12, 4), legal_route="eso")
    assert errors == {
        "legal_route": [
            "Amelia Begum is looked after by a local authority, so an education supervision order cannot "
            "be made (Children Act 1989 s36): select another route"
        ]
    }


def test_an_eso_after_consulting_social_care_lasts_a_year_with_an_extension_decision(walk: Walk) -> None:
    walk.to_route("eso")
    errors = walk.errors(ESO_APPLY, date(2026, 12, 8), csc_consulted_on="")
    assert errors == {
        "csc_consulted_on": [
            "Enter the date children's social care was consulted: it is required before applying"
        ]
    }
    walk.do(ESO_APPLY, date(2026, 12, 8))
    assert walk.task(ESO_COURT, LEGAL).due_at == due(date(2027, 1, 14))  # hearing 12 Jan + 2 WD
    walk.do(ESO_COURT, date(2027, 1, 13), lane=LEGAL)
    assert walk.task(ESO_SUPERVISE).due_at == due(date(2028, 1, 12))  # made 12 Jan 2027 + 1 year
    extension_due = due(date(2027, 10, 12))  # last 3 months: 9 months after 12 Jan 2027
    assert walk.sweep(extension_due - SECOND) == 0
    assert walk.sweep(extension_due + SECOND) == 1
    assert walk.open() == {ESO_SUPERVISE, ESO_EXTEND}
    assert walk.task(ESO_EXTEND, role="manager").due_at == due(date(2028, 1, 12))
    walk.do(ESO_EXTEND, date(2027, 10, 20), role="manager")
    walk.do(ESO_SUPERVISE, date(2028, 1, 12))
    assert walk.ended_at() == "Closed: education supervision order ended"


# -- prosecution -----------------------------------------------------------------------------------
def test_a_section_444_1_prosecution_to_the_court_outcome(walk: Walk) -> None:
    walk.to_route("prosecution")
    walk.do(PREPARE, date(2026, 12, 7))
    assert walk.task(EVIDENCE, SCHOOLS).due_at == due(date(2026, 12, 14))  # 7 Dec + 5 WD
    walk.do(EVIDENCE, date(2026, 12, 8), lane=SCHOOLS)
    # Last offence 20 Nov 2026: the information must be laid by 20 May 2027.
    assert walk.task(LAY, LEGAL).due_at == due(date(2027, 5, 20))
    walk.do(
        LAY,
        date(2026, 12, 10),
        lane=LEGAL,
        information_laid_on=d(date(2026, 12, 10)),
        prosecution_hearing_on=d(date(2027, 1, 12)),
    )
    too_much = walk.errors(COURT, date(2027, 1, 12), court_fine_amount="1500")
    assert too_much == {"court_fine_amount": ["The most the court can fine for this offence is £1,000"]}
    walk.do(COURT, date(2027, 1, 12), lane=LEGAL)
    assert walk.ended_at() == "Court outcome recorded"
    assert walk.notices() == []


def test_a_section_444_1a_prosecution_needs_an_interview_under_caution_and_the_court_can_direct_an_eso(
    walk: Walk,
) -> None:
    walk.to_route("prosecution")
    errors = walk.errors(
        PREPARE, date(2026, 12, 7), prosecution_offence="s444_1a", prosecution_witness_statement="no"
    )
    assert errors == {
        "interview_under_caution_on": [
            "Enter the date of the interview under caution: section 444(1A) needs one under PACE"
        ],
        "prosecution_witness_statement": [
            "A section 444(1A) prosecution needs the officer's witness statement first"
        ],
    }
    walk.do(
        PREPARE,
        date(2026, 12, 7),
        prosecution_offence="s444_1a",
        interview_under_caution_on=d(date(2026, 12, 4)),
    )
    walk.do(EVIDENCE, date(2026, 12, 8), lane=SCHOOLS)
    walk.do(
        LAY,
        date(2026, 12, 10),
        lane=LEGAL,
        information_laid_on=d(date(2026, 12, 10)),
        prosecution_hearing_on=d(date(2027, 1, 12)),
    )
    walk.do(COURT, date(2027, 1, 12), lane=LEGAL, court_fine_amount="2000", court_directed_eso="yes")
    assert walk.open() == {ESO_APPLY}


def test_legal_services_are_alerted_before_the_six_month_limit_and_a_late_information_is_refused(
    walk: Walk,
) -> None:
    walk.to_route("prosecution")
    walk.do(PREPARE, date(2026, 12, 7))
    walk.do(EVIDENCE, date(2026, 12, 8), lane=SCHOOLS)
    alert = due(date(2027, 4, 22))  # 20 May 2027 less 28 days (the setting's default)
    assert walk.sweep(alert - SECOND) == 0
    assert walk.sweep(alert + SECOND) == 1
    assert walk.open() == {LAY, LIMIT}
    assert walk.task(LIMIT, LEGAL, "manager").due_at == due(date(2027, 5, 20))
    walk.do(LIMIT, date(2027, 4, 23), lane=LEGAL, role="manager")
    late = walk.errors(
        LAY,
        date(2027, 5, 21),
        information_laid_on=d(date(2027, 5, 21)),
        prosecution_hearing_on=d(date(2027, 6, 15)),
    )
    assert late == {
        "information_laid_on": [
            "The information had to be laid by 20 May 2027, 6 months after the last offence: it is out of "
            "time. Select 'No' so a manager can decide another route"
        ]
    }
    walk.do(
        LAY, date(2027, 5, 21), lane=LEGAL, information_laid="no", information_not_laid_reason="Out of time."
    )
    assert walk.open() == {ROUTE}


# -- demo ------------------------------------------------------------------------------------------
def test_the_demo_opens_legal_planning_cases_in_the_right_queues(ctx: Flask, people: dict[str, User]) -> None:
    from app.demo import _ensure_people
    from app.demo_legal import seed

    by_email = _ensure_people()
    with time_machine.travel(at(date(2026, 11, 23)), tick=False):
        opened = seed(by_email, date(2026, 11, 23), random.Random(7))
    db.session.commit()
    assert 6 <= opened <= 10
    open_tasks = list(db.session.scalars(select(HumanTask).where(HumanTask.state == "open")))
    lanes = {t.lane for t in open_tasks}
    assert {ACE, LEGAL} <= lanes
    assert any(t.due_at is not None and t.due_at < at(date(2026, 11, 23)) for t in open_tasks)
    notices = db.session.scalars(select(PenaltyNotice)).all()
    assert {n.sequence for n in notices} == {1, 2}  # a second notice on one case is a flat £160
    assert {n.amount for n in notices if n.sequence == 2} == {160}


def test_the_case_shows_each_parents_penalty_notices_and_the_3_year_count(walk: Walk, client: Any) -> None:
    from tests.conftest import login

    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    login(client, "attendance.officer@example.org")
    page = client.get(f"/cases/{walk.case.reference}/penalty-notices").get_data(as_text=True)
    assert "Sarah Begum" in page and "1 of 2" in page
    assert "£80 by 30 Dec 2026" in page and "£160 by 6 Jan 2027" in page
    assert "Issued, awaiting payment" in page
