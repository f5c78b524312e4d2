"""Legal planning for attendance: education supervision orders and prosecution.

The walk, its page data and its fixtures are in tests/scenarios/legal_support.py: the case is
referred for legal planning on Tuesday 1 December 2026, and school weeks come from the local
authority's default term dates (app/timescales/data).
"""

from __future__ import annotations

from datetime import date

from app.extensions import db
from tests.scenarios.legal_support import (
    CHECK,
    COURT,
    ESO_APPLY,
    ESO_COURT,
    ESO_EXTEND,
    ESO_SUPERVISE,
    EVIDENCE,
    LAY,
    LEGAL,
    LIMIT,
    MEETING,
    PREPARE,
    ROUTE,
    SCHOOLS,
    SECOND,
    Walk,
    due,
)
from tests.scenarios.legal_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.legal_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d


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
