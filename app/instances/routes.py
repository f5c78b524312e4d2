"""The processes on cases, for managers, administrators and process owners."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from app import audit
from app.access import me, roles
from app.instances import exports, filters, queries
from app.lists import downloads, pages, saved
from app.models import Role

bp = Blueprint("instances", __name__, template_folder="templates")
overseers = roles(Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER)


@bp.get("/instances")
@overseers
def index() -> Response | str:
    """Every process on the cases the user may see, filtered, sorted and paged (format=csv: all)."""
    chosen, choices, messages = filters.read_filters(request.args, me())
    if request.args.get("format") == "csv":
        return _download(chosen)
    page = queries.instance_page(me(), chosen)
    views = saved.saved_views(me(), "instances")
    audit.record_view(
        "instances.listed", me(), [r.instance.case_id for r in page.rows], page=request.full_path
    )
    return render_template(
        "instances/index.html", f=chosen, choices=choices, messages=messages, page=page, saved_views=views
    )


def _download(chosen: filters.InstanceFilters) -> Response:
    total = queries.count(me(), chosen, downloads.MAX_ROWS + 1)
    if total > downloads.MAX_ROWS:
        flash(downloads.too_many_message("processes"), "error")
        return redirect(pages.with_query(url_for("instances.index"), chosen.query_string()))
    found = queries.all_ids(me(), chosen, downloads.MAX_ROWS)
    ids = [instance_id for instance_id, _ in found]
    audit.record_view("instances.exported", me(), [case_id for _, case_id in found], page=request.full_path)
    return downloads.csv_response(exports.instance_csv(ids), downloads.filename("processes", date.today()))


@bp.post("/instances/saved-views")
@overseers
def save_view() -> Response | tuple[str, int]:
    chosen, _, _ = filters.read_filters(pages.posted_query(request.form.get("query", "")), me())
    return pages.save_view(
        "instances",
        request.form.get("name", ""),
        chosen.query_string(),
        url_for("instances.index"),
        url_for("instances.save_view"),
    )


@bp.post("/instances/saved-views/<int:view_id>/delete")
@overseers
def delete_view(view_id: int) -> Response:
    return pages.delete_view("instances", view_id, request.form.get("next"), url_for("instances.index"))
