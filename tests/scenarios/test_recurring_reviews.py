"""Recurring reviews on a controlled clock: child in need reviews and child protection conferences.

Everything goes through the product's services: start_process on a bare case, tasks completed
with data their forms validated, timers fired by the scheduler's sweep. Each meeting lands in
the `meeting` table; the saved workflow must not grow by a round's worth of data each review.
"""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from app import scheduling
from app.admin.services import change_setting
from app.extensions import db
from app.models import HumanTask, InstanceStatus, Meeting, ProcessInstance, TaskState
from app.tasks import services as tasks
from app.timescales.working_days import add_working_days, end_of_working_day
from app.workflow import instances
from app.workflow.helpers import _plus_months
from tests import factories
from tests.conftest import login
from tests.scenarios.walk import page_errors

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Monday 4 January 2027
PLAN_START = date(2027, 1, 4)
NOTICE = timedelta(days=14)  # review tasks arrive two weeks before the review is due


def as_sent(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers as the API's JSON sends them: dates as ISO dates."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in answers.items()}


def submit(ctx: Any, task: HumanTask, user: Any, **answers: Any) -> None:
    """Complete the task through the one pipeline, which checks the answers with the task's own
    form and its named rules first (InvalidAnswers, naming what to correct, if they fail)."""
    tasks.complete_task(task, as_sent(answers), user)
    db.session.commit()


def open_by_form(case: Any, form_key: str) -> list[HumanTask]:
    return [t for t in factories.open_tasks(case) if t.form_key == form_key]


def fire_next(ctx: Any, clock: Any, instance_id: int) -> datetime:
    """Move the clock just past the instance's next timer and sweep; return when it was due."""
    db.session.expire_all()
    due = db.session.get(ProcessInstance, instance_id).next_timer_at
    assert due is not None
    clock.move_to(due - timedelta(seconds=1))
    assert scheduling.sweep(ctx) == 0  # not a second early
    clock.move_to(due + timedelta(seconds=1))
    assert scheduling.sweep(ctx) == 1
    return due


def london_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def state_size(instance_id: int) -> int:
    db.session.expire_all()
    return len(gzip.compress(db.session.get(ProcessInstance, instance_id).state))


def start_cin(case: Any, plan_start: date = PLAN_START) -> ProcessInstance:
    data = {"case_reference": case.reference, "child_name": case.child.full_name}
    instance = instances.start_process(
        case, "child_in_need_plan", {**data, "plan_start_date": plan_start.isoformat()}, None
    )
    db.session.commit()
    return instance


def review_answers(held: date, outcome: str = "continue") -> dict[str, Any]:
    return {
        "review_held_on": held,
        "review_attendees": "Sam Smith, mother; Jo Patel, Head of Year 8; Alex Reid, social worker",
        "review_child_views": "School is better now I have a mentor.",
        "review_progress": "Attendance up from 72% to 88%.",
        "review_decisions": "Keep the mentor; school nurse to see Noah this term.",
        "review_outcome": outcome,
        "next_review_date": _plus_months(held, 3),
    }


def test_cin_reviews_come_every_three_months_are_kept_as_meetings_and_stop_when_the_plan_ends(
    ctx, people
) -> None:
    worker = people["social_worker"]
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.bare_case(people["practitioner"])
        instance = start_cin(case)
        planning = open_by_form(case, "cin.planning_meeting")[0]
        assert planning.due_at == end_of_working_day(date(2027, 1, 18))  # 10 working days
        assert planning.team.name == "CAS"
        clock.move_to(datetime(2027, 1, 12, 10, 0, tzinfo=UTC))
        submit(
            ctx,
            planning,
            worker,
            planning_held_on=date(2027, 1, 12),
            planning_attendees="Sam Smith, mother; Jo Patel, school",
            planning_child_views="I want to go to school.",
            planning_decisions="Mentor at school; weekly check-ins.",
            first_review_date=date(2027, 4, 4),
        )

        previous_due, sizes = PLAN_START, [state_size(instance.id)]
        for round_ in range(6):
            fired = fire_next(ctx, clock, instance.id)
            [review] = open_by_form(case, "cin.review")
            due = london_day(review.due_at)
            assert review.due_at == end_of_working_day(due)
            assert london_day(fired) == due - NOTICE
            # On time: never more than 3 calendar months after the last, and at most 3 days sooner.
            assert _plus_months(previous_due, 3) - timedelta(days=3) <= due <= _plus_months(previous_due, 3)
            if round_ == 0:
                assert due == date(2027, 4, 4)  # exactly 3 months after the plan started
            clock.move_to(datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=10))
            submit(ctx, review, worker, **review_answers(due))
            sizes.append(state_size(instance.id))
            previous_due = due

        growth = [b - a for a, b in pairwise(sizes[1:])]
        assert all(g < 2048 for g in growth), growth
        meetings = db.session.scalars(select(Meeting).where(Meeting.case_id == case.id)).all()
        assert sorted(m.kind for m in meetings) == ["cin_planning"] + ["cin_review"] * 6
        reviews = sorted((m for m in meetings if m.kind == "cin_review"), key=lambda m: m.held_on)
        assert reviews[-1].outcome == "Continue the plan as it is"
        assert reviews[-1].next_due == _plus_months(reviews[-1].held_on, 3)
        assert "I have a mentor" in reviews[0].decisions and "Sam Smith" in reviews[0].attendees
        # Per-round keys are overwritten, never added per round.
        assert not [
            k for k in instances._load(db.session.get(ProcessInstance, instance.id)).data if k[-1].isdigit()
        ]

        # A review arrives, then the plan ends before it is held: the review closes, no more come.
        fire_next(ctx, clock, instance.id)
        [left_open] = open_by_form(case, "cin.review")
        [plan] = open_by_form(case, "cin.end_plan")
        submit(
            ctx,
            plan,
            worker,
            cin_end_reason="step_down",
            cin_end_date=london_day(datetime.now(UTC)),
            cin_end_summary="Attendance is above 90%; Early Help will keep the mentor going.",
        )
        db.session.expire_all()
        done = db.session.get(ProcessInstance, instance.id)
        assert done.status == InstanceStatus.COMPLETED
        assert done.end_event == "Stepped down to Early Help"
        assert done.next_timer_at is None
        assert db.session.get(HumanTask, left_open.id).state == TaskState.CANCELLED
        # The step-down hands the case to Early Help, whose triage is the only open task.
        [early_help] = db.session.scalars(
            select(ProcessInstance).where(ProcessInstance.started_by_id == instance.id)
        )
        assert (early_help.process_version.process_id, early_help.start_message) == (
            "referral_to_early_help",
            "early_help_referral",
        )
        stepped_down = london_day(datetime.now(UTC))
        [triage] = factories.open_tasks(case)
        assert (triage.name, triage.team.name) == ("Triage the referral", "Early Help")
        assert triage.due_at == end_of_working_day(add_working_days(stepped_down, 1))
        clock.move_to(datetime.now(UTC) + timedelta(days=400))
        assert scheduling.sweep(ctx) == 0  # the plan's reviews stopped with it


