"""The managers' dashboard, and the lists of cases behind its figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit, inputs
from app.access import me, roles
from app.dashboard import lists, timeliness
from app.dashboard.figures import figures
from app.dashboard.links import Links
from app.dashboard.periods import CHOICES, choose_period, this_month
from app.dashboard.scope import scope_for, teams_to_choose
from app.models import Role
from app.timescales.settings import local_setting
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


def _args_but(name: str) -> dict[str, Any]:
    return {key: value for key, value in request.args.items() if key != name}


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
    found = figures(scope, choice.period, days, now, afresh=request.args.get("afresh") == "1")
    page = render_template(
        "dashboard/index.html",
        choice=choice,
        choices=CHOICES,
        scope=scope,
        teams=teams_to_choose(me()),
        work=found.work,
        charts=found.charts,
        links=Links(scope.chosen, choice.period.query_args() if choice.period else {}),
        past_45=found.past_45,
        summaries=found.summaries,
        worked_out_at=found.worked_out_at,
        again=url_for("dashboard.index", afresh=1, **_args_but("afresh")),
        unallocated_days=days,
        typed_days=typed_days,
        due_soon_days=found.due_soon_days,
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
