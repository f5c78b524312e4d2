"""The managers' dashboard, and the lists of cases behind its figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.wrappers import Response

from app import audit, inputs
from app.access import me, roles
from app.dashboard import charts, lists, timeliness
from app.dashboard.links import Links
from app.dashboard.periods import CHOICES, choose_period, this_month
from app.dashboard.scope import scope_for, teams_to_choose
from app.dashboard.workload import PAST_45_STEPS, overdue_cases_at, workload
from app.models import Role
from app.timescales.settings import local_setting
from app.timescales.status import due_soon_until, due_soon_working_days
from app.timescales.working_days import LONDON

bp = Blueprint("dashboard", __name__, template_folder="templates")

MOST_DAYS = 365


def _unallocated_days() -> tuple[int, str, str | None]:
    """The page's "older than N days" (the setting unless typed), what was typed, and an error."""
    default = local_setting("unallocated_alert_days")
    typed = request.args.get("unallocated_days", "").strip()[:20]
    if not typed:
        return default, str(default), None
    value = inputs.whole_number(typed, highest=MOST_DAYS)
    if value is None or value < 1:
        return default, typed, f"Enter a whole number of days from 1 to {MOST_DAYS}"
    return value, typed, None


@bp.get("/dashboard")
@roles(Role.MANAGER, Role.ADMIN)
def index() -> tuple[str, int]:
    # Counts only, no child's name or record: the page records no view (the lists behind it do).
    now = datetime.now(UTC)
    choice = choose_period(request.args, now.astimezone(LONDON).date())
    scope = scope_for(me(), inputs.whole_number(request.args.get("team")))
    days, typed_days, days_error = _unallocated_days()
    errors = dict(choice.errors)
    if days_error:
        errors["unallocated_days"] = days_error
    summaries = {}
    if choice.period is not None:
        summaries = {
            key: timeliness.summarise(figure, timeliness.figure_rows(key, scope, choice.period, now))
            for key, figure in timeliness.FIGURES.items()
        }
    else:
        summaries["consent"] = timeliness.summarise(
            timeliness.FIGURES["consent"], timeliness.consent_rows(scope, now)
        )
    work = workload(scope, now, due_soon_until(now), days)
    drawn = {"teams": charts.tasks_by_team(work)}
    if "assessments" in summaries:
        drawn["census"] = charts.census_bands(summaries["assessments"])
        drawn["timescale"] = charts.within_timescale(summaries)
    page = render_template(
        "dashboard/index.html",
        choice=choice,
        choices=CHOICES,
        scope=scope,
        teams=teams_to_choose(me()),
        work=work,
        charts=drawn,
        links=Links(scope.chosen, choice.period.query_args() if choice.period else {}),
        past_45=overdue_cases_at(scope, now, PAST_45_STEPS),
        summaries=summaries,
        figures=timeliness.FIGURES,
        unallocated_days=days,
        typed_days=typed_days,
        due_soon_days=due_soon_working_days(),
        errors=errors,
        charts_available=_charts_available(),
    )
    return page, 400 if errors else 200


@bp.get("/dashboard/cases/<figure>")
@roles(Role.MANAGER, Role.ADMIN)
def cases(figure: str) -> Response | tuple[str, int]:
    found = timeliness.FIGURES.get(figure)
    if found is None:
        abort(404)
    now = datetime.now(UTC)
    choice = choose_period(request.args, now.astimezone(LONDON).date())
    scope = scope_for(me(), inputs.whole_number(request.args.get("team")))
    band = inputs.one_of(request.args.get("band"), found.band_keys(), "all")
    period = choice.period if found.uses_period else this_month(now.astimezone(LONDON).date())
    if period is None:
        page = render_template(
            "dashboard/cases.html", figure=found, band=band, choice=choice, scope=scope, errors=choice.errors
        )
        return page, 400
    rows = timeliness.figure_rows(figure, scope, period, now)
    chosen = lists.in_order(lists.visible([r for r in rows if found.holds(r, band)], me()))
    if request.args.get("format") == "csv":
        items = lists.listed(chosen)
        audit.record_view("dashboard.cases_listed", me(), [i.case.id for i in items], page=request.full_path)
        response = Response(lists.as_csv(found, items), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{figure}-{band}.csv"'
        return response
    number = inputs.page_number(request.args.get("page"))
    pages = max(1, -(-len(chosen) // lists.PAGE_SIZE))
    number = min(number, pages)
    items = lists.listed(chosen[(number - 1) * lists.PAGE_SIZE : number * lists.PAGE_SIZE])
    audit.record_view("dashboard.cases_listed", me(), [i.case.id for i in items], page=request.full_path)
    return render_template(
        "dashboard/cases.html",
        figure=found,
        band=band,
        choice=choice,
        scope=scope,
        items=items,
        total=len(chosen),
        page=number,
        pages=pages,
        errors={},
    ), 200


def _charts_available() -> bool:
    return (Path(current_app.static_folder or "") / "vendor" / "charts" / "charts.js").exists()
