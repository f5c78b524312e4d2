"""The referral form: a concern about a child, which opens a case on the pathway it names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import GovForm

YEAR_GROUPS = [SelectChoice("", "Select year group")] + [
    SelectChoice(y, y) for y in ["Nursery", "Reception"] + [f"Year {n}" for n in range(1, 14)]
]


def not_in_future(message: str) -> Callable[[GovForm, DateField], None]:
    def check(form: GovForm, field: DateField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(message)

    return check


class ReferralForm(GovForm):
    # Choices are the published pathways, set by the page (app/cases/services.PATHWAYS).
    pathway = RadioField(
        "What are you telling us about?",
        widget=GovRadioInput(),
        default="early_help",  # what a referral meant before there were pathways to choose
        validators=[DataRequired("Select what you are telling us about")],
    )
    first_name = StringField(
        "First name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's first name"), Length(max=100)],
    )
    last_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's last name"), Length(max=100)],
    )
    date_of_birth = DateField(
        "Date of birth",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="For example, 27 3 2014",
        validators=[
            InputRequired("Enter the child's date of birth"),
            not_in_future("Date of birth must be in the past"),
        ],
    )
    school = StringField(
        "School",
        widget=GovTextInput(),
        validators=[DataRequired("Enter the child's school"), Length(max=200)],
    )
    year_group = SelectField(
        "Year group",
        choices=YEAR_GROUPS,
        widget=GovSelect(),
        validators=[DataRequired("Select the year group")],
    )
    send_support = BooleanField("Receives SEN support", widget=GovCheckboxInput())
    has_ehcp = BooleanField("Has an education, health and care plan (EHCP)", widget=GovCheckboxInput())
    looked_after = BooleanField("Is looked after by the local authority", widget=GovCheckboxInput())
    has_social_worker = BooleanField("Has a social worker", widget=GovCheckboxInput())
    social_worker_name = StringField(
        "Social worker's name", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    attendance_percent = DecimalField(
        "Attendance this school year (%)",
        widget=GovTextInput(),
        places=1,
        description="The percentage of possible sessions attended, for example 84.5",
        validators=[
            InputRequired("Enter the child's attendance as a percentage"),
            NumberRange(0, 100, "Attendance must be between 0 and 100"),
        ],
    )
    sessions_possible = IntegerField(
        "Possible sessions so far",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 400, "Possible sessions must be between 0 and 400")],
    )
    unauthorised_sessions = IntegerField(
        "Unauthorised absences (sessions)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 400, "Unauthorised sessions must be between 0 and 400")],
    )
    concern_reasons = TextAreaField(
        "Reasons for concern",
        widget=GovTextArea(),
        description="What the school has seen, what it has tried, and what the family has said",
        validators=[DataRequired("Enter the reasons for concern"), Length(max=5000)],
    )
    referrer_name = StringField(
        "Your name", widget=GovTextInput(), validators=[DataRequired("Enter your name"), Length(max=200)]
    )
    referrer_role = StringField(
        "Your role",
        widget=GovTextInput(),
        description="For example, designated safeguarding lead or attendance officer",
        validators=[DataRequired("Enter your role"), Length(max=200)],
    )
    referrer_organisation = StringField(
        "Your organisation",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your organisation"), Length(max=200)],
    )
    referral_date = DateField(
        "Date of referral",
        widget=GovDateInput(),
        format="%d %m %Y",
        validators=[
            InputRequired("Enter the date of referral"),
            not_in_future("Date of referral must be today or in the past"),
        ],
    )

    def validate_social_worker_name(self, field: StringField) -> None:
        if self.has_social_worker.data and not (field.data or "").strip():
            raise ValidationError("Enter the social worker's name")

    def validate_unauthorised_sessions(self, field: IntegerField) -> None:
        possible = self.sessions_possible.data
        if field.data is not None and possible is not None and field.data > possible:
            raise ValidationError("Unauthorised sessions cannot be more than possible sessions")
