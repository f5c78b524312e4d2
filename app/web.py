"""Wiring for the web side: blueprints, sign-in loading, the transaction edge, filters, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, flash, jsonify, redirect, request, url_for
from flask_login import AnonymousUserMixin

from app.accounts.routes import bp as accounts_bp
from app.admin.routes import bp as admin_bp
from app.api.routes import bp as api_bp
from app.audit import action_label
from app.auth.routes import bp as auth_bp
from app.auth.sessions import ended_by_itself, load_session_user
from app.cases.routes import bp as cases_bp
from app.chronology.routes import bp as chronology_bp
from app.cme.routes import bp as cme_bp
from app.dashboard.routes import bp as dashboard_bp
from app.diagrams.routes import bp as diagrams_bp
from app.errors import init_errors
from app.extensions import login_manager
from app.headers import init_headers
from app.health import bp as health_bp
from app.instances.routes import bp as instances_bp
from app.legal.routes import bp as legal_bp
from app.moves.routes import bp as moves_bp
from app.oversight.routes import bp as oversight_bp
from app.processes.routes import bp as processes_bp
from app.revisions.routes import bp as revisions_bp
from app.tasks.routes import bp as tasks_bp
from app.timescales.attendance import attendance_tier
from app.timescales.guidance import render_guidance
from app.timescales.status import due_status
from app.timescales.working_days import LONDON
from app.trail.routes import bp as trail_bp
from app.transactions import commit_or_roll_back, discard_uncommitted
from app.trials.routes import bp as trials_bp
from app.worklist.routes import bp as worklist_bp


def init_web(app: Flask) -> None:
    blueprints = (
        auth_bp,
        worklist_bp,
        tasks_bp,
        cases_bp,
        chronology_bp,
        cme_bp,
        legal_bp,  # penalty-notice history
        oversight_bp,
        diagrams_bp,  # cases on their diagrams
        dashboard_bp,
        instances_bp,
        trail_bp,  # audit search, subject access export
        admin_bp,
        accounts_bp,
        processes_bp,
        revisions_bp,
        moves_bp,
        trials_bp,
        health_bp,
        api_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = AnonymousUserMixin
    # Sessions are kept on the server: the loader checks this browser's session row each request.
    # API bearer tokens are read by the API blueprint itself (app/api/auth.py).
    login_manager.user_loader(load_session_user)
    login_manager.unauthorized_handler(_unauthorized)

    app.after_request(commit_or_roll_back)
    init_headers(app)
    app.teardown_request(discard_uncommitted)
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.globals["due_status"] = due_status
    app.jinja_env.filters["action"] = action_label
    app.jinja_env.filters["tier"] = attendance_tier
    app.jinja_env.filters["guidance"] = render_guidance  # settings in words, as the page is drawn
    # A local authority service: no GOV.UK brand refresh (crown, GOV.UK blue header).
    app.jinja_env.globals["govukRebrand"] = False
    app.jinja_env.globals["assets_available"] = _assets_available(app)
    app.jinja_env.globals["designer_available"] = _vendored(app, "designer", "designer.js")
    app.jinja_env.globals["now"] = lambda: datetime.now(UTC)
    init_errors(app)


def _unauthorized() -> Any:
    if request.path.startswith("/api/"):
        return jsonify(
            error="unauthorized", message="Send a valid API token as 'Authorization: Bearer <token>'"
        ), 401
    if not ended_by_itself():  # the sign-in page will say why instead
        flash("Sign in to continue")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _assets_available(app: Flask) -> bool:
    return _vendored(app, "govuk-frontend", "govuk-frontend.min.js")


def _vendored(app: Flask, package: str, filename: str) -> bool:
    """A front-end file `make assets` built or copied from npm is on this server."""
    return (Path(app.static_folder or "") / "vendor" / package / filename).exists()


def _format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %b %Y %H:%M")


def _format_date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
    return str(value.strftime("%-d %b %Y"))
