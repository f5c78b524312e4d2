"""The casework application: create_app() wires settings, extensions, blueprints and commands."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from app.config import ROOT, Settings
from app.extensions import csrf, db, login_manager, migrate
from app.inputs import init_inputs


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the app. Importing this module has no side effects; calling this touches no database."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_dir))
    app.config.update(settings.flask_config())
    app.config.update(overrides)
    app.extensions["settings"] = settings
    init_inputs(app)  # before any route is added: rules take their converters when added
    if settings.database_url.startswith("sqlite:///"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from app import models  # noqa: F401 - register the models with the metadata
    from app.web import init_web

    init_web(app)

    from app.workflow.library import init_library

    init_library(app)
    _check_pathways(app)

    from app.cli import register_commands

    register_commands(app)

    if settings.is_production and not _repairing_from_the_command_line():
        _refuse_demo_users(app)

    from app.jobs import init_jobs
    from app.scheduling import init_scheduler

    init_jobs(app)
    init_scheduler(app)
    return app


# `flask users …` and `flask db …` must run to put right what start-up refuses.
_REPAIR_COMMANDS = {"users", "db"}
_FLASK_FLAGS = {"--debug", "--no-debug", "--version", "--help"}


def _repairing_from_the_command_line(argv: list[str] | None = None) -> bool:
    """True while `flask [--app wsgi] users …` or `flask … db …` is loading the app."""
    if click.get_current_context(silent=True) is None:
        return False  # a WSGI server (gunicorn wsgi:app) is starting: refuse
    args = (sys.argv if argv is None else argv)[1:]
    i = 0
    while i < len(args) and args[i].startswith("-"):  # skip `--app wsgi`, `-e .env`, `--debug`
        i += 1 if args[i] in _FLASK_FLAGS or "=" in args[i] else 2
    return i < len(args) and args[i] in _REPAIR_COMMANDS


def _refuse_demo_users(app: Flask) -> None:
    """Production does not start while a demo account is active: their emails and password
    are public. Deactivate them with `flask --app wsgi users deactivate EMAIL`."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from app.auth.services import active_demo_accounts

    with app.app_context():
        try:
            present = active_demo_accounts()
        except (OperationalError, ProgrammingError):  # no schema yet: nothing to refuse
            present = []
        finally:
            db.session.remove()
    if present:
        raise RuntimeError(
            f"Demo accounts are active in this database ({', '.join(present)}); the app will not start "
            "in production until each is deactivated: flask --app wsgi users deactivate EMAIL"
        )


def _check_pathways(app: Flask) -> None:
    """Refuse to start if a shipped pathway names a rule, calculation or effect that does not exist."""
    from app.pathways.checks import pathway_problems
    from app.workflow.library import LibraryRefused

    library = app.extensions["library"]
    problems = [
        problem
        for shipped in library.shipped.values()
        for problem in pathway_problems(shipped.diagram, shipped.forms, shipped.path.name)
    ]
    if problems:
        raise LibraryRefused(library.processes_dir, problems)
