"""Every path of Referral to Early Help, walked through the product as its users would.

Each step posts the task's page as a member of the team whose queue the task is in, then
checks where the case went: the next task, its team queue, its due date, or the outcome.
The clock is fixed at Monday 16 March 2026, 10:00; the referral is dated Friday 13 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from app.admin.services import change_setting
from app.extensions import db
from app.models import Case, InstanceStatus, Meeting, ProcessInstance
from app.timescales.working_days import add_working_days, end_of_working_day
from tests import factories
from tests.conftest import login
from tests.unit.referral_support import good

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
REFERRED = date(2026, 3, 13)
WORKERS = {
    "Early Help": "practitioner@example.org",
    "Schools": "school@example.org",
    "CAS": "social.worker@example.org",
    "ACE": "attendance.officer@example.org",
}


class Journey:
    def __init__(self, app: Any, case: Case) -> None:
        self.case = case
        self.clients: dict[str, FlaskClient] = {}
        self.app = app
        self.steps: list[str] = []

    def client_for(self, lane: str) -> FlaskClient:
        if lane not in self.clients:
            self.clients[lane] = self.app.test_client()
            login(self.clients[lane], WORKERS[lane])
        return self.clients[lane]

    def do(self, form_key: str, expect_lane: str, expect_due: date | None = None, **changes: Any) -> None:
        """Complete the one open task, which must be `form_key` in `expect_lane`'s queue."""
        task = factories.only_open_task(self.case)
        assert (task.form_key, task.lane, task.team.name) == (form_key, expect_lane, expect_lane)
        if expect_due is not None:
            assert task.due_at == end_of_working_day(expect_due), task.name
        page = self.client_for(task.lane).get(f"/tasks/{task.id}")
        assert page.status_code == 200 and task.name in page.get_data(as_text=True)
        response = self.client_for(task.lane).post(f"/tasks/{task.id}", data=good(form_key, **changes))
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        self.steps.append(task.name)

    def refused(self, form_key: str, **changes: Any) -> str:
        """Post the one open task's page, which must be refused (400) and shown again: its HTML."""
        task = factories.only_open_task(self.case)
        assert task.form_key == form_key
        response = self.client_for(task.lane).post(f"/tasks/{task.id}", data=good(form_key, **changes))
        assert response.status_code == 400
        return response.get_data(as_text=True)

    def finished_at(self) -> str:
        """Where the referral ended; no task of it is left open (a hand-off may have started more)."""
        db.session.expire_all()
        instance = self.referral()
        assert instance.status == InstanceStatus.COMPLETED
        assert [t for t in factories.open_tasks(self.case) if t.instance_id == instance.id] == []
        return instance.end_event

    def referral(self) -> ProcessInstance:
        return db.session.scalars(
            db.select(ProcessInstance)
            .where(ProcessInstance.case_id == self.case.id)
            .order_by(ProcessInstance.id)
        ).first()

    def handed_on(self) -> list[tuple[str, str]]:
        """The processes the referral handed the case to, with the message each was started by."""
        started = db.session.scalars(
            db.select(ProcessInstance).where(ProcessInstance.started_by_id == self.referral().id)
        )
        return [(i.process_version.process_id, i.start_message) for i in started]


@pytest.fixture
def journey(ctx, people) -> Iterator[Journey]:
    with time_machine.travel(NOW, tick=False):
        case = factories.refer(people["school"], referral_date=REFERRED)
        yield Journey(ctx, case)


def triage(j: Journey, decision: str) -> None:
    j.do("referral.triage", "Early Help", date(2026, 3, 16), triage_decision=decision)


def consent(j: Journey, answer: str) -> None:
    changes: dict[str, Any] = {"consent": answer}
    if answer != "given":
        changes |= {
            "consent_given_by": "",
            "consent_notes": "Letters on 13 and 16 March; two calls.",
            "consent_date": "",
        }
    j.do("referral.consent", "Early Help", date(2026, 3, 20), **changes)


def to_first_review(j: Journey) -> None:
    triage(j, "seek_consent")
    consent(j, "given")
    j.do("referral.allocate", "Early Help", date(2026, 3, 19))  # 5 working days after consent on 12 March
    j.do("referral.assessment", "Early Help", date(2026, 3, 27))  # 10 after allocation on 13 March
    j.do("referral.taf_meeting", "Early Help", date(2026, 4, 7))  # 15 WD: skips Good Friday, Easter Monday


def advise(j: Journey, safeguarding: str) -> None:
    extra = {"safeguarding_details": "Bruising seen by the class teacher."} if safeguarding == "yes" else {}
    j.do(
        "referral.advise_school", "Early Help", date(2026, 3, 23), safeguarding_concern=safeguarding, **extra
    )


def handed_to_legal_planning(j: Journey) -> None:
    """The referral ends and ACE's legal planning process first checks that support came first."""
    assert j.finished_at() == "Referred for legal planning"
    assert j.handed_on() == [("attendance_legal_planning", "legal_planning_referral")]
    [check] = factories.open_tasks(j.case)
    assert (check.name, check.team.name) == ("Check support was offered first", "ACE")
    referred_on = datetime.now(UTC).date()  # 5 working days (legal_support_check_working_days)
    assert check.due_at == end_of_working_day(add_working_days(referred_on, 5))


def step_up_screened(j: Journey) -> None:
    """The step-up ends the referral and hands the case to CAS, whose referral decision is next."""
    assert j.finished_at() == "Stepped up to social care"
    assert j.handed_on() == [("cas_assessment", "cas_referral")]
    [decision] = factories.open_tasks(j.case)
    assert (decision.name, decision.lane, decision.team.name) == ("Decide on the referral", "CAS", "CAS")
    stepped_up_on = datetime.now(UTC).date()  # the clock the journey stands at: CAS received it today
    assert decision.due_at == end_of_working_day(add_working_days(stepped_up_on, 1))


