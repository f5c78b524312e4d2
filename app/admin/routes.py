"""Settings pages for administrators: local settings and school term dates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app.access import me, roles
from app.admin import services
from app.admin.forms import ClosureForm, SettingForm, TermForm
from app.formkit.base import answer
from app.models import Role
from app.timescales.settings import SETTINGS, local_setting

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
admins = roles(Role.ADMIN)

Page = str | tuple[str, int] | Response


def _calendar_url(school: str | None) -> str:
    return url_for("admin.terms", school=school) if school else url_for("admin.terms")


@bp.get("/settings")
@admins
def settings() -> str:
    return render_template("admin/settings.html", rows=services.settings_overview())


@bp.route("/settings/<name>", methods=["GET", "POST"])
@admins
def change_setting(name: str) -> Page:
    setting = SETTINGS.get(name)
    if setting is None:
        abort(404)
    form = SettingForm(setting, data={"value": str(local_setting(name))})
    if not form.validate_on_submit():
        return render_template("admin/setting.html", form=form, setting=setting), 400 if form.errors else 200
    value = services.change_setting(name, answer(form.value), me())
    if value is not None:
        flash(f"{setting.label} changed to {setting.describe(value)}")
    return redirect(url_for("admin.settings"))


@bp.get("/calendars")
@admins
def calendars() -> str:
    return render_template("admin/calendars.html", calendars=services.calendars_overview())


@bp.get("/calendars/terms")
@admins
def terms() -> str:
    school = request.args.get("school", "").strip() or None
    return render_template(
        "admin/terms.html",
        school=school,
        label=services.calendar_name(school),
        terms=services.terms_of(school),
    )


@bp.route("/calendars/terms/new", methods=["GET", "POST"])
@admins
def new_term() -> Page:
    form = TermForm(data={"school": request.args.get("school", "")})
    if form.validate_on_submit():
        try:
            term = services.add_term(
                form.school.data, form.name.data or "", answer(form.starts_on), answer(form.ends_on), me()
            )
        except services.CalendarProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            flash(f"Term added to {services.calendar_name(term.school)}")
            return redirect(_calendar_url(term.school))
    failed = request.method == "POST"
    return render_template("admin/term_new.html", form=form), 400 if failed else 200


@bp.route("/calendars/terms/<int:term_id>/delete", methods=["GET", "POST"])
@admins
def delete_term(term_id: int) -> Page:
    term = services.find_term(term_id)
    if term is None:
        abort(404)
    if request.method == "GET":
        return render_template("admin/term_delete.html", term=term)
    school = term.school
    services.delete_term(term, me())
    flash("Term deleted")
    return redirect(_calendar_url(school))


@bp.route("/calendars/terms/<int:term_id>/closures", methods=["GET", "POST"])
@admins
def closures(term_id: int) -> Page:
    term = services.find_term(term_id)
    if term is None:
        abort(404)
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            services.add_closure(term, answer(form.day), form.reason.data or "", me())
        except services.CalendarProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            flash("Closure day added")
            return redirect(url_for("admin.closures", term_id=term.id))
    failed = request.method == "POST"
    page = render_template(
        "admin/closures.html", form=form, term=term, label=services.calendar_name(term.school)
    )
    return page, 400 if failed else 200


@bp.post("/calendars/closures/<int:closure_id>/delete")
@admins
def delete_closure(closure_id: int) -> Response:
    closure = services.find_closure(closure_id)
    if closure is None:
        abort(404)
    term_id = closure.term_id
    services.remove_closure(closure, me())
    flash("Closure day removed")
    return redirect(url_for("admin.closures", term_id=term_id))
