"""The referral form: a concern about a child, which opens a case on the pathway it names."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import GovForm
from forms.fields import GovDateField, GovDecimalField

YEAR_GROUPS = [SelectChoice("", "Select year group")] + [
    SelectChoice(y, y) for y in ["Nursery", "Reception"] + [f"Year {n}" for n in range(1, 14)]
]


def at_most(label: str, limit: int) -> Length:
    """Length(max=limit) with the GOV.UK message for it."""
    return Length(max=limit, message=f"{label} must be {limit} characters or less")


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
    attendance_percent = GovDecimalField(
        "Attendance this school year (%)",
        places=1,
        invalid_value_message="Attendance must be a number, like 84.5",
        description="The percentage of possible sessions attended, for example 84.5",
        validators=[
            InputRequired("Enter the child's attendance as a percentage"),
            NumberRange(0, 100, "Attendance must be between 0 and 100"),
        ],
    )
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

    def validate_social_worker_name(self, field: StringField) -> None:
        if self.has_social_worker.data and not (field.data or "").strip():
            raise ValidationError("Enter the social worker's name")

    def validate_unauthorised_sessions(self, field: IntegerField) -> None:
        possible = self.sessions_possible.data
        if field.data is not None and possible is not None and field.data > possible:
            raise ValidationError("Unauthorised sessions cannot be more than possible sessions")
