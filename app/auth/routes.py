"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from app.access import public, signed_in
from app.auth import services
from app.web import safe_next
from forms.base import GovForm

bp = Blueprint("auth", __name__, template_folder="templates")


class LoginForm(GovForm):  # a JSON body is read as text answers, never as objects
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired("Enter your password")]
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("worklist.index")))
        form.password.errors.append("The email address or password is not right")
        # The failed attempt is audited, so commit this response despite the error.
        return render_template("auth/login.html", form=form), 200
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@signed_in
def logout() -> Response:
    logout_user()
    flash("You have signed out")
    return redirect(url_for("auth.login"))


@bp.get("/")
@public
def home() -> Response:
    return redirect(url_for("worklist.index"))
