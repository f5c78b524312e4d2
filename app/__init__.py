"""The casework application: create_app() wires settings, extensions, blueprints and commands."""

from __future__ import annotations

from typing import Any

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

    from app.cli import register_commands

    register_commands(app)

    if settings.is_production:
        _refuse_demo_users(app)

    from app.scheduling import init_scheduler

    init_scheduler(app)
    return app


def _refuse_demo_users(app: Flask) -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from app.auth.services import demo_users_present

    with app.app_context():
        try:
            present = demo_users_present()
        except (OperationalError, ProgrammingError):  # no schema yet: nothing to refuse
            present = False
        finally:
            db.session.remove()
    if present:
        raise RuntimeError(
            "Demo accounts with the password 'demo' exist in this database; "
            "the app will not start in production until they are removed or their passwords changed"
        )
