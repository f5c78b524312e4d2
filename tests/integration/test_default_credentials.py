"""Default credentials: production never runs with the demo accounts or their password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
import pytest
from flask import Flask
from sqlalchemy import select, update

import app as app_package
from app import create_app
from app.auth.passwords import hash_password
from app.auth.services import DEMO_EMAILS
from app.config import Settings
from app.demo.people import USERS
from app.extensions import db
from app.models import User
from tests.integration.accounts_support import changed_settings, sign_in, text


def _production(app: Flask) -> Settings:
    settings = app.extensions["settings"]
    return Settings(
        env="production",
        secret_key="x" * 40,
        database_url=settings.database_url,
        instance_dir=settings.instance_dir,
        processes_dir=settings.processes_dir,
    )


@contextmanager
def demo_accounts_changed(**values: object) -> Iterator[None]:
    """Change every demo account for one test, then put them back as they were."""
    saved = {u.id: (u.password_hash, u.active) for u in db.session.scalars(select(User))}
    if values:
        db.session.execute(update(User).where(User.email.in_(DEMO_EMAILS)).values(**values))
        db.session.commit()
    try:
        yield
    finally:
        for user_id, (password_hash, active) in saved.items():
            db.session.execute(
                update(User).where(User.id == user_id).values(password_hash=password_hash, active=active)
            )
        db.session.commit()


def test_every_demo_account_is_known_as_one(ctx) -> None:
    assert {email for email, *_ in USERS} == DEMO_EMAILS


def test_production_refuses_to_start_while_any_demo_account_is_active_whatever_its_password(ctx) -> None:
    # Once the demo password was changed, the old check let the other demo accounts through.
    changed = hash_password("a changed password for demo")
    with demo_accounts_changed(password_hash=changed), pytest.raises(RuntimeError) as refused:
        create_app(_production(ctx))
    message = str(refused.value)
    assert "social.worker@example.org" in message and "cp.chair@example.org" in message
    assert "flask --app wsgi users deactivate" in message


@pytest.mark.commits  # the production app reads the accounts on connections of its own
def test_production_starts_once_every_demo_account_is_deactivated(ctx) -> None:
    with demo_accounts_changed(active=False):
        production = create_app(_production(ctx))
    assert production.extensions["settings"].is_production


def test_in_production_the_demo_password_is_refused_for_every_account(ctx, client) -> None:
    with changed_settings(ctx, env="production"):
        for email in sorted(DEMO_EMAILS):
            response = sign_in(client, email, "demo")
            assert response.status_code == 200, email
            assert "The email address or password is not right" in text(response), email
    assert sign_in(client, "social.worker@example.org", "demo").status_code == 302  # development: fine


def test_the_users_and_db_commands_still_load_in_production_to_put_it_right(ctx, monkeypatch) -> None:
    production = _production(ctx)
    with click.Context(click.Command("flask")).scope():
        monkeypatch.setattr(
            "sys.argv", ["flask", "--app", "wsgi", "users", "deactivate", "admin@example.org"]
        )
        assert create_app(production).extensions["settings"].is_production
        monkeypatch.setattr("sys.argv", ["flask", "-A", "wsgi", "--debug", "db", "upgrade"])
        create_app(production)
        monkeypatch.setattr("sys.argv", ["flask", "--app", "wsgi", "run"])
        with pytest.raises(RuntimeError, match="Demo accounts"):
            create_app(production)
        monkeypatch.setattr("sys.argv", ["flask", "--app", "wsgi", "scheduler"])
        with pytest.raises(RuntimeError, match="Demo accounts"):
            create_app(production)
    assert not app_package._repairing_from_the_command_line(["flask", "users", "list"])  # not under click


@pytest.mark.commits  # the production app reads the accounts on connections of its own
def test_deactivating_the_demo_accounts_from_the_command_line_lets_production_start(ctx) -> None:
    with demo_accounts_changed():
        result = ctx.test_cli_runner().invoke(args=["users", "deactivate", *sorted(DEMO_EMAILS)])
        assert result.exit_code == 0, result.output
        assert "Deactivated cp.chair@example.org" in result.output
        create_app(_production(ctx))
