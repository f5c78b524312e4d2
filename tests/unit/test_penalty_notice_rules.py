"""The national framework's penalty-notice rules (app/pathways/legal/framework.py), with dates
worked by hand."""

from __future__ import annotations

from datetime import date

from app.pathways.legal import framework
from app.pathways.legal.framework import Notice


def test_service_is_presumed_on_the_second_working_day_after_posting() -> None:
    assert framework.served_on(date(2026, 12, 7)) == date(2026, 12, 9)  # Mon -> Wed
    # Posted Thu 24 Dec 2026: Fri 25 Dec and Mon 28 Dec (Boxing Day substitute) are bank holidays,
    # so the working days after are Tue 29 Dec (1st) and Wed 30 Dec (2nd).
    assert framework.served_on(date(2026, 12, 24)) == date(2026, 12, 30)


def test_a_first_notice_is_80_within_21_days_of_service_and_160_within_28() -> None:
    served = date(2026, 12, 9)
    assert framework.amount_due(1, served, date(2026, 12, 30)) == 80  # day 21
    assert framework.amount_due(1, served, date(2026, 12, 31)) == 160  # day 22
    assert framework.amount_due(1, served, date(2027, 1, 6)) == 160  # day 28
    assert framework.amount_due(1, served, date(2027, 1, 7)) is None  # day 29: unpaid
    assert framework.amount_due(2, served, date(2026, 12, 10)) == 160  # a second notice: no discount


def test_a_second_notice_within_three_years_of_the_first_is_160_and_a_third_is_refused() -> None:
    first = Notice(date(2025, 3, 10), "paid_80")
    assert framework.assess([], date(2025, 3, 10)).amount == 80
    second = framework.assess([first], date(2027, 1, 4))
    assert (second.sequence, second.amount, second.refused) == (2, 160, False)
    third = framework.assess([first, Notice(date(2027, 1, 4), "issued")], date(2027, 6, 1))
    assert third.refused
    assert third.next_allowed_on == date(2028, 3, 10)  # the first notice's 3rd anniversary
    # On the first's 3rd anniversary it stops counting: the 2027 notice is then the only one.
    after = framework.assess([first, Notice(date(2027, 1, 4), "issued")], date(2028, 3, 10))
    assert (after.refused, after.sequence, after.amount) == (False, 2, 160)


def test_a_three_year_window_crossing_a_leap_day_is_1096_days_long() -> None:
    first = Notice(date(2023, 6, 10), "unpaid")
    # 10 Jun 2023 + 1095 days = 9 Jun 2026, still within 3 years because 29 Feb 2024 lies between.
    assert (date(2026, 6, 9) - date(2023, 6, 10)).days == 1095
    assert framework.assess([first], date(2026, 6, 9)).sequence == 2
    assert framework.assess([first], date(2026, 6, 10)).sequence == 1  # the 3rd anniversary: lapsed


def test_a_notice_issued_on_29_february_counts_until_1_march_three_years_on() -> None:
    leap = Notice(date(2024, 2, 29), "paid_160")
    assert framework.window_ends(date(2024, 2, 29)) == date(2027, 3, 1)
    assert framework.assess([leap], date(2027, 2, 28)).amount == 160
    assert framework.assess([leap], date(2027, 3, 1)).amount == 80


def test_withdrawn_notices_do_not_count_and_unpaid_or_prosecuted_ones_do() -> None:
    withdrawn = Notice(date(2026, 1, 12), "withdrawn")
    prosecuted = Notice(date(2026, 4, 20), "prosecuted")
    assert framework.assess([withdrawn], date(2026, 9, 7)).sequence == 1
    assessment = framework.assess([withdrawn, prosecuted], date(2026, 9, 7))
    assert (assessment.sequence, assessment.amount, assessment.refused) == (2, 160, False)
    unpaid = Notice(date(2026, 6, 1), "unpaid")
    assert framework.assess([withdrawn, prosecuted, unpaid], date(2026, 9, 7)).refused


def test_parents_and_children_are_matched_ignoring_case_spacing_punctuation_and_titles() -> None:
    assert framework.parent_key("Mrs  SARAH  Begum") == framework.parent_key("sarah begum") == "sarah begum"
    assert framework.parent_key("O'Neil, Dr") == "o neil dr"
    assert framework.child_key("Amelia", " Begum ", date(2015, 3, 27)) == "amelia begum|2015-03-27"
