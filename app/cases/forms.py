"""The referral form: a concern about a child, which opens a case on the pathway it names.

Some questions apply only to some pathways (the child's attendance: Pathway.asks_attendance in
app/cases/services.py). Without JavaScript every question is on the page; only those that apply
to the pathway chosen are required, and answers to the rest are neither checked nor kept: with
JavaScript they are hidden, and an error on a question the user cannot see would be a trap.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.formkit.base import GovForm
from app.formkit.fields import GovDateField, GovDecimalField
from app.formkit.wtforms33 import IntegerField, RadioField, SelectChoice, SelectField

YEAR_GROUPS = [SelectChoice("", "Select year group")] + [
    SelectChoice(y, y) for y in ["Nursery", "Reception"] + [f"Year {n}" for n in range(1, 14)]
]


def at_most(label: str, limit: int) -> Length:
    """Length(max=limit) with the GOV.UK message for it."""
    return Length(max=limit, message=f"{label} must be {limit} characters or less")


def attendance_field() -> GovDecimalField:
    """Attendance this school year; whether an answer is required is for the form to say."""
    return GovDecimalField(
        "Attendance this school year (%)",
        places=1,
        invalid_value_message="Attendance must be a number, like 84.5",
        description="The percentage of possible sessions attended, for example 84.5",
        # Optional: nothing typed is no answer (the form says when one is required), not a typing error.
        validators=[Optional(), NumberRange(0, 100, "Attendance must be between 0 and 100")],
    )


ATTENDANCE_QUESTIONS = ("attendance_percent", "sessions_possible", "unauthorised_sessions")
ATTENDANCE_REQUIRED = "Enter the child's attendance as a percentage"


def sessions(label: str, name: str) -> IntegerField:
    """An optional count of school sessions: two a day, so no more than 400 in a school year."""
    return IntegerField(
        label,
        widget=GovTextInput(),
        invalid_value_message=f"{name} must be a whole number, like 120",
        validators=[Optional(), NumberRange(0, 400, f"{name} must be between 0 and 400")],
    )


class ReferralForm(GovForm):
    # Choices are the published pathways, set by the page (app/cases/services.PATHWAYS). None is
    # chosen for the referrer: which team hears about a child is theirs to decide.
    pathway = RadioField(
        "What are you telling us about?",
        widget=GovRadioInput(),
        invalid_choice_message="Select what you are telling us about",
        validators=[DataRequired("Select what you are telling us about")],
    )
    first_name = StringField(
        "First name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's first name"), at_most("First name", 100)],
    )
    last_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's last name"), at_most("Last name", 100)],
    )
    # The services are for children and young people: born within the last 25 years.
    date_of_birth = GovDateField(
        "Date of birth",
        "Enter the child's date of birth",
        limit="before_today",
        years_back=25,
        description="For example, 27 3 2014",
    )
    school = StringField(
        "School",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's school"), at_most("School", 200)],
    )
    year_group = SelectField(
        "Year group",
        choices=YEAR_GROUPS,
        widget=GovSelect(),
        invalid_choice_message="Select the year group",
        validators=[DataRequired("Select the year group")],
    )
    send_support = BooleanField("Receives SEN support", widget=GovCheckboxInput())
    has_ehcp = BooleanField("Has an education, health and care plan (EHCP)", widget=GovCheckboxInput())
    looked_after = BooleanField("Is looked after by the local authority", widget=GovCheckboxInput())
    has_social_worker = BooleanField("Has a social worker", widget=GovCheckboxInput())
    social_worker_name = StringField(
        "Social worker's name",
        widget=GovTextInput(),
        validators=[Optional(), at_most("Social worker's name", 200)],
    )
    attendance_percent = attendance_field()
    sessions_possible = sessions("Possible sessions so far", "Possible sessions")
    unauthorised_sessions = sessions("Unauthorised absences (sessions)", "Unauthorised sessions")
    concern_reasons = TextAreaField(
        "Reasons for concern",
        widget=GovTextArea(),
        description="What the school has seen, what it has tried, and what the family has said",
        validators=[DataRequired("Enter the reasons for concern"), at_most("Reasons for concern", 5000)],
    )
    referrer_name = StringField(
        "Your name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your name"), at_most("Your name", 200)],
    )
    referrer_role = StringField(
        "Your role",
        widget=GovTextInput(),
        description="For example, designated safeguarding lead or attendance officer",
        validators=[DataRequired("Enter your role"), at_most("Your role", 200)],
    )
    referrer_organisation = StringField(
        "Your organisation",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your organisation"), at_most("Your organisation", 200)],
    )
    # A referral is recorded as it arrives: not in the future, and not more than a year old.
    referral_date = GovDateField("Date of referral", "Enter the date of referral", limit="past", years_back=1)

    def __init__(self, *args: Any, asks_attendance: Collection[str] = (), **kwargs: Any) -> None:
        """`asks_attendance`: the keys of the pathways whose referral needs the attendance questions."""
        super().__init__(*args, **kwargs)
        self.asks_attendance = frozenset(asks_attendance)

    def attendance_applies(self) -> bool | None:
        """Whether the attendance questions apply to the pathway chosen; None before one is chosen."""
        if self.pathway.data not in {str(choice.value) for choice in self.pathway.iter_choices()}:
            return None
        return self.pathway.data in self.asks_attendance

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        super().validate(extra_validators)
        applies, attendance = self.attendance_applies(), self.attendance_percent
        if applies is False:
            for name in ATTENDANCE_QUESTIONS:
                self[name].errors, self[name].data = [], None
        elif applies and attendance.data is None and not attendance.errors:
            attendance.errors = [ATTENDANCE_REQUIRED]
        return not self.errors

    def validate_social_worker_name(self, field: StringField) -> None:
        if self.has_social_worker.data and not (field.data or "").strip():
            raise ValidationError("Enter the social worker's name")

    def validate_unauthorised_sessions(self, field: IntegerField) -> None:
        possible = self.sessions_possible.data
        if field.data is not None and possible is not None and field.data > possible:
            raise ValidationError("Unauthorised sessions cannot be more than possible sessions")


class StartPathwayForm(GovForm):
    """Start another pathway on a case (the case page); the attendance question is there only when
    the case was referred without it, for a pathway that asks for it."""

    pathway = SelectField(
        "Start another pathway",
        invalid_choice_message="Select the pathway to start",
        validators=[DataRequired("Select the pathway to start")],
    )
    attendance_percent = attendance_field()
