"""One child's journey across four processes, on one case, through the product's services.

A school refers to Early Help; triage steps up to CAS at once; CAS assesses and finds
reasonable cause to suspect significant harm; the strategy discussion starts a section 47
enquiry; the initial child protection conference makes a plan. Each hand-off is a message
that starts the next process on the same case, so the case keeps its whole history.

Dates (Europe/London, exclusive start, England and Wales bank holidays):
- referred Monday 30 November 2026; stepped up the same day, so CAS decides by Tuesday 1 December;
- the assessment outcome on Friday 11 December, so the strategy discussion is due Monday 14 December;
- the strategy discussion held on 14 December, so the conference is due 15 working days later,
  Thursday 7 January 2027 (skipping 25 and 28 December and 1 January);
- the conference on Wednesday 6 January, so the first core group is due Wednesday 20 January.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, InstanceStatus, ProcessInstance, User
from app.tasks import services as tasks
from app.timescales.working_days import end_of_working_day
from tests import factories
from tests.conftest import login
from tests.scenarios.test_cas_assessment import PAGES as CAS_PAGES
from tests.scenarios.test_child_protection_enquiry import PAGES as ENQUIRY_PAGES
from tests.unit.referral_support import d, good, submit

PAGES = {**CAS_PAGES, **ENQUIRY_PAGES}


class Journey:
    def __init__(self, app: Flask, people: dict[str, User], clock: Any) -> None:
        self.app, self.people, self.clock = app, people, clock
        self.on(date(2026, 11, 30))
        self.case: Case = factories.refer(people["school"], referral_date=date(2026, 11, 30))

    def on(self, day: date) -> None:
        self.clock.move_to(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))

    def next_task(self) -> HumanTask:
        [task] = factories.open_tasks(self.case)
        return task

    def expect(self, name: str, team: str, due: date) -> HumanTask:
        task = self.next_task()
        assert (task.name, task.team.name, task.due_at) == (name, team, end_of_working_day(due))
        return task

    def do(self, on: date, who: str, post: dict[str, Any]) -> None:
        self.on(on)
        task = self.next_task()
        tasks.complete_task(task, submit(self.app, task.form_key, post), self.people[who])
        db.session.commit()

    def page(self, form_key: str, **changes: Any) -> dict[str, Any]:
        return {**PAGES[form_key], **changes}

    def instances(self) -> list[ProcessInstance]:
        db.session.expire_all()
        query = (
            select(ProcessInstance)
            .where(ProcessInstance.case_id == self.case.id)
            .order_by(ProcessInstance.id)
        )
        return list(db.session.scalars(query))


@pytest.fixture
def journey(ctx: Flask, people: dict[str, User]) -> Iterator[Journey]:
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=UTC), tick=False) as clock:
        yield Journey(ctx, people, clock)


def test_a_child_referred_for_attendance_reaches_a_child_protection_plan_on_one_case(
    journey: Journey, client
) -> None:
    j = journey
    j.expect("Triage the referral", "Early Help", date(2026, 12, 1))
    j.do(date(2026, 11, 30), "practitioner", good("referral.triage", triage_decision="step_up"))

    j.expect("Decide on the referral", "CAS", date(2026, 12, 1))
    j.do(date(2026, 12, 1), "manager", j.page("cas.referral_decision"))
    j.do(date(2026, 12, 2), "manager", j.page("cas.allocate", allocated_on=d(date(2026, 12, 2))))
    j.do(
        date(2026, 12, 9),
        "social_worker",
        j.page(
            "cas.assessment", child_seen_on=d(date(2026, 12, 8)), assessment_completed_on=d(date(2026, 12, 9))
        ),
    )
    j.do(date(2026, 12, 10), "manager", j.page("cas.authorise"))
    j.do(date(2026, 12, 11), "manager", j.page("cas.outcome", assessment_outcome="s47_enquiries"))

    j.expect("Hold the strategy discussion", "CAS", date(2026, 12, 14))
    held = date(2026, 12, 14)
    j.do(held, "social_worker", j.page("cpe.strategy_discussion", strategy_discussion_date=d(held)))
    j.expect("Carry out the section 47 enquiry", "CAS", date(2026, 12, 30))  # 10 working days
    j.do(
        date(2026, 12, 22),
        "social_worker",
        j.page(
            "cpe.s47_enquiry", s47_child_seen_on=d(date(2026, 12, 15)), s47_completed_on=d(date(2026, 12, 22))
        ),
    )
    j.do(date(2026, 12, 22), "manager", j.page("cpe.icpc_decision"))
    j.do(date(2026, 12, 23), "chair", j.page("cpe.convene_icpc", icpc_planned_date=d(date(2027, 1, 6))))
    j.expect("Hold the initial child protection conference", "Child Protection Chairs", date(2027, 1, 7))
    j.do(
        date(2027, 1, 6),
        "chair",
        j.page("cpe.icpc", icpc_date=d(date(2027, 1, 6)), reports_shared_on=d(date(2027, 1, 4))),
    )

    # The plan's first core group is due 10 working days after the conference.
    core_group = [t for t in factories.open_tasks(j.case) if t.name == "Hold the first core group meeting"]
    assert [(t.team.name, t.due_at) for t in core_group] == [("CAS", end_of_working_day(date(2027, 1, 20)))]

    # Four processes on one case, each started by the one before it.
    chain = j.instances()
    assert [i.process_version.process_id for i in chain] == [
        "referral_to_early_help",
        "cas_assessment",
        "child_protection_enquiry",
        "child_protection_plan",
    ]
    assert [i.started_by_id for i in chain] == [None, chain[0].id, chain[1].id, chain[2].id]
    assert [i.start_message for i in chain] == [
        "",
        "cas_referral",
        "strategy_discussion_needed",
        "child_protection_plan_made",
    ]
    assert [i.status for i in chain] == [InstanceStatus.COMPLETED] * 3 + [InstanceStatus.RUNNING]
    assert [i.end_event for i in chain[:3]] == [
        "Stepped up to social care",
        "Section 47 enquiries",
        "Child protection plan made",
    ]
    handed = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.case_id == j.case.id, AuditEvent.action == "process.handed_over"
        )
    ).all()
    assert sorted(handed) == [
        "Child and family assessment to Strategy discussion, section 47 enquiry and initial conference",
        "Referral to Early Help to Child and family assessment",
        "Strategy discussion, section 47 enquiry and initial conference to Child protection plan",
    ]

    # The case page tells the whole story to the manager.
    login(client, "manager@example.org")
    page = client.get(f"/cases/{j.case.reference}").get_data(as_text=True)
    assert page.count("Handed on by") == 3
    for step in ["Triage the referral", "Record the assessment outcome", "Hold the strategy discussion"]:
        assert step in page
