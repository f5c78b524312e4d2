"""Sign in and out, and change your password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.access import me, public, signed_in
from app.auth import services, sessions
from app.auth.forms import ChangePasswordForm, LoginForm
from app.formkit.base import answer
from app.inputs import safe_next
from app.models import Role, User

bp = Blueprint("auth", __name__, template_folder="templates")

Page = str | Response | tuple[str, int]
# What someone who must choose a new password may still reach.
_WHILE_MUST_CHANGE = {"auth.change_password", "auth.logout", "static"}


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Page:
    form = LoginForm()
    ended = sessions.take_signed_out_message()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/login.html", form=form, ended=ended), status
    try:
        user, token = services.sign_in(answer(form.email), answer(form.password), request.remote_addr or "")
    except services.SignInRefused as refused:
        form.add_error("password", refused.message)
        response = make_response(render_template("auth/login.html", form=form), 429)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    except services.SignInFailed as failed:
        form.add_error("password", failed.message)
        # The failure is counted and audited, so this response is committed despite the error.
        return render_template("auth/login.html", form=form), 200
    sessions.open_in_browser(user, token)
    if user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return redirect(safe_next(request.args.get("next"), start_page(user)))


@bp.post("/logout")
@signed_in
def logout() -> Response:
    services.sign_out(me(), sessions.current_token())
    logout_user()
    sessions.forget_browser()
    flash("You have signed out")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Page:
    form = ChangePasswordForm(current_app.extensions["settings"].password_min_length)
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), 400 if form.errors else 200
    user = me()
    try:
        token = services.change_own_password(
            user, answer(form.current_password), answer(form.new_password), request.remote_addr or ""
        )
    except services.PasswordRefused as refused:
        form.add_error(refused.field, refused.message)
        # A wrong current password is counted as a failed sign-in: keep that (commit).
        status = 200 if refused.field == "current_password" else 400
        return render_template("auth/change_password.html", form=form), status
    sessions.open_in_browser(user, token)
    flash("Your password has been changed")
    return redirect(url_for("worklist.index"))


@bp.before_app_request
def _choose_a_new_password_first() -> Response | None:
    """After an administrator resets a password, the person can do nothing else until they
    choose their own (pages only: API tokens are not passwords)."""
    view = current_app.view_functions.get(request.endpoint or "")
    if (
        view is None
        or getattr(view, "__access__", None) == "public"
        or request.endpoint in _WHILE_MUST_CHANGE
    ):
        return None
    if request.path.startswith("/api/"):
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        flash("Choose a new password to continue")
        return redirect(url_for("auth.change_password"))
    return None


def start_page(user: User) -> str:
    """Where signing in leads: a manager's dashboard, everyone else's worklist."""
    return url_for("dashboard.index") if user.role == Role.MANAGER else url_for("worklist.index")


@bp.get("/")
@public
def home() -> Response:
    return redirect(url_for("worklist.index"))
