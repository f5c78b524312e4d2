"""/healthz: is the database answering, is the scheduler running."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.access import public
from app.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz() -> tuple[Any, int]:
    try:
        db.session.execute(text("select 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        database = f"error: {exc.__class__.__name__}"
    scheduler = current_app.extensions.get("scheduler_state", lambda: "not configured")()
    healthy = database == "ok" and scheduler in {"running", "disabled"}
    return jsonify(status="ok" if healthy else "degraded", database=database, scheduler=scheduler), (
        200 if healthy else 503
    )