def test_changing_the_cin_review_interval_changes_plans_started_afterwards(ctx, people) -> None:
    with time_machine.travel(T0, tick=False):
        first = start_cin(factories.bare_case(people["practitioner"]))
        change_setting("cin_review_months", 2, people["admin"])
        db.session.commit()
        second = start_cin(factories.bare_case(people["practitioner"]))
        db.session.expire_all()
        old = db.session.get(ProcessInstance, first.id).next_timer_at
        new = db.session.get(ProcessInstance, second.id).next_timer_at
        assert london_day(old) == date(2027, 4, 4) - NOTICE  # started under 3 months: unchanged
        assert london_day(new) == date(2027, 3, 4) - NOTICE  # 2 months


def start_cp(case: Any, icpc: date) -> ProcessInstance:
    data = {
        "case_reference": case.reference,
        "child_name": case.child.full_name,
        "icpc_date": icpc.isoformat(),
    }
    instance = instances.start_process(case, "child_protection_plan", data, None)
    db.session.commit()
    return instance


def conference_answers(held: date) -> dict[str, Any]:
    return {
        "conference_held_on": held,
        "conference_attendees": "Chair: R Khan; Sam Smith, mother; Alex Reid, social worker",
        "conference_child_views": "Shared through the advocate.",
        "conference_decisions": "Still at risk of significant harm; the plan continues.",
        "conference_outcome": "continue",
        "next_conference_date": _plus_months(held, 6),
    }


def test_cp_review_conferences_first_at_three_months_then_every_six(ctx, people, client) -> None:
    worker, icpc = people["social_worker"], date(2027, 1, 4)
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.bare_case(people["practitioner"])
        instance = start_cp(case, icpc)
        [core] = open_by_form(case, "cp.core_group")
        assert core.due_at == end_of_working_day(date(2027, 1, 18))  # 10 working days after the ICPC
        submit(
            ctx,
            core,
            worker,
            core_group_held_on=date(2027, 1, 4),
            core_group_attendees="Sam Smith, mother; Jo Patel, school; Alex Reid, social worker",
            core_group_decisions="Weekly visits; school to report absence the same day.",
            next_core_group_date=date(2027, 2, 1),
        )

        dues = []
        for _ in range(4):
            fired = fire_next(ctx, clock, instance.id)
            [conference] = open_by_form(case, "cp.review_conference")
            due = london_day(conference.due_at)
            assert london_day(fired) == due - NOTICE
            dues.append(due)
            clock.move_to(datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=10))
            submit(ctx, conference, worker, **conference_answers(due))

        assert dues[0] == date(2027, 4, 4)  # 3 months after the ICPC
        assert dues[1] == date(2027, 10, 4)  # 6 months after the first review
        for before, after in pairwise(dues[1:]):
            assert _plus_months(before, 6) - timedelta(days=3) <= after <= _plus_months(before, 6)
        assert dues[1] <= _plus_months(dues[0], 6)

        login(client, "social.worker@example.org")
        page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
        meetings_html = page.split('id="meetings"', 1)[1].split("</table>", 1)[0]
        assert meetings_html.count("Child protection review conference") == 4
        assert "Core group meeting" in meetings_html
        assert "Yes, the plan continues" in meetings_html


