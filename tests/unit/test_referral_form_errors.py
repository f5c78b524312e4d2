"""Referral to Early Help: the forms of its tasks reject bad answers, each with a clear message.

The clock is at Monday 16 March 2026 (the clock fixture), so dates are judged from then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

from tests.unit.referral_support import d, errors_for, good

FUTURE = d(date(2026, 3, 17))  # the clock is at 16 March 2026

BAD = [
    ("referral.triage", {"triage_decision": ""}, "triage_decision", "Select what should happen next"),
    ("referral.triage", {"triage_decision": "maybe"}, "triage_decision", "Select what should happen next"),
    (
        "referral.triage",
        {"existing_involvement": ""},
        "existing_involvement",
        "Select whether anyone is already working with the family",
    ),
    ("referral.triage", {"triage_reasons": "   "}, "triage_reasons", "Enter the reasons for your decision"),
    ("referral.consent", {"consent": ""}, "consent", "Select whether the family gave consent"),
    ("referral.consent", {"consent_date": ["", "", ""]}, "consent_date", "Enter the date consent was given"),
    (
        "referral.consent",
        {"consent_date": FUTURE},
        "consent_date",
        "Date consent was given must be today or in the past",
    ),
    (
        "referral.consent",
        {"consent_date": ["31", "2", "2026"]},
        "consent_date",
        "Date consent was given must be a real date",
    ),
    (
        "referral.consent",
        {"consent_date": ["5", "", "2026"]},
        "consent_date",
        "Date consent was given must include a month",
    ),
    (
        "referral.consent",
        {"consent_date": ["", "", "2026"]},
        "consent_date",
        "Date consent was given must include a day and month",
    ),
    ("referral.consent", {"consent_date": ["5", "3", "26"]}, "consent_date", "Year must include 4 numbers"),
    (
        "referral.consent",
        {"consent_date": ["5th", "3", "2026"]},
        "consent_date",
        "Date consent was given must be a real date",
    ),
    ("referral.consent", {"consent_given_by": ""}, "consent_given_by", "Enter who gave consent"),
    (
        "referral.consent",
        {"consent_share_with": []},
        "consent_share_with",
        "Select who can see the record",
    ),
    (
        "referral.consent",
        {"consent": "no_response", "consent_notes": ""},
        "consent_notes",
        "Enter how you tried to contact the family",
    ),
    (
        "referral.allocate",
        {"lead_practitioner_name": ""},
        "lead_practitioner_name",
        "Enter the lead practitioner's name",
    ),
    (
        "referral.allocate",
        {"lead_practitioner_name": "x" * 201},
        "lead_practitioner_name",
        "Lead practitioner's name must be 200 characters or less",
    ),
    (
        "referral.allocate",
        {"family_had_say": "no"},
        "allocation_notes",
        "Enter why the family did not have a say",
    ),
    (
        "referral.allocate",
        {"allocation_date": ["", "", ""]},
        "allocation_date",
        "Enter the date of allocation",
    ),
    (
        "referral.assessment",
        {"needs_identified": []},
        "needs_identified",
        "Select the needs it identified",
    ),
    (
        "referral.assessment",
        {"needs_identified": ["housing", "other"]},
        "other_needs",
        "Enter the other needs",
    ),
    ("referral.assessment", {"child_voice": ""}, "child_voice", "Enter what the child says"),
    (
        "referral.assessment",
        {"assessment_date": FUTURE},
        "assessment_date",
        "Date of the assessment must be today or in the past",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": d(date(2026, 4, 28))},
        "next_review_date",
        "Date of the first review must be no more than 6 weeks after the meeting",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": d(date(2026, 3, 16))},
        "next_review_date",
        "Date of the first review must be after the meeting",
    ),
    (
        "referral.taf_meeting",
        {"next_review_date": ["", "", ""]},
        "next_review_date",
        "Enter the date of the first review",
    ),
    (
        "referral.taf_meeting",
        {"family_attended": ""},
        "family_attended",
        "Select whether the family attended",
    ),
    ("referral.review", {"review_outcome": ""}, "review_outcome", "Select the outcome of the review"),
    (
        "referral.review",
        {"next_review_date": ["", "", ""]},
        "next_review_date",
        "Enter the date of the next review",
    ),
    (
        "referral.review",
        {"next_review_date": d(date(2026, 6, 17))},
        "next_review_date",
        "Date of the next review must be no more than 3 months after the review",
    ),
    (
        "referral.review",
        {"next_review_date": d(date(2026, 3, 16))},
        "next_review_date",
        "Date of the next review must be after the review",
    ),
    (
        "referral.review",
        {"review_attendance_percent": ""},
        "review_attendance_percent",
        "Enter the attendance since the last review",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "ninety"},
        "review_attendance_percent",
        "Attendance since the last review must be a number, like 85.5",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "120"},
        "review_attendance_percent",
        "Attendance since the last review must be between 0 and 100",
    ),
    (
        "referral.review",
        {"review_attendance_percent": "nan"},
        "review_attendance_percent",
        "Attendance since the last review must be a number, like 85.5",
    ),
    (
        "referral.review",
        {"review_outcome": "step_up"},
        "review_outcome_reasons",
        "Enter why the family is being stepped up to CAS",
    ),
    (
        "referral.review",
        {"review_outcome": "refer_legal"},
        "review_outcome_reasons",
        "Enter why the family is being referred for legal planning",
    ),
    (
        "referral.advise_school",
        {"safeguarding_concern": ""},
        "safeguarding_concern",
        "Select yes if there is a safeguarding concern",
    ),
    (
        "referral.advise_school",
        {"safeguarding_concern": "yes"},
        "safeguarding_details",
        "Enter details of the safeguarding concern",
    ),
    (
        "referral.advise_school",
        {"school_review_date": ["", "", ""]},
        "school_review_date",
        "Enter the date the school will review progress",
    ),
    (
        "referral.advise_school",
        {"school_review_date": d(date(2026, 3, 13))},
        "school_review_date",
        "Date the school will review progress must be today or in the future",
    ),
    (
        "referral.advise_school",
        {"school_support_recommended": []},
        "school_support_recommended",
        "Select the support you recommended",
    ),
    (
        "referral.school_support",
        {"school_support_provided": []},
        "school_support_provided",
        "Select the support the school provided",
    ),
    (
        "referral.school_support",
        {"school_outcome": "not_improving"},
        "school_outcome_reasons",
        "Enter why the support has not worked",
    ),
    (
        "referral.school_support",
        {"school_outcome": "safeguarding_concern"},
        "school_outcome_reasons",
        "Enter details of the safeguarding concern",
    ),
    (
        "referral.school_support",
        {"school_attendance_percent": "-1"},
        "school_attendance_percent",
        "Attendance now must be between 0 and 100",
    ),
]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(("form_key", "changes", "field", "message"), BAD)
def test_each_form_rejects_bad_answers_with_a_clear_message(
    form_app: Flask, form_key: str, changes: dict[str, Any], field: str, message: str
) -> None:
    errors = errors_for(form_app, form_key, good(form_key, **changes))
    assert errors == {field: [message]}


@pytest.mark.usefixtures("clock")
def test_an_empty_page_gets_one_message_per_required_answer(form_app: Flask) -> None:
    errors = errors_for(form_app, "referral.consent", {})
    assert errors == {"consent": ["Select whether the family gave consent"]}
    errors = errors_for(form_app, "referral.review", {})
    assert errors["review_outcome"] == ["Select the outcome of the review"]
    assert errors["review_date"] == ["Enter the date of the review"]
    assert all(len(messages) == 1 for messages in errors.values())
