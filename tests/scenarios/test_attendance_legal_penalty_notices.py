"""Legal planning for attendance: penalty notices, their payment, withdrawal and the 2-in-3-years limit.

The walk, its page data and its fixtures are in tests/scenarios/legal_support.py: the case is
referred for legal planning on Tuesday 1 December 2026, and school weeks come from the local
authority's default term dates (app/timescales/data).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.cases.services import refer_child
from app.models import User
from tests import factories
from tests.scenarios.legal_support import (
    CHECK,
    COURT,
    EVIDENCE,
    ISSUE,
    LAY,
    LEGAL,
    MEETING,
    PAYMENT,
    PREPARE,
    PROCESS,
    ROUTE,
    SCHOOLS,
    SECOND,
    UNPAID,
    Walk,
    due,
)
from tests.scenarios.legal_support import clock_fixture as clock_fixture  # a fixture
from tests.scenarios.legal_support import walk_fixture as walk_fixture  # a fixture
from tests.scenarios.walk import at
from tests.unit.referral_support import d

# -- penalty notices -------------------------------------------------------------------------------
# Posted Mon 7 Dec 2026, served Wed 9 Dec (2nd working day); £80 to Wed 30 Dec, £160 to Wed 6 Jan 2027.
SERVED, DISCOUNT_ENDS, PAY_BY = date(2026, 12, 9), date(2026, 12, 30), date(2027, 1, 6)


def test_the_threshold_window_is_at_most_ten_school_weeks_and_below_ten_sessions_needs_a_reason(
    walk: Walk,
) -> None:
    walk.to_route("penalty_notice")
    # 1 Sep to 27 Nov 2026: weeks of 31 Aug, 7, 14, 21, 28 Sep, 5, 12, 19 Oct, 2, 9, 16, 23 Nov = 12.
    errors = walk.errors(
        ISSUE, date(2026, 12, 7), pn_window_start=d(date(2026, 9, 1)), pn_unauthorised_sessions="8"
    )
    assert errors == {
        "pn_window_end": ["The window covers 12 school weeks: it must be no more than 10 school weeks"],
        "pn_below_threshold_reason": [
            "8 sessions is below the national threshold of 10: enter why the council is using its discretion"
        ],
    }


def test_a_first_notice_paid_within_21_days_is_80_pounds(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    assert walk.task(ISSUE).due_at == due(date(2026, 12, 18))  # 4 Dec + 10 working days
    walk.do(ISSUE, date(2026, 12, 7))
    assert walk.task(PAYMENT).due_at == due(PAY_BY)
    [notice] = walk.notices()
    assert (notice.served_on, notice.amount, notice.sequence, notice.status) == (SERVED, 80, 1, "issued")
    assert (notice.parent_key, notice.child_key) == ("sarah begum", "amelia begum|2015-03-27")
    walk.do(PAYMENT, date(2026, 12, 20))
    assert walk.ended_at() == "Closed: penalty paid"
    [notice] = walk.notices()
    assert (notice.status, notice.paid_on, notice.paid_amount) == ("paid_80", date(2026, 12, 20), 80)


def test_after_21_days_the_penalty_is_160_pounds(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    assert walk.sweep(due(DISCOUNT_ENDS) - SECOND) == 0
    assert walk.sweep(due(DISCOUNT_ENDS) + SECOND) == 1
    assert walk.open() == {PAYMENT}  # the 21-day timer does not interrupt
    errors = walk.errors(PAYMENT, date(2027, 1, 4), pn_paid_on=d(date(2027, 1, 4)))
    assert errors == {
        "pn_paid_amount": ["The £80 rate ended on 30 December 2026: a payment on 4 January 2027 must be £160"]
    }
    walk.do(PAYMENT, date(2027, 1, 4), pn_paid_on=d(date(2027, 1, 4)), pn_paid_amount="160")
    assert walk.ended_at() == "Closed: penalty paid"
    assert walk.notices()[0].status == "paid_160"


def test_unpaid_after_28_days_the_manager_decides_to_prosecute(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.sweep(due(DISCOUNT_ENDS) + SECOND)
    assert walk.sweep(due(PAY_BY) - SECOND) == 0
    assert walk.sweep(due(PAY_BY) + SECOND) == 1
    assert walk.open() == {UNPAID}  # the payment wait is closed
    assert walk.task(UNPAID, role="manager").due_at == due(date(2027, 1, 13))  # 6 Jan + 5 WD
    walk.do(UNPAID, date(2027, 1, 7), role="manager")
    assert walk.notices()[0].status == "unpaid"
    assert walk.task(PREPARE).due_at == due(date(2027, 1, 21))  # 7 Jan + 10 WD
    walk.do(PREPARE, date(2027, 1, 8), last_offence_date=d(date(2026, 11, 27)))
    walk.do(EVIDENCE, date(2027, 1, 11), lane=SCHOOLS)
    walk.do(
        LAY,
        date(2027, 1, 12),
        lane=LEGAL,
        information_laid_on=d(date(2027, 1, 12)),
        prosecution_hearing_on=d(date(2027, 2, 9)),
    )
    assert walk.notices()[0].status == "prosecuted"
    assert walk.task(COURT, LEGAL).due_at == due(date(2027, 2, 11))  # 9 Feb + 2 WD


def test_unpaid_after_28_days_the_manager_withdraws_it_on_a_recorded_ground(walk: Walk) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.sweep(due(PAY_BY) + SECOND)
    errors = walk.errors(UNPAID, date(2027, 1, 7), pn_unpaid_decision="withdraw")
    assert errors == {
        "pn_withdrawal_ground": ["Select why the notice is being withdrawn"],
        "pn_withdrawal_details": ["Enter what was wrong with the notice"],
    }
    walk.do(
        UNPAID,
        date(2027, 1, 7),
        role="manager",
        pn_unpaid_decision="withdraw",
        pn_withdrawal_ground="wrong_recipient",
        pn_withdrawal_details="Sent to the father, who does not live there.",
    )
    assert walk.ended_at() == "Closed: penalty notice withdrawn"
    [notice] = walk.notices()
    assert notice.status == "withdrawn"
    assert notice.withdrawn_reason.startswith("It was issued to the wrong person.")


def test_a_second_notice_is_a_flat_160_and_a_third_is_refused(
    walk: Walk, people: dict[str, User], clock: Any
) -> None:
    walk.to_route("penalty_notice")
    walk.do(ISSUE, date(2026, 12, 7))
    walk.do(PAYMENT, date(2026, 12, 20))
    # The same child referred again (a new case, same name and date of birth) in the spring.
    clock.move_to(at(date(2027, 3, 1)))
    again = Walk(
        walk.app,
        people,
        clock,
        refer_child(factories.referral(referral_date=date(2027, 3, 1)), people["ace"], process_id=PROCESS),
        start=False,
    )
    again.do(CHECK, date(2027, 3, 1))
    again.do(MEETING, date(2027, 3, 2), lpm_held_on=d(date(2027, 3, 2)))
    again.do(ROUTE, date(2027, 3, 3), role="manager")
    second = {
        "pn_window_start": d(date(2027, 1, 11)),
        "pn_window_end": d(date(2027, 3, 5)),
        "pn_issued_on": d(date(2027, 3, 8)),
        "pn_parent_name": "Mrs  SARAH Begum",
    }
    again.do(ISSUE, date(2027, 3, 8), **second)
    notices = walk.notices()
    assert [(n.sequence, n.amount, n.parent_key) for n in notices] == [
        (1, 80, "sarah begum"),
        (2, 160, "sarah begum"),
    ]
    # Posted Mon 8 Mar 2027, served Wed 10 Mar; flat £160 to Wed 7 Apr, no £80 rate.
    assert again.task(PAYMENT).due_at == due(date(2027, 4, 7))
    errors = again.errors(PAYMENT, date(2027, 3, 15), pn_paid_on=d(date(2027, 3, 15)))
    assert errors == {
        "pn_paid_amount": [
            "This is a second notice within 3 years: the penalty is a flat £160, with no £80 rate"
        ]
    }
    again.do(PAYMENT, date(2027, 3, 15), pn_paid_on=d(date(2027, 3, 15)), pn_paid_amount="160")
    # A third notice within 3 years of the first is refused, in the officer's terms.
    third = Walk(walk.app, people, clock, again.case)
    third.do(CHECK, date(2027, 5, 3))
    third.do(MEETING, date(2027, 5, 4), lpm_held_on=d(date(2027, 5, 4)))
    third.do(ROUTE, date(2027, 5, 5), role="manager")
    page = {
        "pn_window_start": d(date(2027, 4, 12)),
        "pn_window_end": d(date(2027, 5, 7)),
        "pn_issued_on": d(date(2027, 5, 10)),
    }
    errors = third.errors(ISSUE, date(2027, 5, 10), **page)
    assert errors == {
        "pn_parent_name": [
            "Sarah Begum has already had 2 penalty notices for Amelia Begum in the last 3 years (issued "
            "7 December 2026 and 8 March 2027). The national framework allows no more than 2 in 3 years, so "
            "a third cannot be issued before 7 December 2029. Select 'Do not issue a penalty notice' so a "
            "manager can choose another route, usually prosecution"
        ]
    }
    third.do(
        ISSUE,
        date(2027, 5, 10),
        pn_decision="another_route",
        pn_another_route_reason="Third offence within 3 years: prosecution.",
    )
    assert third.open() == {ROUTE}
    assert len(walk.notices()) == 2
