"""Referral to Early Help: the forms of its tasks accept good pages and give the engine plain values.

What they reject, and the message each rejection shows, is in test_referral_form_errors.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.fixtures.forms import shipped_form
from tests.unit.referral_support import GOOD, TEXT, good, submit


# -- (c) the forms ----------------------------------------------------------------------------------
@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("form_key", sorted(GOOD))
def test_each_form_accepts_a_good_page_and_renders(form_app: Flask, form_key: str) -> None:
    data = submit(form_app, form_key, GOOD[form_key])
    assert set(data) == set(GOOD[form_key])
    with form_app.test_request_context():
        form = shipped_form(form_key)(formdata=None)
        assert "govuk-" in "".join(str(field()) for field in form.data_fields())
    with form_app.test_request_context(method="POST", data={}):
        form = shipped_form(form_key)()
        assert not form.validate()
        html = "".join(str(field()) for field in form.data_fields())
        assert "govuk-error-message" in html


@pytest.mark.usefixtures("clock")
def test_forms_give_the_engine_plain_values(form_app: Flask) -> None:
    consent = submit(form_app, "referral.consent", GOOD["referral.consent"])
    assert consent["consent_date"] == "2026-03-12"
    assert consent["consent_share_with"] == ["school", "health"]
    school = submit(
        form_app,
        "referral.school_support",
        good("referral.school_support", school_attendance_percent=" 78.5 "),
    )
    assert school["school_attendance_percent"] == 78.5
    # the JSON API posts a date as one value, "D M YYYY"
    taf = submit(form_app, "referral.taf_meeting", good("referral.taf_meeting", taf_meeting_date="16 3 2026"))
    assert taf["taf_meeting_date"] == "2026-03-16"
    assert taf["next_review_date"] == "2026-04-24"


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("form_key", "changes"),
    [
        (
            "referral.consent",
            {
                "consent": "refused",
                "consent_date": ["", "", ""],
                "consent_given_by": "",
                "consent_share_with": [],
                "consent_notes": "Dad said no on the phone on 12 March.",
            },
        ),
        ("referral.allocate", {"family_had_say": "no", "allocation_notes": "Family asked us to choose."}),
        ("referral.assessment", {"needs_identified": ["other"], "other_needs": "Caring for a grandparent"}),
        (
            "referral.review",
            {
                "review_outcome": "close_improved",
                "next_review_date": ["", "", ""],
                "review_attendance_percent": "96",
            },
        ),
        (
            "referral.advise_school",
            {
                "safeguarding_concern": "yes",
                "safeguarding_details": "Disclosure to a teaching assistant.",
                "school_support_recommended": [],
                "school_review_date": ["", "", ""],
            },
        ),
        ("referral.school_support", {"school_outcome": "not_improving", "school_outcome_reasons": TEXT}),
    ],
)
def test_each_form_accepts_its_other_good_answers(
    form_app: Flask, form_key: str, changes: dict[str, Any]
) -> None:
    submit(form_app, form_key, good(form_key, **changes))
