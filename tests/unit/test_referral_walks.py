"""Referral to Early Help: every path through the diagram, walked on the real engine.

The paths run on the real engine boundary (app.engine) with the app's diagram helpers,
save and reload the workflow at every wait, and complete each task with the data its
form produces from a posted page, on a clock moved along with the story. Each wait checks
the task's team and due date; the review loop is walked as far as it goes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.engine import Engine, ParsedDiagram
from app.timescales.working_days import deadline_iso
from tests.unit.referral_support import (
    ACE,
    CAS,
    CLOSED,
    EARLY_HELP,
    HELPERS,
    LEGAL,
    SCHOOL_CLOSED,
    START_DATA,
    STEPPED_UP,
    Walk,
    advise,
    early_help_to_first_review,
    five_pm,
    good,
    hands_to_cas,
    hands_to_legal_planning,
    review,
    school_support_reviewed,
    triage,
)


# -- (b) every path ---------------------------------------------------------------------------------
def test_triage_can_step_up_to_cas_at_once(walk: Walk) -> None:
    triage(walk, "step_up")
    hands_to_cas(walk, date(2026, 3, 3))
    assert walk.seen == [walk.seen[0]]  # triage only: no consent is needed to step up


def test_a_safeguarding_concern_found_while_advising_the_school_goes_to_cas(walk: Walk) -> None:
    triage(walk, "school_support")
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 10))  # 5 working days from triage
    advise(walk, date(2026, 3, 6), safeguarding="yes")
    hands_to_cas(walk, date(2026, 3, 6))
    assert walk.ended_at() == STEPPED_UP


@pytest.mark.parametrize(
    ("outcome", "then"),
    [("improved", None), ("safeguarding_concern", CAS), ("not_improving", ACE)],
)
def test_school_led_support_closes_steps_up_or_goes_to_ace(
    walk: Walk, outcome: str, then: str | None
) -> None:
    triage(walk, "school_support")
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 10))
    advise(walk, date(2026, 3, 6), safeguarding="no")
    school_support_reviewed(walk, outcome)
    if then is None:
        assert walk.ended_at() == SCHOOL_CLOSED
    elif then == CAS:
        hands_to_cas(walk, date(2026, 4, 17))
        assert walk.ended_at() == STEPPED_UP
    else:
        hands_to_legal_planning(walk, date(2026, 4, 17))
        assert walk.ended_at() == LEGAL
    assert walk.running.data["school_outcome"] == outcome


def test_when_the_family_refuses_consent_the_school_is_advised(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))
    walk.complete(
        "seek_consent",
        date(2026, 3, 5),
        good(
            "referral.consent",
            consent="refused",
            consent_date=["", "", ""],
            consent_given_by="",
            consent_share_with=[],
            consent_notes="Mum said she does not want services involved.",
        ),
    )
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 12))  # 5 working days from the refusal
    advise(walk, date(2026, 3, 6), safeguarding="no")
    school_support_reviewed(walk, "improved")
    assert walk.ended_at() == SCHOOL_CLOSED
    assert walk.running.data["consent"] == "refused"


def test_when_the_family_does_not_respond_the_school_is_advised(walk: Walk) -> None:
    triage(walk, "seek_consent")
    walk.next_is("seek_consent", EARLY_HELP, five_pm(2026, 3, 9))
    walk.complete(
        "seek_consent",
        date(2026, 3, 9),
        good(
            "referral.consent",
            consent="no_response",
            consent_date=["", "", ""],
            consent_given_by="",
            consent_share_with=[],
            consent_notes="Two calls, a text and a letter; no reply.",
        ),
    )
    walk.next_is("advise_school", EARLY_HELP, five_pm(2026, 3, 16))
    advise(walk, date(2026, 3, 13), safeguarding="yes")
    hands_to_cas(walk, date(2026, 3, 13))
    assert walk.ended_at() == STEPPED_UP


def test_early_help_reviews_repeat_until_the_outcomes_are_met(walk: Walk) -> None:
    early_help_to_first_review(walk)
    reviews = [
        (date(2026, 5, 1), date(2026, 6, 12)),
        (date(2026, 6, 12), date(2026, 7, 24)),
        (date(2026, 7, 24), date(2026, 9, 4)),
    ]
    due = five_pm(2026, 5, 1)  # the first review date agreed at the TAF meeting
    for on, next_review in reviews:
        task = walk.next_is("taf_review", EARLY_HELP, due)
        if on == reviews[0][0]:  # the loop must not read the outcome before the first review
            assert "review_outcome" not in walk.running.task_data(task.id)
        review(walk, on, "continue", next_review)
        due = five_pm(next_review.year, next_review.month, next_review.day)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 9, 4))
    review(walk, date(2026, 9, 4), "close_improved")
    assert walk.ended_at() == CLOSED
    # each review is a task of its own for the worklist
    review_ids = walk.seen[-4:]
    assert len(set(review_ids)) == 4
    data = walk.running.data
    assert (data["review_outcome"], data["consent"], data["case_reference"]) == (
        "close_improved",
        "given",
        "C0000042",
    )


def test_a_review_can_step_up_to_cas(walk: Walk) -> None:
    early_help_to_first_review(walk)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 5, 1))
    review(walk, date(2026, 5, 1), "continue", date(2026, 6, 12))
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 6, 12))
    review(walk, date(2026, 6, 12), "step_up", review_outcome_reasons="Bruising seen by the school nurse.")
    hands_to_cas(walk, date(2026, 6, 12))
    assert walk.ended_at() == STEPPED_UP


def test_a_review_can_refer_for_legal_planning(walk: Walk) -> None:
    early_help_to_first_review(walk)
    walk.next_is("taf_review", EARLY_HELP, five_pm(2026, 5, 1))
    review(walk, date(2026, 5, 1), "refer_legal", review_outcome_reasons="Plan not followed for 6 weeks.")
    hands_to_legal_planning(walk, date(2026, 5, 1))
    assert walk.ended_at() == LEGAL


def test_a_step_up_at_review_sends_cas_the_referral_dated_that_day(walk: Walk) -> None:
    early_help_to_first_review(walk)
    review(walk, date(2026, 5, 1), "step_up", review_outcome_reasons="Risk has increased.")
    hands_to_cas(
        walk, date(2026, 5, 1)
    )  # CAS decides within 1 working day: tests/scenarios/test_cas_assessment


def test_reviews_can_go_on_past_the_point_where_a_gateway_loop_would_stall(diagram: ParsedDiagram) -> None:
    engine = Engine(HELPERS)
    running = engine.start(diagram, START_DATA)
    steps = [
        ("triage", {"triage_decision": "seek_consent"}),
        ("seek_consent", {"consent": "given", "consent_date": "2026-03-05"}),
        ("allocate_lead_practitioner", {"allocation_date": "2026-03-10"}),
        ("early_help_assessment", {"assessment_date": "2026-03-20"}),
        ("taf_meeting", {"taf_meeting_date": "2026-03-27", "next_review_date": "2026-05-01"}),
    ]
    steps += [("taf_review", {"review_outcome": "continue", "next_review_date": "2026-06-12"})] * 400
    steps += [("taf_review", {"review_outcome": "close_improved", "next_review_date": None})]
    for bpmn_id, data in steps:
        [task] = running.ready_tasks()
        assert task.bpmn_id == bpmn_id
        running.complete_task(task.id, data)
    running = engine.load(running.dump(), diagram)
    assert running.end_event_name() == CLOSED


def test_due_dates_use_the_same_calendar_as_the_app() -> None:
    # five_pm() is what deadline_iso() means by "due": 17:00 London on a working day.
    assert datetime.fromisoformat(deadline_iso("2026-03-02", 1)) == five_pm(2026, 3, 3)
    assert datetime.fromisoformat(deadline_iso("2026-05-01", 1)) == five_pm(2026, 5, 5)
    assert five_pm(2026, 6, 1) - five_pm(2026, 3, 2) == timedelta(days=91, hours=-1)
