"""Accounts pages for administrators: people, their roles and teams, and their access."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.access import me, roles
from app.accounts import services
from app.accounts.forms import AccountForm, ConfirmForm
from app.formkit.base import answer
from app.models import Role, User

bp = Blueprint("accounts", __name__, template_folder="templates", url_prefix="/accounts")
admins = roles(Role.ADMIN)

Page = str | tuple[str, int] | Response


def _account(user_id: int) -> services.AccountRow:
    account = services.find_account(user_id)
    if account is None:
        abort(404)
    return account


def _show(user_id: int) -> Response:
    return redirect(url_for("accounts.show", user_id=user_id))


def _temporary_password_page(user: User, temporary: str, *, new: bool) -> Response:
    """The one time a temporary password is shown: never cached, never put in the cookie."""
    response = make_response(
        render_template("accounts/password.html", user=user, temporary=temporary, new=new)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@admins
def index() -> str:
    return render_template("accounts/index.html", accounts=services.list_accounts())


@bp.route("/new", methods=["GET", "POST"])
@admins
def new() -> Page:
    form = AccountForm(services.all_teams(), new=True)
    if form.validate_on_submit():
        try:
            user, temporary = services.create_account(
                answer(form.email), answer(form.name), Role(form.role.data), form.teams.data or [], me()
            )
        except services.AccountProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            return _temporary_password_page(user, temporary, new=True)
    return render_template("accounts/new.html", form=form), 400 if form.errors else 200


@bp.get("/<int:user_id>")
@admins
def show(user_id: int) -> str:
    return render_template("accounts/show.html", account=_account(user_id), form=ConfirmForm())


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admins
def edit(user_id: int) -> Page:
    user = _account(user_id).user
    data = {"name": user.name, "role": user.role.value, "teams": user.team_ids}
    form = AccountForm(services.all_teams(), new=False, data=data)
    if form.validate_on_submit():
        try:
            changed = services.change_account(
                user, answer(form.name), Role(form.role.data), form.teams.data or [], me()
            )
        except services.AccountProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            flash(f"{user.name}’s account has been changed" if changed else "Nothing was changed")
            return _show(user.id)
    return render_template("accounts/edit.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@admins
def deactivate(user_id: int) -> Page:
    account, form = _account(user_id), ConfirmForm()
    if form.validate_on_submit():
        try:
            services.deactivate(account.user, me())
        except services.AccountProblem as problem:
            return render_template(
                "accounts/deactivate.html", account=account, form=form, problem=problem
            ), 400
        flash(f"{account.user.name}’s account has been deactivated")
        return _show(user_id)
    return render_template("accounts/deactivate.html", account=account, form=form)


@bp.post("/<int:user_id>/reactivate")
@admins
def reactivate(user_id: int) -> Response:
    account = _account(user_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate(account.user, me())
        flash(f"{account.user.name}’s account has been reactivated")
    return _show(user_id)


@bp.post("/<int:user_id>/unlock")
@admins
def unlock(user_id: int) -> Response:
    account = _account(user_id)
    if ConfirmForm().validate_on_submit():
        unlocked = services.unlock(account.user, me())
        flash(
            f"{account.user.name} can sign in again"
            if unlocked
            else f"{account.user.name} was not locked out"
        )
    return _show(user_id)


@bp.route("/<int:user_id>/reset-password", methods=["GET", "POST"])
@admins
def reset_password(user_id: int) -> Page:
    account, form = _account(user_id), ConfirmForm()
    if form.validate_on_submit():
        temporary = services.reset_password(account.user, me())
        return _temporary_password_page(account.user, temporary, new=False)
    return render_template("accounts/reset_password.html", account=account, form=form)
