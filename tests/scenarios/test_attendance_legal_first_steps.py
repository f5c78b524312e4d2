"""Legal planning for attendance: support first, attendance contracts and notices to improve.

The walk, its page data and its fixtures are in tests/scenarios/legal_support.py: the case is
referred for legal planning on Tuesday 1 December 2026, and school weeks come from the local
authority's default term dates (app/timescales/data).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessInstance
from tests import factories
from tests.scenarios.legal_support import (
    CHECK,
    CONTRACT,
    CONTRACT_REVIEW,
    ISSUE,
    NTI,
    NTI_ALL,
    NTI_REVIEW,
    ROUTE,
    Walk,
    due,
)
from tests.scenarios.legal_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.legal_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d


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
