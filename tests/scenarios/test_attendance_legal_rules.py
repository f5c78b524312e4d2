"""Legal planning for attendance: the checks each page makes, as an officer meets them.

Every page goes through the one pipeline the task page uses (app/tasks/services.submit_task): the
form of the case's process version, then the pathway's named rules (app/pathways/legal), which
read the case, earlier answers and the penalty-notice ledger. The walk, its page data and its
fixtures are in tests/scenarios/legal_support.py: the case is referred for legal planning on
Tuesday 1 December 2026, and school weeks come from the local authority's default term dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.scenarios.legal_support import (
    CONTRACT,
    CONTRACT_REVIEW,
    COURT,
    ESO_APPLY,
    EVIDENCE,
    ISSUE,
    LAY,
    LEGAL,
    NTI,
    NTI_REVIEW,
    PAYMENT,
    PREPARE,
    ROUTE,
    SCHOOLS,
    SECOND,
    UNPAID,
    Walk,
    due,
)
from tests.scenarios.legal_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.legal_support import walk_fixture as walk_fixture  # a fixture
from tests.unit.referral_support import d

TERMS = ("pn_served_on", "pn_sequence", "pn_amount", "pn_discount_ends_on", "pn_pay_by")
NO_DATE = ["", "", ""]  # the three date boxes left empty
PAY_BY = date(2027, 1, 6)  # a notice posted Mon 7 Dec 2026 is served Wed 9 Dec: 28 days to Wed 6 Jan


# -- attendance contracts --------------------------------------------------------------------------
def test_an_agreed_contract_needs_its_dates_and_a_first_review_after_it_was_agreed(walk: Walk) -> None:
    walk.to_route("contract")
    undated = walk.errors(
        CONTRACT, date(2026, 12, 4), contract_agreed_on=NO_DATE, contract_next_review_on=NO_DATE
    )
    assert undated == {
        "contract_agreed_on": ["Enter the date the contract was agreed"],
        "contract_next_review_on": ["Enter the date of the first review"],
    }
    same_day = walk.errors(CONTRACT, date(2026, 12, 4), contract_next_review_on=d(date(2026, 12, 4)))
    assert same_day == {
        "contract_next_review_on": ["The review date must be after the contract was agreed or last reviewed"]
    }


def test_a_contract_kept_going_is_reviewed_again_within_the_interval(walk: Walk) -> None:
    walk.to_route("contract")
    walk.do(CONTRACT, date(2026, 12, 4))
    kept = {"contract_review_outcome": "continue"}
    assert walk.errors(CONTRACT_REVIEW, date(2027, 1, 15), **kept) == {
        "contract_next_review_on": ["Enter the date of the next review"]
    }
    late = walk.errors(
        CONTRACT_REVIEW, date(2027, 1, 15), **kept, contract_next_review_on=d(date(2027, 3, 1))
    )
    assert late == {
        "contract_next_review_on": ["The review must be within 6 weeks (the local review interval)"]
    }
    before = walk.errors(
        CONTRACT_REVIEW, date(2027, 1, 15), **kept, contract_next_review_on=d(date(2027, 1, 14))
    )
    assert before == {
        "contract_next_review_on": ["The review date must be after the contract was agreed or last reviewed"]
    }
    # A contract that worked ends: no next review is asked, whatever the box holds.
    walk.do(CONTRACT_REVIEW, date(2027, 1, 15), contract_next_review_on=d(date(2027, 3, 1)))
    assert walk.ended_at() == "Closed: attendance contract worked"


# -- notices to improve ----------------------------------------------------------------------------
def test_the_review_of_a_notice_to_improve_counts_the_sessions_missed(walk: Walk) -> None:
    walk.to_route("notice_to_improve")
    walk.do(NTI, date(2026, 12, 7))
    assert walk.errors(NTI_REVIEW, date(2027, 2, 1), nti_unauthorised_during="") == {
        "nti_unauthorised_during": ["Enter how many unauthorised sessions there were in the period"]
    }
    assert walk.errors(NTI_REVIEW, date(2027, 2, 1), nti_unauthorised_during="-1") == {
        "nti_unauthorised_during": ["The number of sessions must be 0 or more"]
    }


# -- education supervision orders ------------------------------------------------------------------
def test_an_eso_application_is_refused_for_a_child_the_officer_says_is_looked_after(walk: Walk) -> None:
    walk.to_route("eso")
    assert walk.errors(ESO_APPLY, date(2026, 12, 8), eso_child_looked_after="yes") == {
        "eso_decision": [
            "An education supervision order cannot be made for a child who is looked after: select 'No' "
            "so a manager can decide another route"
        ]
    }


def test_an_eso_hearing_is_on_or_after_the_application(walk: Walk) -> None:
    walk.to_route("eso")
    assert walk.errors(ESO_APPLY, date(2026, 12, 8), eso_hearing_on=NO_DATE) == {
        "eso_hearing_on": ["Enter the date of the hearing"]
    }
    assert walk.errors(ESO_APPLY, date(2026, 12, 8), eso_hearing_on=d(date(2026, 12, 7))) == {
        "eso_hearing_on": ["The hearing must be on or after the date of the application"]
    }
    not_applying = {"eso_decision": "do_not_apply", "eso_not_applying_reason": "The family moved away."}
    walk.do(ESO_APPLY, date(2026, 12, 8), eso_applied_on=NO_DATE, eso_hearing_on=NO_DATE, **not_applying)
    assert walk.open() == {ROUTE}


# -- penalty notices -------------------------------------------------------------------------------
def test_a_notice_being_issued_names_the_parent_counts_the_sessions_and_closes_its_window(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    blank = {"pn_parent_name": "", "pn_unauthorised_sessions": "", "pn_window_end": NO_DATE}
    assert walk.errors(ISSUE, date(2026, 12, 7), **blank) == {
        "pn_parent_name": ["Enter the name of the parent the notice is issued to"],
        "pn_unauthorised_sessions": ["Enter how many unauthorised sessions are in the window"],
        "pn_window_end": ["Enter the last day of the window"],
    }
    none = walk.errors(ISSUE, date(2026, 12, 7), pn_unauthorised_sessions="0")
    assert none == {
        "pn_unauthorised_sessions": ["A penalty notice needs at least 1 unauthorised session"],
        "pn_below_threshold_reason": [
            "0 sessions is below the national threshold of 10: enter why the council is using its discretion"
        ],
    }
    backwards = walk.errors(ISSUE, date(2026, 12, 7), pn_window_end=d(date(2026, 10, 2)))
    assert backwards == {"pn_window_end": ["The last day of the window must be on or after the first day"]}
    # Below the threshold with a reason is the council's discretion.
    walk.do(
        ISSUE,
        date(2026, 12, 7),
        pn_unauthorised_sessions="8",
        pn_below_threshold_reason="Two short term-time holidays this term.",
    )
    assert walk.open() == {PAYMENT}


def test_a_window_before_the_term_dates_held_cannot_be_checked(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    assert walk.errors(ISSUE, date(2026, 12, 7), pn_window_start=d(date(2026, 7, 20))) == {
        "pn_window_end": [
            "The window cannot be checked: No term dates before 2026-09-01 are loaded for the local "
            "authority's default calendar. Ask an administrator"
        ]
    }


def test_a_decision_not_to_issue_asks_nothing_about_a_notice(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    nothing: dict[str, Any] = {
        "pn_parent_name": "",
        "pn_unauthorised_sessions": "",
        "pn_window_start": NO_DATE,
        "pn_window_end": NO_DATE,
        "pn_issued_on": NO_DATE,
    }
    task = walk.do(
        ISSUE,
        date(2026, 12, 7),
        pn_decision="another_route",
        pn_another_route_reason="The family moved out of the area.",
        **nothing,
    )
    assert walk.open() == {ROUTE}
    assert walk.notices() == []
    assert "pn_served_on" not in task.data


def test_an_issued_notice_keeps_its_terms_and_the_case_page_names_them(walk: Walk, client: Any) -> None:
    from tests.conftest import login

    walk.to_route("penalty_notice")
    task = walk.do(ISSUE, date(2026, 12, 7))
    # Posted Mon 7 Dec 2026, presumed served Wed 9 Dec: £80 for 21 days, £160 to the 28th.
    assert {key: task.data[key] for key in TERMS} == {
        "pn_served_on": "2026-12-09",
        "pn_sequence": 1,
        "pn_amount": 80,
        "pn_discount_ends_on": "2026-12-30",
        "pn_pay_by": "2027-01-06",
    }
    login(client, "attendance.officer@example.org")
    page = client.get(f"/cases/{walk.case.reference}").get_data(as_text=True)
    for label in (
        "Presumed served on",
        "Notice number in the 3-year window",
        "£80 rate ends",
        "Last day to pay",
    ):
        assert f">{label}</dt>" in page
    assert "pn_served_on" not in page


def test_a_payment_is_dated_after_the_notice_was_issued(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    assert walk.errors(PAYMENT, date(2026, 12, 8), pn_paid_on=d(date(2026, 12, 6))) == {
        "pn_paid_amount": ["The payment date must be on or after the notice was issued, 7 December 2026"]
    }


def test_an_unpaid_notice_found_paid_in_time_is_recorded_at_what_it_cost_that_day(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.sweep(due(PAY_BY) + SECOND)
    paid = {"pn_unpaid_decision": "paid", "pn_late_paid_on": d(PAY_BY)}
    assert walk.errors(UNPAID, date(2027, 1, 7), **paid) == {
        "pn_late_paid_amount": ["Select how much was paid"]
    }
    assert walk.errors(UNPAID, date(2027, 1, 7), **paid, pn_late_paid_amount="80") == {
        "pn_late_paid_amount": [
            "The £80 rate ended on 30 December 2026: a payment on 6 January 2027 must be £160"
        ]
    }
    day_29 = {**paid, "pn_late_paid_on": d(date(2027, 1, 7)), "pn_late_paid_amount": "160"}
    too_late = walk.errors(UNPAID, date(2027, 1, 7), **day_29)
    assert too_late == {
        "pn_late_paid_amount": [
            "The 28 days to pay ended on 6 January 2027: a later payment does not discharge the offence. "
            "Record what happened when the unpaid notice is decided"
        ]
    }
    walk.do(UNPAID, date(2027, 1, 7), role="manager", **paid, pn_late_paid_amount="160")
    [notice] = walk.notices()
    assert (notice.status, notice.paid_on, notice.paid_amount) == ("paid_160", PAY_BY, 160)


# -- prosecution -----------------------------------------------------------------------------------
def test_the_school_provides_the_printout_and_the_signed_certificate(walk: Walk) -> None:
    walk.to_route("prosecution")
    walk.do(PREPARE, date(2026, 12, 7))
    assert walk.errors(EVIDENCE, date(2026, 12, 8), school_evidence=["printout", "chronology"]) == {
        "school_evidence": ["The court needs the register printout and the signed certificate"]
    }


def test_laid_information_is_dated_and_a_fine_is_within_the_offences_limit(walk: Walk) -> None:
    walk.to_route("prosecution")
    walk.do(
        PREPARE,
        date(2026, 12, 7),
        prosecution_offence="s444_1a",
        interview_under_caution_on=d(date(2026, 12, 4)),
    )
    walk.do(EVIDENCE, date(2026, 12, 8), lane=SCHOOLS)
    assert walk.errors(LAY, date(2026, 12, 10), prosecution_hearing_on=d(date(2027, 1, 12))) == {
        "information_laid_on": ["Enter the date the information was laid"]
    }
    walk.do(
        LAY,
        date(2026, 12, 10),
        lane=LEGAL,
        information_laid_on=d(date(2026, 12, 10)),
        prosecution_hearing_on=d(date(2027, 1, 12)),
    )
    assert walk.errors(COURT, date(2027, 1, 12), court_fine_amount="") == {
        "court_fine_amount": ["Enter the amount of the fine"]
    }
    assert walk.errors(COURT, date(2027, 1, 12), court_fine_amount="3000") == {
        "court_fine_amount": ["The most the court can fine for this offence is £2,500"]
    }
    # No fine ordered: no amount is asked for.
    walk.do(COURT, date(2027, 1, 12), lane=LEGAL, court_sentence=["costs"], court_fine_amount="")
    assert walk.ended_at() == "Court outcome recorded"