def test_a_safeguarding_concern_at_triage_steps_up_to_cas_without_consent(journey: Journey) -> None:
    triage(journey, "step_up")
    step_up_screened(journey)
    assert journey.steps == ["Triage the referral"]


def test_below_threshold_school_led_support_that_works_closes(journey: Journey) -> None:
    triage(journey, "school_support")
    advise(journey, "no")
    journey.do("referral.school_support", "Schools", date(2026, 4, 24), school_outcome="improved")
    assert journey.finished_at() == "Closed: school-led support worked"


def test_school_led_support_that_does_not_work_goes_to_ace_for_legal_planning(journey: Journey) -> None:
    triage(journey, "school_support")
    advise(journey, "no")
    journey.do(
        "referral.school_support",
        "Schools",
        school_outcome="not_improving",
        school_outcome_reasons="Attendance still 78%; family not engaging.",
    )
    handed_to_legal_planning(journey)


def test_a_safeguarding_concern_during_school_led_support_steps_up(journey: Journey) -> None:
    triage(journey, "school_support")
    advise(journey, "no")
    journey.do(
        "referral.school_support",
        "Schools",
        school_outcome="safeguarding_concern",
        school_outcome_reasons="Child disclosed being left alone overnight.",
    )
    step_up_screened(journey)


def test_a_safeguarding_concern_when_advising_the_school_steps_up(journey: Journey) -> None:
    triage(journey, "school_support")
    advise(journey, "yes")
    step_up_screened(journey)


@pytest.mark.parametrize("answer", ["refused", "no_response"])
def test_without_consent_the_school_leads_with_early_help_advice(journey: Journey, answer: str) -> None:
    triage(journey, "seek_consent")
    consent(journey, answer)
    advise(journey, "no")
    journey.do("referral.school_support", "Schools", school_outcome="improved")
    assert journey.finished_at() == "Closed: school-led support worked"


def test_consent_given_lead_practitioner_plan_and_reviews_until_outcomes_are_met(journey: Journey) -> None:
    to_first_review(journey)
    journey.do("referral.review", "Early Help", date(2026, 4, 24), review_outcome="continue")
    journey.do(
        "referral.review",
        "Early Help",
        date(2026, 5, 1),
        review_outcome="continue",
        next_review_date=["5", "6", "2026"],
    )
    journey.do(
        "referral.review",
        "Early Help",
        date(2026, 6, 5),
        review_outcome="close_improved",
        next_review_date="",
    )
    assert journey.finished_at() == "Closed: outcomes met"
    assert journey.steps.count("Review the family plan") == 3
    meetings = db.session.scalars(
        db.select(Meeting).where(Meeting.case_id == journey.case.id).order_by(Meeting.id)
    ).all()
    assert [(m.kind, m.held_on) for m in meetings] == [
        ("taf_meeting", date(2026, 3, 16)),
        ("taf_review", date(2026, 3, 16)),
        ("taf_review", date(2026, 3, 16)),
        ("taf_review", date(2026, 3, 16)),
    ]
    plan = meetings[0]
    assert plan.decisions == "Attendance above 90% by the end of the summer term."
    assert plan.actions.startswith("School: soft start and a mentor")
    assert [m.outcome for m in meetings[1:]] == [
        "Continue the plan and review it again",
        "Continue the plan and review it again",
        "Close: the outcomes are met",
    ]


def test_a_review_can_step_up_to_social_care(journey: Journey) -> None:
    to_first_review(journey)
    journey.do(
        "referral.review",
        "Early Help",
        review_outcome="step_up",
        next_review_date="",
        review_outcome_reasons="Domestic abuse disclosed at the review.",
    )
    step_up_screened(journey)


def test_a_review_can_refer_to_ace_for_legal_planning(journey: Journey) -> None:
    to_first_review(journey)
    journey.do(
        "referral.review",
        "Early Help",
        review_outcome="refer_legal",
        next_review_date="",
        review_outcome_reasons="Support offered since January and not taken up.",
    )
    handed_to_legal_planning(journey)


def test_the_first_review_must_be_within_the_councils_interval_of_the_plan_meeting(
    journey: Journey, people: dict[str, Any]
) -> None:
    triage(journey, "seek_consent")
    consent(journey, "given")
    journey.do("referral.allocate", "Early Help")
    journey.do("referral.assessment", "Early Help")
    # The meeting on Monday 16 March; the default interval, 6 weeks, runs to Monday 27 April.
    page = journey.refused("referral.taf_meeting", next_review_date=["28", "4", "2026"])
    assert "Date of the first review must be no more than 6 weeks after the meeting" in page
    assert 'value="28"' in page  # what was typed is kept
    page = journey.refused("referral.taf_meeting", next_review_date=["16", "3", "2026"])
    assert "Date of the first review must be after the meeting" in page
    change_setting("taf_review_weeks", 8, people["admin"])
    db.session.commit()
    journey.do("referral.taf_meeting", "Early Help", next_review_date=["28", "4", "2026"])
    assert factories.only_open_task(journey.case).form_key == "referral.review"


def test_a_review_that_steps_up_or_refers_on_must_say_why(journey: Journey) -> None:
    to_first_review(journey)
    page = journey.refused("referral.review", review_outcome="step_up", next_review_date="")
    assert "Enter why the family is being stepped up to CAS" in page
    page = journey.refused("referral.review", review_outcome="refer_legal", next_review_date="")
    assert "Enter why the family is being referred for legal planning" in page
    page = journey.refused("referral.review", review_outcome="continue", next_review_date=["1", "8", "2026"])
    assert "Date of the next review must be no more than 3 months after the review" in page
