"""The shared fields every form is built from refuse impossible answers, each with a GOV.UK message.

The clock is at Monday 16 March 2026 (the clock fixture), so dates are judged from then.
"""

from __future__ import annotations

import pytest
import wtforms
from flask import Flask
from werkzeug.datastructures import MultiDict

from app.formkit.base import TaskForm
from app.formkit.builder import number_field
from app.formkit.fields import GovDateField, GovDecimalField


class Answers(TaskForm):
    """Not registered: one field of each kind, as the task forms declare them."""

    meeting_on = GovDateField("Date of the meeting", "Enter the date of the meeting")
    held_on = GovDateField("Date of the review", limit="past")
    review_on = GovDateField("Date of the next review", limit="future")
    born_on = GovDateField("Date of birth", limit="before_today", years_back=25)
    attendance = number_field(
        {
            "key": "attendance",
            "type": "number",
            "label": "Attendance now (%)",
            "validate": {"required": True, "min": 0, "max": 100},
            "properties": {"requiredMessage": "Enter the attendance now", "errorName": "Attendance now"},
        }
    )
    hours = number_field(
        {
            "key": "hours",
            "type": "number",
            "label": "Hours of education a week",
            "decimalDigits": 0,
            "validate": {"required": True, "min": 0, "max": 10_000},
            "properties": {"requiredMessage": "Enter the hours", "errorName": "Hours a week"},
        }
    )
    amount = GovDecimalField("Amount", invalid_value_message="Amount must be a number, like 12.50")
    sessions = wtforms.IntegerField("How many sessions?", [wtforms.validators.Optional()])
    # A field built straight from WTForms, as a form module may: the task form's net still holds.
    seen_on = wtforms.DateField("Date seen", [wtforms.validators.Optional()], format="%Y-%m-%d")


def errors(form_app: Flask, field: str, *typed: str) -> list[str]:
    with form_app.test_request_context(method="POST"):
        form = Answers(formdata=MultiDict([(field, t) for t in typed]), meta={"csrf": False})
        form.validate()
        return list(form[field].errors)


DATES = [
    ("meeting_on", ["", "3", "2026"], "Date of the meeting must include a day"),
    ("meeting_on", ["5", "", "2026"], "Date of the meeting must include a month"),
    ("meeting_on", ["5", "3", ""], "Date of the meeting must include a year"),
    ("meeting_on", ["31", "2", "2026"], "Date of the meeting must be a real date"),
    ("meeting_on", ["1", "1", "1"], "Year must include 4 numbers"),
    ("meeting_on", ["1", "1", "0001"], "Date of the meeting must be after 1900"),
    ("meeting_on", ["31", "12", "1900"], "Date of the meeting must be after 1900"),
    ("meeting_on", ["16", "3", "2001"], "Date of the meeting must be after 16 March 2001"),
    ("meeting_on", ["16", "3", "2031"], "Date of the meeting must be before 16 March 2031"),
    ("meeting_on", ["1", "1", "9999"], "Date of the meeting must be before 16 March 2031"),
    ("meeting_on", [str(10**30), "1", "2026"], "Date of the meeting must be a real date"),
    ("meeting_on", ["NaN", "1e9", "-1"], "Date of the meeting must be a real date"),
    ("meeting_on", ["1", "1", "2026", "1"], "Date of the meeting must be a real date"),
    ("held_on", ["1", "1", "9999"], "Date of the review must be today or in the past"),
    ("review_on", ["1", "1", "1901"], "Date of the next review must be today or in the future"),
    ("born_on", ["16", "3", "2026"], "Date of birth must be in the past"),
    ("born_on", ["1", "1", "1990"], "Date of birth must be after 16 March 2001"),
    ("born_on", ["1", "1", "1066"], "Date of birth must be after 1900"),
]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(("field", "typed", "message"), DATES)
def test_a_date_with_a_missing_part_an_impossible_day_or_an_absurd_year_is_refused(
    form_app: Flask, field: str, typed: list[str], message: str
) -> None:
    assert errors(form_app, field, *typed) == [message]


@pytest.mark.usefixtures("clock")
def test_dates_within_the_field_s_range_are_accepted(form_app: Flask) -> None:
    assert errors(form_app, "meeting_on", "17", "3", "2001") == []
    assert errors(form_app, "meeting_on", "15", "3", "2031") == []
    assert errors(form_app, "born_on", "15", "3", "2026") == []
    assert errors(form_app, "meeting_on", "16 3 2026") == []  # as the JSON API sends it


NUMBERS = [
    ("attendance", "NaN", "Attendance now must be a number, like 85.5"),
    ("attendance", "sNaN", "Attendance now must be a number, like 85.5"),
    ("attendance", "Infinity", "Attendance now must be a number, like 85.5"),
    ("attendance", "-inf", "Attendance now must be a number, like 85.5"),
    ("attendance", "1e999999", "Attendance now must be a number, like 85.5"),
    ("attendance", "1e12", "Attendance now must be a number, like 85.5"),
    ("attendance", "101", "Attendance now must be between 0 and 100"),
    ("hours", "NaN", "Hours a week must be a whole number, like 12"),
    ("hours", str(10**30), "Hours a week must be 10,000 or less"),
    ("hours", "-1", "Hours a week must be 0 or more"),
    ("amount", "NaN", "Amount must be a number, like 12.50"),
    ("amount", "sNaN", "Amount must be a number, like 12.50"),
    ("amount", "-Infinity", "Amount must be a number, like 12.50"),
    ("amount", "1e999999", "Amount must be a number, like 12.50"),
    ("amount", "1e-999999", "Amount must be a number, like 12.50"),
    ("amount", "0E-1000000", "Amount must be a number, like 12.50"),
    ("amount", "1" * 13, "Amount must be a number, like 12.50"),
    ("sessions", str(10**30), "How many sessions must be 1,000,000 or less"),
    ("sessions", str(-(10**7)), "How many sessions must be -1,000,000 or more"),
    ("seen_on", "0001-01-01", "Date seen must be after 1900"),
    ("seen_on", "9999-01-01", "Date seen must be a real date"),
]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(("field", "typed", "message"), NUMBERS)
def test_a_number_that_is_not_finite_or_is_absurdly_large_is_refused(
    form_app: Flask, field: str, typed: str, message: str
) -> None:
    assert errors(form_app, field, typed) == [message]


@pytest.mark.usefixtures("clock")
def test_sensible_numbers_are_accepted(form_app: Flask) -> None:
    for field, typed in [("attendance", "85.5"), ("hours", "25"), ("amount", "12.50"), ("sessions", "400")]:
        assert errors(form_app, field, typed) == [], field
