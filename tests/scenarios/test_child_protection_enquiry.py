"""Strategy discussion, section 47 enquiry and initial conference, walked through the product's services.

The clock is controlled. The decision to hold a strategy discussion is made on Thursday 17 December
2026; the discussion is held on Friday 18 December. The initial child protection conference is then due
15 working days later, skipping the bank holidays of Friday 25 December, Monday 28 December (Boxing Day
substitute) and Friday 1 January 2027:
    Dec 21 (1) 22 (2) 23 (3) 24 (4) 29 (5) 30 (6) 31 (7), Jan 4 (8) 5 (9) 6 (10) 7 (11) 8 (12)
    11 (13) 12 (14) 13 (15)  ->  Wednesday 13 January 2027, 17:00 London (17:00 UTC in winter).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask

from app.admin.services import change_setting
from app.extensions import db
from app.models import Meeting, User
from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.walk import TeamWalk, at
from tests.unit.referral_support import d, errors_for, submit

DECIDED = date(2026, 12, 17)  # Thursday: CAS decides a strategy discussion is needed
HELD = date(2026, 12, 18)  # Friday: the strategy discussion
ICPC_DUE = end_of_working_day(date(2027, 1, 13))  # 15 working days after 18 December
SECOND = timedelta(seconds=1)

STRATEGY = "Hold the strategy discussion"
S47 = "Carry out the section 47 enquiry"
PROFESSIONALS = "Hold a professionals' meeting"
DECIDE = "Decide whether to convene a conference"
CONVENE = "Convene the initial child protection conference"
ICPC = "Hold the initial child protection conference"
LATE = "Record why the conference is late"
CAS, CHAIRS = "CAS", "Child Protection Chairs"
LANES = {STRATEGY: CAS, S47: CAS, PROFESSIONALS: CAS, DECIDE: CAS, CONVENE: CHAIRS, ICPC: CHAIRS, LATE: CAS}
WHO = {CAS: "social_worker", CHAIRS: "chair"}
MANAGER_TASKS = {DECIDE, LATE}

TEXT = "Shared and recorded; see the case notes."
PAGES: dict[str, dict[str, Any]] = {
    "cpe.strategy_discussion": {
        "strategy_discussion_date": d(HELD),
        "strategy_agencies": ["social_care", "police", "health", "school"],
        "strategy_agency_absent_reason": "",
        "strategy_attendees": "Chris Okafor, social worker; PC Jo Smith; Kim Lee, nurse; Ann Bell, DSL",
        "strategy_information": "Bruising seen at school on Thursday; two domestic abuse callouts.",
        "strategy_decision": "s47_enquiry",
        "strategy_decision_reasons": "Reasonable cause to suspect physical harm.",
        "strategy_actions": "Joint visit today; child stays with grandmother under a safety plan.",
        "further_strategy_date": ["", "", ""],
    },
    "cpe.s47_enquiry": {
        "s47_child_seen": "yes",
        "s47_child_seen_on": d(date(2026, 12, 18)),
        "s47_child_seen_alone": "yes",
        "s47_child_not_seen_reason": "",
        "s47_child_views": "Dad gets angry when he drinks. I like staying at Nan's.",
        "s47_findings": "Injuries consistent with the child's account; concerns substantiated.",
        "s47_next_step": "manager",
        "s47_concerns": "substantiated",
        "s47_completed_on": d(date(2027, 1, 5)),
        "s47_further_reason": "",
    },
    "cpe.professionals_meeting": {
        "professionals_meeting_date": d(date(2026, 12, 23)),
        "professionals_attendees": "Social worker; school DSL; health visitor; police",
        "professionals_information": TEXT,
        "professionals_agreed": "Health to send the medical by 4 January.",
    },
    "cpe.icpc_decision": {
        "icpc_decision": "convene",
        "icpc_decision_reasons": "Substantiated physical harm; likely to suffer significant harm.",
        "icpc_family_told": "yes",
        "icpc_family_not_told_reason": "",
    },
    "cpe.convene_icpc": {
        "icpc_planned_date": d(date(2027, 1, 12)),
        "icpc_chair": "Grace Whitfield",
        "icpc_invited": ["parents", "child", "social_care", "police", "health", "school"],
        "icpc_parents_not_invited_reason": "",
        "icpc_child_participation": "The child will meet the chair before the conference.",
    },
    "cpe.icpc": {
        "icpc_date": d(date(2027, 1, 12)),
        "icpc_attendees": "Grace Whitfield, chair; mother; social worker; police; school; health",
        "icpc_parents_attended": "yes",
        "reports_shared_on": d(date(2027, 1, 8)),
        "reports_late_reason": "",
        "icpc_child_views": "Wants to stay at Nan's until Dad gets help.",
        "icpc_decisions": "Likely to suffer significant harm: child protection plan.",
        "icpc_outcome": "child_protection_plan",
        "abuse_category": "physical",
        "lead_social_worker": "Chris Okafor",
        "icpc_outline_plan": "Father to engage with the perpetrator programme; weekly visits.",
    },
    "cpe.icpc_delay": {
        "icpc_delay_reason": "The police could not attend before 20 January.",
        "icpc_expected_date": d(date(2027, 1, 20)),
        "icpc_delay_safety": "Safety plan with grandmother; visits twice a week.",
    },
}


class Enquiry(TeamWalk):
    """One case from the decision to hold a strategy discussion, run through the services."""

    form_prefix, pages, lanes, workers, manager_tasks = "cpe.", PAGES, LANES, WHO, MANAGER_TASKS

    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        super().__init__(app, people, clock)
        self.case = factories.bare_case(people["social_worker"], first_name="Leah")
        start = {
            "case_reference": self.case.reference,
            "child_name": "Leah Smith",
            "referral_date": DECIDED.isoformat(),
            "concern_reasons": "Bruising seen at school.",
        }
        self.instance = instances.start_process(
            self.case, "child_protection_enquiry", start, people["social_worker"]
        )
        db.session.commit()

    def to_decision(self) -> None:
        assert self.due(STRATEGY) == end_of_working_day(HELD)  # 1 working day after the decision (setting)
        self.do(STRATEGY, HELD)
        # the enquiry is due 10 working days (setting) after the discussion: Wednesday 6 January
        assert self.due(S47) == end_of_working_day(date(2027, 1, 6))
        self.do(S47, date(2027, 1, 5))
        assert self.due(DECIDE) == end_of_working_day(date(2027, 1, 6))  # next working day (setting)

    def to_conference(self) -> None:
        self.to_decision()
        self.do(DECIDE, date(2027, 1, 5))
        assert self.due(CONVENE) == end_of_working_day(date(2027, 1, 7))  # 2 working days (setting)
        self.do(CONVENE, date(2027, 1, 6))
        assert self.due(ICPC) == ICPC_DUE  # 15 working days after the strategy discussion


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(DECIDED, 9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(ctx: Flask, people: dict[str, User], clock: Any) -> Enquiry:
    return Enquiry(ctx, people, clock)


# -- the conference and its outcomes -----------------------------------------------------------------
def test_a_plan_at_conference_starts_the_child_protection_plan_with_its_core_group_due(walk: Enquiry) -> None:
    walk.to_conference()
    assert walk.state().next_timer_at == ICPC_DUE
    walk.do(ICPC, date(2027, 1, 12))
    assert walk.ended_at() == "Child protection plan made"
    assert walk.state().next_timer_at is None
    [plan] = walk.handed_to()
    assert (plan.process_version.process_id, plan.start_message) == (
        "child_protection_plan",
        "child_protection_plan_made",
    )
    assert plan.case_id == walk.case.id
    # first core group: 10 working days after the conference on Tuesday 12 January -> Tuesday 26 January
    assert walk.next_tasks()["Hold the first core group meeting"] == (
        CAS,
        end_of_working_day(date(2027, 1, 26)),
    )
    kinds = [m.kind for m in db.session.scalars(db.select(Meeting).where(Meeting.case_id == walk.case.id))]
    assert sorted(kinds) == ["icpc", "strategy_discussion"]
    icpc = db.session.scalar(
        db.select(Meeting).where(Meeting.case_id == walk.case.id, Meeting.kind == "icpc")
    )
    # who was invited comes from convening; the outline plan is the conference's actions
    assert icpc.invited == (
        "The parents or carers, The child, Children's social care, Police, Health, School or nursery"
    )
    assert icpc.actions == PAGES["cpe.icpc"]["icpc_outline_plan"]
    strategy = db.session.scalar(db.select(Meeting).where(Meeting.kind == "strategy_discussion"))
    assert strategy.actions == PAGES["cpe.strategy_discussion"]["strategy_actions"]


@pytest.mark.parametrize(
    ("outcome", "end", "next_task"),
    [
        ("child_in_need", "No plan: child in need plan", "Hold the child in need planning meeting"),
        ("no_further_action", "No further action", None),
    ],
)
def test_a_conference_without_a_plan(walk: Enquiry, outcome: str, end: str, next_task: str | None) -> None:
    walk.to_conference()
    walk.do(ICPC, date(2027, 1, 12), icpc_outcome=outcome, abuse_category="", lead_social_worker="",
            icpc_outline_plan="")  # fmt: skip
    assert walk.ended_at() == end
    if next_task is None:
        assert walk.handed_to() == []
        return
    [plan] = walk.handed_to()
    assert plan.process_version.process_id == "child_in_need_plan"
    # the plan starts on the conference date: planning meeting 10 working days after 12 January
    assert walk.next_tasks()[next_task] == (CAS, end_of_working_day(date(2027, 1, 26)))


# -- before the conference -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("decision", "end", "handed"),
    [
        ("child_in_need", "No section 47 enquiry: child in need plan", True),
        ("no_further_action", "No section 47 enquiry: no further action", False),
    ],
)
def test_a_strategy_discussion_can_decide_no_enquiry(
    walk: Enquiry, decision: str, end: str, handed: bool
) -> None:
    walk.do(STRATEGY, HELD, strategy_decision=decision)
    assert walk.ended_at() == end
    assert walk.state().next_timer_at is None
    if not handed:
        assert walk.handed_to() == []
        return
    # the child in need plan starts on the strategy discussion's date: planning due 10 working days later
    assert walk.next_tasks()["Hold the child in need planning meeting"] == (
        CAS,
        end_of_working_day(date(2027, 1, 6)),
    )


@pytest.mark.parametrize(
    ("decision", "end", "handed"),
    [
        ("child_in_need", "No conference: child in need plan", True),
        ("no_further_action", "No conference: no further action", False),
    ],
)
def test_the_manager_can_decide_not_to_convene(walk: Enquiry, decision: str, end: str, handed: bool) -> None:
    walk.to_decision()
    walk.do(DECIDE, date(2027, 1, 6), icpc_decision=decision)
    assert walk.ended_at() == end
    assert len(walk.handed_to()) == int(handed)
    if handed:
        # plan start = the manager's decision on Wednesday 6 January; planning 10 working days later
        assert walk.next_tasks()["Hold the child in need planning meeting"] == (
            CAS,
            end_of_working_day(date(2027, 1, 20)),
        )


def test_a_professionals_meeting_is_held_and_the_enquiry_resumes_on_the_same_clock(walk: Enquiry) -> None:
    walk.do(STRATEGY, HELD)
    walk.do(S47, date(2026, 12, 22), s47_next_step="professionals_meeting", s47_concerns="",
            s47_completed_on=["", "", ""])  # fmt: skip
    assert walk.open() == {PROFESSIONALS}
    assert walk.due(PROFESSIONALS) == end_of_working_day(date(2027, 1, 6))  # the enquiry's own deadline
    walk.do(PROFESSIONALS, date(2026, 12, 23))
    assert walk.open() == {S47}
    assert walk.due(S47) == end_of_working_day(date(2027, 1, 6))
    meetings = db.session.scalars(db.select(Meeting).where(Meeting.kind == "professionals_meeting")).all()
    assert [m.held_on for m in meetings] == [date(2026, 12, 23)]


def test_a_further_strategy_discussion_restarts_the_conference_clock(walk: Enquiry) -> None:
    walk.do(STRATEGY, HELD)
    walk.do(S47, date(2026, 12, 22), s47_next_step="further_discussion", s47_concerns="",
            s47_completed_on=["", "", ""], s47_further_reason="A sibling has disclosed too.")  # fmt: skip
    assert walk.open() == {STRATEGY}
    assert walk.due(STRATEGY) == end_of_working_day(date(2026, 12, 23))
    walk.do(STRATEGY, date(2026, 12, 23), strategy_discussion_date=d(date(2026, 12, 23)))
    # from Wednesday 23 December: enquiry 10 working days -> Dec 24 (1) 29 30 31 Jan 4 5 6 7 8 11 (10)
    assert walk.due(S47) == end_of_working_day(date(2027, 1, 11))
    walk.do(S47, date(2027, 1, 8))
    walk.do(DECIDE, date(2027, 1, 8))
    walk.do(CONVENE, date(2027, 1, 11))
    # conference 15 working days after 23 December: ... Jan 11 (10) 12 13 14 15 (14) 18 (15)
    moved = end_of_working_day(date(2027, 1, 18))
    assert walk.due(ICPC) == moved
    assert walk.state().next_timer_at == moved
    assert walk.sweep(ICPC_DUE + SECOND) == 0  # the first discussion's deadline passes quietly


def test_a_strategy_discussion_can_be_reconvened_at_once(walk: Enquiry) -> None:
    walk.do(
        STRATEGY, HELD, strategy_decision="further_discussion", further_strategy_date=d(date(2026, 12, 21))
    )
    assert walk.open() == {STRATEGY}
    walk.do(STRATEGY, date(2026, 12, 21), strategy_discussion_date=d(date(2026, 12, 21)))
    assert walk.open() == {S47}
    kinds = db.session.scalars(db.select(Meeting.held_on).where(Meeting.kind == "strategy_discussion")).all()
    assert sorted(kinds) == [HELD, date(2026, 12, 21)]


# -- the 15 working day deadline ----------------------------------------------------------------------
def test_a_conference_not_held_in_time_asks_the_manager_why(walk: Enquiry) -> None:
    walk.to_conference()
    assert walk.sweep(ICPC_DUE - SECOND) == 0
    assert walk.sweep(ICPC_DUE + SECOND) == 1
    assert walk.open() == {ICPC, LATE}
    assert walk.due(LATE) == end_of_working_day(date(2027, 1, 14))  # the next working day
    walk.do(LATE, date(2027, 1, 14))
    assert walk.open() == {ICPC}
    walk.do(ICPC, date(2027, 1, 14), icpc_date=d(date(2027, 1, 14)))
    assert walk.ended_at() == "Child protection plan made"  # the delay branch's end is not the outcome


def test_convening_after_the_deadline_asks_once_not_twice(walk: Enquiry) -> None:
    walk.to_decision()
    walk.do(DECIDE, date(2027, 1, 12))
    assert walk.sweep(ICPC_DUE + SECOND) == 1  # the chairs have not convened it yet
    assert walk.open() == {CONVENE, LATE}
    walk.do(LATE, date(2027, 1, 14))
    walk.do(CONVENE, date(2027, 1, 14), icpc_planned_date=d(date(2027, 1, 20)))
    walk.sweep(at(date(2027, 1, 14), 18))  # the conference's own timer is already due: no second ask
    assert walk.open() == {ICPC}
    assert walk.state().next_timer_at is None
    walk.do(ICPC, date(2027, 1, 20), icpc_date=d(date(2027, 1, 20)), reports_shared_on=d(date(2027, 1, 15)))
    assert walk.ended_at() == "Child protection plan made"


# -- the forms ---------------------------------------------------------------------------------------------
def page(form_key: str, **changes: Any) -> dict[str, Any]:
    return {**PAGES[form_key], **changes}


def test_a_strategy_discussion_without_the_police_or_health_needs_a_reason(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(HELD))
    post = page("cpe.strategy_discussion", strategy_agencies=["social_care", "school"])
    assert errors_for(ctx, "cpe.strategy_discussion", post) == {
        "strategy_agency_absent_reason": [
            "Enter why children's social care, the police or health did not take part"
        ]
    }
    post["strategy_agency_absent_reason"] = "Police joined by phone the next morning."
    assert submit(ctx, "cpe.strategy_discussion", post)["strategy_agencies"] == ["social_care", "school"]


def test_an_enquiry_sent_to_the_manager_must_say_whether_concerns_are_substantiated(
    ctx: Flask, clock: Any
) -> None:
    clock.move_to(at(date(2027, 1, 5)))
    post = page("cpe.s47_enquiry", s47_concerns="", s47_child_seen="no", s47_child_seen_on=["", "", ""],
                s47_child_seen_alone="")  # fmt: skip
    assert errors_for(ctx, "cpe.s47_enquiry", post) == {
        "s47_concerns": ["Select whether the concerns are substantiated"],
        "s47_child_not_seen_reason": ["Enter why the child has not been seen"],
    }


def test_a_plan_needs_a_category_of_abuse_and_reports_shared_late_need_a_reason(
    ctx: Flask, clock: Any
) -> None:
    clock.move_to(at(date(2027, 1, 12)))
    post = page("cpe.icpc", abuse_category="", lead_social_worker="", reports_shared_on=d(date(2027, 1, 11)))
    assert errors_for(ctx, "cpe.icpc", post) == {
        "abuse_category": ["Select the category of abuse"],
        "lead_social_worker": ["Enter the lead social worker's name"],
        "reports_late_reason": ["Enter why the parents had the report late"],
    }
    # two days' notice (the setting's default) is enough
    assert submit(ctx, "cpe.icpc", page("cpe.icpc", reports_shared_on=d(date(2027, 1, 10))))


def test_parents_not_invited_to_conference_needs_a_reason(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(date(2027, 1, 6)))
    post = page("cpe.convene_icpc", icpc_invited=["social_care", "police"])
    assert errors_for(ctx, "cpe.convene_icpc", post) == {
        "icpc_parents_not_invited_reason": ["Enter why the parents have not been invited"]
    }


def test_the_report_is_shared_on_or_before_the_conference(ctx: Flask, clock: Any) -> None:
    clock.move_to(at(date(2027, 1, 14)))
    post = page("cpe.icpc", reports_shared_on=d(date(2027, 1, 13)), reports_late_reason="Typed after it.")
    assert errors_for(ctx, "cpe.icpc", post) == {
        "reports_shared_on": ["Enter the date the parents had the report, on or before the conference"]
    }
    # the day of the conference itself is on time for this check, and late for the notice
    post = page("cpe.icpc", reports_shared_on=d(date(2027, 1, 12)))
    assert errors_for(ctx, "cpe.icpc", post) == {
        "reports_late_reason": ["Enter why the parents had the report late"]
    }


def test_the_notice_the_parents_need_before_the_conference_is_the_councils(
    ctx: Flask, people: dict[str, User], clock: Any
) -> None:
    clock.move_to(at(date(2027, 1, 12)))
    four_days = page("cpe.icpc", reports_shared_on=d(date(2027, 1, 8)))
    assert submit(ctx, "cpe.icpc", four_days)  # the default notice is 2 days
    change_setting("icpc_report_notice_days", 5, people["admin"])
    db.session.commit()
    assert errors_for(ctx, "cpe.icpc", four_days) == {
        "reports_late_reason": ["Enter why the parents had the report late"]
    }


def test_convening_without_the_parents_is_refused_when_the_chair_submits_it(walk: Enquiry) -> None:
    walk.to_decision()
    walk.do(DECIDE, date(2027, 1, 5))
    assert walk.errors(CONVENE, date(2027, 1, 6), icpc_invited=["social_care", "police"]) == {
        "icpc_parents_not_invited_reason": ["Enter why the parents have not been invited"]
    }
    assert walk.open() == {CONVENE}  # refused: nothing of it kept
    why = "A court order bars the father; the mother is in hospital."
    invited = ["child", "social_care", "police"]
    walk.do(CONVENE, date(2027, 1, 6), icpc_invited=invited, icpc_parents_not_invited_reason=why)
    assert walk.open() == {ICPC}