def test_a_child_in_need_plan_stepping_up_asks_for_a_strategy_discussion(ctx, people) -> None:
    with time_machine.travel(T0, tick=False):
        case = factories.bare_case(people["practitioner"])
        instance = start_cin(case)
        [plan] = open_by_form(case, "cin.end_plan")
        submit(
            ctx,
            plan,
            people["social_worker"],
            cin_end_reason="step_up",
            cin_end_date=PLAN_START,
            cin_end_summary="Bruising seen at school; the mother's new partner has moved in.",
        )
    db.session.expire_all()
    done = db.session.get(ProcessInstance, instance.id)
    assert (done.status, done.end_event) == (InstanceStatus.COMPLETED, "Stepped up to child protection")
    [enquiry] = db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.started_by_id == instance.id)
    )
    assert (enquiry.process_version.process_id, enquiry.start_message) == (
        "child_protection_enquiry",
        "strategy_discussion_needed",
    )
    [discussion] = factories.open_tasks(case)
    # within 1 working day (strategy_discussion_working_days) of Monday 4 January: Tuesday 5 January
    assert (discussion.name, discussion.team.name) == ("Hold the strategy discussion", "CAS")
    assert discussion.due_at == end_of_working_day(date(2027, 1, 5))


def core_group_answers(held: date, next_date: date) -> dict[str, Any]:
    return {
        "core_group_held_on": held,
        "core_group_attendees": "Sam Smith, mother; Jo Patel, school; Alex Reid, social worker",
        "core_group_decisions": "Visits twice a week; school reports any absence the same day.",
        "next_core_group_date": next_date,
    }


def test_core_groups_meet_on_the_dates_they_agree_until_the_plan_ends(ctx, people) -> None:
    worker, icpc = people["social_worker"], date(2027, 1, 4)
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.bare_case(people["practitioner"])
        instance = start_cp(case, icpc)
        held, agreed = date(2027, 1, 11), [date(2027, 2, 8), date(2027, 3, 15), date(2027, 4, 19)]
        [core] = open_by_form(case, "cp.core_group")
        for next_date in agreed:
            clock.move_to(datetime.combine(held, datetime.min.time(), UTC) + timedelta(hours=10))
            submit(ctx, core, worker, **core_group_answers(held, next_date))
            [core] = open_by_form(case, "cp.core_group")
            assert (core.name, core.team.name) == ("Hold the next core group meeting", "CAS")
            assert core.due_at == end_of_working_day(next_date)  # the date the core group agreed
            held = next_date
        kinds = db.session.scalars(select(Meeting.kind).where(Meeting.case_id == case.id)).all()
        assert kinds == ["core_group"] * 3

        [plan] = open_by_form(case, "cp.end_plan")
        submit(
            ctx,
            plan,
            worker,
            cp_end_reason="no_plan",
            cp_end_date=held,
            cp_end_summary="The review conference found the child no longer at risk of significant harm.",
        )
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).status == InstanceStatus.COMPLETED
    assert db.session.get(HumanTask, core.id).state == TaskState.CANCELLED  # no more core groups


def test_the_next_core_group_must_be_within_the_local_interval(ctx, people) -> None:
    worker = people["social_worker"]
    with time_machine.travel(datetime(2027, 1, 12, 10, 0, tzinfo=UTC), tick=False):
        case = factories.bare_case(people["practitioner"])
        start_cp(case, date(2027, 1, 4))
        [core] = open_by_form(case, "cp.core_group")

        def errors(next_date: date) -> dict[str, list[str]]:
            return page_errors(core, as_sent(core_group_answers(date(2027, 1, 11), next_date)), worker)

        # Held Monday 11 January: the default interval, 6 weeks, runs to Monday 22 February.
        assert errors(date(2027, 2, 22)) == {}
        assert errors(date(2027, 3, 1)) == {
            "next_core_group_date": ["The next core group must be within 6 weeks of this one"]
        }
        assert errors(date(2027, 1, 11)) == {
            "next_core_group_date": ["The next core group must be after this one"]
        }
        # The interval is the council's: at 4 weeks, Monday 8 February is the latest.
        change_setting("core_group_interval_weeks", 4, people["admin"])
        db.session.commit()
        assert errors(date(2027, 2, 8)) == {}
        assert errors(date(2027, 2, 9)) == {
            "next_core_group_date": ["The next core group must be within 4 weeks of this one"]
        }
