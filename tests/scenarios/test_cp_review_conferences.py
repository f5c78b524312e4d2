"""Child protection review conferences are timed from the conference actually held.

Working together to safeguard children 2023: the first review conference within 3 months of the
initial conference, then each one within 6 months of the one before. A review held late moves the
next one with it, and the date each conference agrees for the next is the date the product uses,
if it is within 6 months of the conference held. Review tasks arrive 14 days before they are due.
Hand-worked dates are beside each step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting, ProcessInstance
from app.timescales.working_days import end_of_working_day
from tests import factories
from tests.conftest import login
from tests.scenarios.test_recurring_reviews import (
    NOTICE,
    T0,
    as_sent,
    conference_answers,
    fire_next,
    london_day,
    open_by_form,
    start_cp,
    submit,
)
from tests.scenarios.walk import page_errors

REVIEW = "cp.review_conference"


def at_ten(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)


def hold(
    ctx: Any, clock: Any, case: Any, worker: Any, held: date, next_date: date | None, **changes: Any
) -> None:
    [conference] = open_by_form(case, REVIEW)
    clock.move_to(at_ten(held))
    answers = {**conference_answers(held), "next_conference_date": next_date, **changes}
    submit(ctx, conference, worker, **{k: v for k, v in answers.items() if v is not None})


def test_each_review_is_due_on_the_date_the_last_one_agreed_within_6_months_of_it_being_held(
    ctx, people, client
) -> None:
    worker, icpc = people["social_worker"], date(2027, 1, 4)
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.bare_case(people["practitioner"])
        instance = start_cp(case, icpc)

        # First review: 3 months after the ICPC of Monday 4 January 2027 is Sunday 4 April; the task
        # arrives 14 days before, on 21 March.
        fired = fire_next(ctx, clock, instance.id)
        [first] = open_by_form(case, REVIEW)
        assert first.due_at == end_of_working_day(date(2027, 4, 4))
        assert london_day(fired) == date(2027, 3, 21)

        # Held late, on Tuesday 20 April. It agrees the next for Wednesday 20 October 2027: 6 months
        # after the conference held, not after the 4 April it was planned for (which would make the
        # next due 4 October).
        hold(ctx, clock, case, worker, date(2027, 4, 20), date(2027, 10, 20))
        assert open_by_form(case, REVIEW) == []
        db.session.expire_all()
        assert london_day(db.session.get(ProcessInstance, instance.id).next_timer_at) == date(2027, 10, 6)
        fired = fire_next(ctx, clock, instance.id)
        [second] = open_by_form(case, REVIEW)
        assert second.due_at == end_of_working_day(date(2027, 10, 20))
        assert london_day(fired) == date(2027, 10, 20) - NOTICE

        # The case page's meeting history gives the same next date as the task.
        login(client, "social.worker@example.org")
        page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
        meetings_html = page.split('id="meetings"', 1)[1].split("</table>", 1)[0]
        assert "20 Oct 2027" in meetings_html

        # Held early, on Monday 11 October, agreeing a shorter gap: 3 months, Tuesday 11 January 2028.
        hold(ctx, clock, case, worker, date(2027, 10, 11), date(2028, 1, 11))
        fire_next(ctx, clock, instance.id)
        [third] = open_by_form(case, REVIEW)
        assert third.due_at == end_of_working_day(date(2028, 1, 11))
        assert third.name == second.name == "Hold the next child protection review conference"

        # The conference decides the plan should end: no next date, and no more reviews come.
        hold(ctx, clock, case, worker, date(2028, 1, 11), None, conference_outcome="step_down")
        db.session.expire_all()
        assert db.session.get(ProcessInstance, instance.id).next_timer_at is None
        assert open_by_form(case, REVIEW) == [] and open_by_form(case, "cp.end_plan")

    held = db.session.scalars(
        select(Meeting.held_on).where(Meeting.case_id == case.id, Meeting.kind == "cp_review_conference")
    ).all()
    assert sorted(held) == [date(2027, 4, 20), date(2027, 10, 11), date(2028, 1, 11)]


def test_the_next_review_must_be_after_this_one_and_within_6_months_of_it(ctx, people) -> None:
    worker = people["social_worker"]
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.bare_case(people["practitioner"])
        instance = start_cp(case, date(2027, 1, 4))
        fire_next(ctx, clock, instance.id)
        [conference] = open_by_form(case, REVIEW)
        clock.move_to(at_ten(date(2027, 9, 1)))

        def errors(held: date, next_date: date | None) -> dict[str, list[str]]:
            answers = {**conference_answers(held), "next_conference_date": next_date}
            return page_errors(conference, as_sent(answers), worker)

        # Held Tuesday 20 April 2027: 6 months on is Wednesday 20 October.
        assert errors(date(2027, 4, 20), date(2027, 10, 20)) == {}
        assert errors(date(2027, 4, 20), date(2027, 10, 21)) == {
            "next_conference_date": ["The next review conference must be within 6 months of this one"]
        }
        assert errors(date(2027, 4, 20), date(2027, 4, 20)) == {
            "next_conference_date": ["The next review conference must be after this one"]
        }
        # Held Tuesday 31 August 2027: 6 months on is the last day of February, 29 February 2028.
        assert errors(date(2027, 8, 31), date(2028, 2, 29)) == {}
        assert errors(date(2027, 8, 31), date(2028, 3, 1)) == {
            "next_conference_date": ["The next review conference must be within 6 months of this one"]
        }
        # While the plan continues the next date is needed; when it ends, it is not.
        assert errors(date(2027, 8, 31), None) == {
            "next_conference_date": ["Enter the date of the next review conference"]
        }
        page = {**conference_answers(date(2027, 8, 31)), "conference_outcome": "end"}
        assert page_errors(conference, as_sent(page), worker) == {}
