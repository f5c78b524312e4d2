"""Attendance support at tiers 3 and 4: plans, reviews, the targeting support meeting and referrals on.

The walk, its page data and its fixtures are in tests/scenarios/attendance_support_walk.py: a school
asks for support on Tuesday 1 December 2026, on the LA's default term dates (autumn term to
18 December, spring term from 4 January with an INSET day that day). Hand-worked due dates are in
the comments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.timescales.working_days import end_of_working_day
from app.workflow import instances
from tests import factories
from tests.scenarios.attendance_support_walk import (
    AGAIN,
    EARLY,
    EARLY_HELP,
    HEALTH,
    IMPROVED,
    LEGAL,
    MEET,
    MISSING,
    PAGES,
    PLAN,
    REVIEW,
    SAFEGUARDING,
    TSM,
    to_plan_review,
)
from tests.scenarios.attendance_support_walk import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.attendance_support_walk import support_fixture as support_fixture  # a fixture
from tests.unit.referral_support import d


# -- tiers 3 and 4 ------------------------------------------------------------------------------
def test_a_plan_reviewed_until_attendance_improves_closes(support: Any) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="continue",
        support_result="working",
        next_review_date=d(date(2027, 3, 12)),
    )
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 3, 12)))
    walk.do(REVIEW, date(2027, 3, 12), review_held_on=d(date(2027, 3, 12)))
    assert walk.ended_at() == IMPROVED
    assert [kind for kind, _ in walk.meetings()] == [
        "attendance_meeting",
        "attendance_plan_review",
        "attendance_plan_review",
    ]


def test_a_severely_absent_pupil_goes_to_the_targeting_support_meeting_and_on_to_early_help(
    support: Any,
) -> None:
    walk = support("45.0")
    walk.do(MEET, date(2026, 12, 10))
    # Severely absent: always discussed, though the plan says no other agencies are needed. No
    # meeting date given: 6 school weeks from Friday 11 December, skipping the Christmas holiday
    # (weeks of 14 Dec, 4, 11, 18, 25 Jan and 1 Feb): Friday 5 February 2027.
    walk.do(PLAN, date(2026, 12, 11))
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 2, 5)))
    walk.do(TSM, date(2027, 1, 14), "ace")
    assert walk.ended_at() == EARLY_HELP
    assert walk.handed_to() == [("referral_to_early_help", "early_help_referral")]
    [triage] = factories.open_tasks(walk.case)
    assert (triage.name, triage.team.name) == ("Triage the referral", "Early Help")
    early_help = walk.all_instances()[1]
    received = instances._load(early_help).data
    assert received["attendance_percent"] == 44.0
    assert received["referral_date"] == "2027-01-14"
    assert received["concern_reasons"].startswith("Severely absent (attendance now 44.0%). Barriers: Amelia")
    assert "Housing and a parent's illness" in received["concern_reasons"]
    assert ("targeting_support_meeting", date(2027, 1, 14)) in walk.meetings()


def test_the_targeting_support_meeting_is_due_on_the_date_the_plan_gives(support: Any) -> None:
    walk = support("80.0")
    walk.do(MEET, date(2026, 12, 10))
    walk.do(PLAN, date(2026, 12, 11), needs_multi_agency="yes", tsm_date=d(date(2027, 1, 20)))
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 1, 20)))
    walk.do(TSM, date(2027, 1, 20), "ace", tsm_decision="continue", referral_reasons="")
    walk.next_is(REVIEW, "Schools", end_of_working_day(date(2027, 1, 29)))


def test_a_review_can_put_the_pupil_forward_to_the_meeting_which_refers_a_safeguarding_concern(
    support: Any,
) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="tsm",
        support_result="not_working",
        next_review_date=d(date(2027, 3, 5)),
    )
    # No meeting date: 6 school weeks from Friday 29 January; half term is 15-19 February, so the
    # weeks of 1, 8, 22 Feb and 1, 8, 15 March: Friday 19 March 2027.
    walk.next_is(TSM, "ACE", end_of_working_day(date(2027, 3, 19)))
    walk.do(
        TSM,
        date(2027, 2, 4),
        "ace",
        tsm_held_on=d(date(2027, 2, 4)),
        tsm_decision="safeguarding",
        referral_reasons="Mum disclosed at the meeting that Amelia is left alone overnight.",
    )
    assert walk.ended_at() == SAFEGUARDING
    assert walk.handed_to() == [("cas_assessment", "cas_referral")]
    [decision] = factories.open_tasks(walk.case)
    assert (decision.name, decision.team.name) == ("Decide on the referral", "CAS")
    assert instances._load(walk.all_instances()[1]).data["step_up_reasons"].startswith("Mum disclosed")


def test_legal_planning_follows_support_that_was_not_engaged_with(support: Any) -> None:
    walk = support("78.0")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        support_result="not_engaged",
        review_outcome="legal_planning",
        attendance_now_percent="74.0",
        referral_reasons="Mentor sessions and the soft start refused; mum missed two meetings.",
    )
    assert walk.ended_at() == LEGAL
    assert walk.handed_to() == [("attendance_legal_planning", "legal_planning_referral")]
    [check] = factories.open_tasks(walk.case)
    # ACE checks the support within 5 working days of Friday 29 January: Friday 5 February
    assert (check.name, check.team.name) == ("Check support was offered first", "ACE")
    assert check.due_at == end_of_working_day(date(2027, 2, 5))


def test_support_first_legal_planning_without_support_tried_returns_to_the_family(support: Any) -> None:
    walk = support("78.0")
    to_plan_review(walk)
    # The form refuses this; the diagram's guard holds even so.
    page = {**PAGES["attendance.review"], "review_outcome": "legal_planning", "support_result": "working"}
    asked = {**page, "referral_reasons": "Asked by the head."}
    assert walk.errors(REVIEW, date(2027, 1, 29), **asked) == {
        "review_outcome": [
            "Legal planning comes only after support was not engaged with or did not work:"
            " select another outcome"
        ]
    }
    data = {k: v for k, v in page.items() if not isinstance(v, list)} | {
        "review_held_on": "2027-01-29",
        "attendance_now_percent": 80.0,
        "next_review_date": None,
        "tsm_date": None,
    }
    walk.force(REVIEW, date(2027, 1, 29), data)
    # 10 school days after the review on Friday 29 January: 1-5 and 8-12 February
    walk.next_is(AGAIN, "Schools", end_of_working_day(date(2027, 2, 12)))
    walk.do(AGAIN, date(2027, 2, 5), meeting_date=d(date(2027, 2, 5)))
    # 5 school days after 5 February: 8-12 February
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2027, 2, 12)))


def test_meeting_the_family_again_leads_to_a_revised_plan(support: Any) -> None:
    walk = support("93.0")
    walk.do(EARLY, date(2026, 12, 10))
    walk.do(
        REVIEW,
        date(2027, 1, 22),
        review_held_on=d(date(2027, 1, 22)),
        review_outcome="meet_again",
        support_result="not_working",
    )
    # 10 school days after Friday 22 January: 25-29 January and 1-5 February
    walk.next_is(AGAIN, "Schools", end_of_working_day(date(2027, 2, 5)))
    walk.do(AGAIN, date(2027, 1, 27), meeting_date=d(date(2027, 1, 27)))
    walk.next_is(PLAN, "Schools", end_of_working_day(date(2027, 2, 3)))  # 28, 29 Jan, 1, 2, 3 Feb


def test_the_meeting_with_the_family_is_kept_in_the_case_history_in_the_words_chosen(support: Any) -> None:
    walk = support("82.5")
    walk.do(MEET, date(2026, 12, 10))
    [meeting] = walk.meeting_rows()
    assert (meeting.kind, meeting.held_on, meeting.attendees, meeting.next_due) == (
        "attendance_meeting",
        date(2026, 12, 10),
        "Sam Begum, mother; Jo Smith, Head of Year 6",
        None,
    )
    assert meeting.decisions == (
        "What is getting in the way of attendance?\n"
        "Anxiety or emotionally based school avoidance, Bullying or friendship problems\n\n"
        "Tell us more about the barriers\n"
        "Amelia says two girls in Year 6 make her feel sick on Sunday nights.\n\n"
        "What support have you offered?\n"
        "Pastoral support or a mentor, Reasonable adjustments, such as a soft start\n\n"
        "Has the family taken up the support?\nYes, all of it"
    )
    assert meeting.outcome == "Agree an attendance plan"


def test_early_action_keeps_the_meeting_with_its_review_date_and_an_unheld_meeting_is_not_kept(
    support: Any,
) -> None:
    walk = support("93.0")
    walk.do(EARLY, date(2026, 12, 10), support_taken_up="declined", support_declined_reason="Mum works.")
    [meeting] = walk.meeting_rows()
    assert (meeting.held_on, meeting.next_due) == (date(2026, 12, 10), date(2027, 1, 22))
    assert meeting.decisions.endswith("Has the family taken up the support?\nNo, the family declined it")
    not_met = support("82.5")
    not_met.do(MEET, date(2026, 12, 10), meeting_held="no", meeting_attendees="", child_views="",
               meeting_not_held_reason="Nobody came; we wrote with the support on offer.")  # fmt: skip
    assert not_met.meeting_rows() == []  # an attempt, not a meeting held
    assert not_met.open()[0].name == PLAN


def test_a_meeting_that_refers_on_keeps_only_what_it_asked(support: Any) -> None:
    walk = support("82.5")
    nothing_planned = {"barriers": [], "barriers_detail": "", "support_offered": [], "support_taken_up": ""}
    walk.do(MEET, date(2026, 12, 10), next_step="health", referral_reasons="Surgery in January.",
            **nothing_planned)  # fmt: skip
    [meeting] = walk.meeting_rows()
    assert meeting.decisions == ""  # no empty headings for what was not asked
    assert meeting.outcome == (
        "Refer to the medical needs pathway: the child cannot attend because of their health"
    )


# Where a referral on from the meeting goes (the meeting is on Thursday 10 December 2026).
REFERRED_ON = {
    "health": (
        ("medical_needs", "medical_needs_referral"),
        # the school's sickness return within 2 working days: Monday 14 December
        ("Record the school's sickness return", "Schools", date(2026, 12, 14)),
    ),
    "child_not_found": (
        ("children_missing_education", "cme_notification"),
        # the notification recorded within 1 working day: Friday 11 December
        ("Record the notification and add the child to the CME register", "ACE", date(2026, 12, 11)),
    ),
}


@pytest.mark.parametrize(("step", "end"), [("health", HEALTH), ("child_not_found", MISSING)])
def test_the_meeting_can_refer_straight_on(support: Any, step: str, end: str) -> None:
    walk = support("60.0")
    walk.do(MEET, date(2026, 12, 10), next_step=step, referral_reasons="See the meeting notes.")
    assert walk.ended_at() == end
    handed, (name, team, due) = REFERRED_ON[step]
    assert walk.handed_to() == [handed]
    [task] = factories.open_tasks(walk.case)
    assert (task.name, task.team.name, task.due_at) == (name, team, end_of_working_day(due))


def test_a_safeguarding_concern_at_the_meeting_goes_to_cas_at_once(support: Any) -> None:
    walk = support("60.0")
    walk.do(MEET, date(2026, 12, 10), next_step="safeguarding", referral_reasons="Bruising seen on arm.")
    assert walk.ended_at() == SAFEGUARDING
    assert walk.handed_to() == [("cas_assessment", "cas_referral")]


@pytest.mark.parametrize(("outcome", "end"), [("health", HEALTH), ("child_not_found", MISSING)])
def test_a_review_can_refer_on(support: Any, outcome: str, end: str) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome=outcome,
        support_result="not_working",
        referral_reasons="See the review notes.",
    )
    assert walk.ended_at() == end


def test_a_review_can_refer_for_early_help(support: Any) -> None:
    walk = support("82.5")
    to_plan_review(walk)
    walk.do(
        REVIEW,
        date(2027, 1, 29),
        review_outcome="early_help",
        support_result="not_working",
        referral_reasons="Family needs whole-family help with housing.",
    )
    assert walk.ended_at() == EARLY_HELP
    assert walk.handed_to() == [("referral_to_early_help", "early_help_referral")]
