"""Forms for signing in and changing your password."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from app.formkit.base import GovForm


def _password(label: str, message: str) -> PasswordField:
    return PasswordField(label, widget=GovPasswordInput(), validators=[DataRequired(message)])


class LoginForm(GovForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = _password("Password", "Enter your password")


class ChangePasswordForm(GovForm):
    current_password = _password("Current password", "Enter your current password")
    new_password = _password("New password", "Enter a new password")
    confirm_password = _password("Confirm new password", "Confirm your new password")

    def __init__(self, min_length: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.new_password.description = (
            f"At least {min_length} characters: any characters you like, with no rules about "
            "capitals, numbers or symbols. A good way to make one is 3 random words."
        )

    def validate_confirm_password(self, field: PasswordField) -> None:
        if self.new_password.data and field.data != self.new_password.data:
            raise ValidationError("Enter the same new password twice")
