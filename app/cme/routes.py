"""The children missing education register page: ACE's live list of children missing education."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from app import audit
from app.access import me, signed_in
from app.cme import services
from app.models import CmeStatus

bp = Blueprint("cme", __name__, template_folder="templates")

FILTERS = (("missing", "Missing"), ("found", "Found"), ("closed", "Closed"), ("", "All"))


@bp.app_context_processor
def register_link() -> dict[str, Any]:
    """Lets the menu offer the register to the people who may read it."""
    return {"may_see_cme_register": lambda: services.may_see_register(me())}


@bp.get("/cme")
@signed_in
def register() -> str:
    if not services.may_see_register(me()):
        abort(403)
    status = request.args.get("status", "missing")
    if status not in {s.value for s in CmeStatus} | {""}:
        status = "missing"
    rows = services.register(status)
    audit.record_view("cme.register_viewed", me(), [r.record.case_id for r in rows], page=request.full_path)
    return render_template(
        "cme/register.html",
        rows=rows,
        status=status,
        filters=FILTERS,
        sources=services.SOURCES,
    )
