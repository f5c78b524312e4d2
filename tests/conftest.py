"""Shared fixtures: one app per test session on a migrated database, cleaned between tests.

The database is SQLite in a temporary directory, or PostgreSQL when DATABASE_URL is
set (as .ci/run does). The schema is built by the Alembic migrations, as in production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete, select, text

from app import create_app
from app.auth import passwords
from app.config import ROOT, Settings
from app.dashboard.figures import KEPT
from app.extensions import db
from app.models import ProcessVersion, Team, User
from app.workflow.library import get_library, publish_shipped
from tests import factories
from tests.checked_client import CheckedClient, check_every_request
from tests.isolation import rolled_back_at_the_end, track_writes

# Tables that hold reference data set up once per session; everything else is emptied per test.
KEEP = {"team", "user_account", "team_member", "process_version", "alembic_version"}


def _settings(tmp: Path) -> Settings:
    url = os.environ.get("DATABASE_URL", "") or f"sqlite:///{tmp / 'test.db'}"
    base = Settings.from_env({"CASEWORK_ENV": "test", "DATABASE_URL": url})
    return Settings(
        env="test",
        secret_key="test-secret",
        database_url=base.database_url,
        scheduler_enabled=False,
        background_jobs=False,
        processes_dir=ROOT / "processes",
        instance_dir=tmp,
    )


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # argon2 at production cost makes each test user take ~50 ms; tests need no such cost.
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    tmp = tmp_path_factory.mktemp("instance")
    flask_app = create_app(_settings(tmp), WTF_CSRF_ENABLED=False)

    @flask_app.before_request
    def _fresh_user_per_request() -> None:
        # Test requests share the test's app context, and so its `g`; in production each
        # request has its own. Without this, the user of one client leaks into the next.
        g.pop("_login_user", None)

    track_writes()
    check_every_request(flask_app)
    with flask_app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("drop schema public cascade; create schema public"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        factories.create_people()
        publish_shipped()
        db.session.commit()
        _empty_tables()  # every test starts from the kept tables alone (publishing wrote audit rows)
        db.session.remove()
    yield flask_app


_sequences: list[str] = []


def _restore_versions(kept: dict[int, bool]) -> None:
    """Versions a committing test published (a process owner's journey) go, and the ones that were
    current are current again, so later tests start on the shipped pathways."""
    db.session.execute(delete(ProcessVersion).where(ProcessVersion.id.not_in(kept)))
    for version in db.session.scalars(select(ProcessVersion)):
        version.is_current = kept[version.id]
    db.session.commit()
    get_library().forget_versions_after(max(kept, default=0))


def _empty_tables() -> None:
    """Empty every table but the kept ones, getting past the audit trail's triggers on purpose.

    The triggers refuse to change or delete audit rows for anyone, so the cleanup turns them
    off for its own transaction only: on PostgreSQL by acting as a replication apply
    (`session_replication_role = replica`: ordinary and foreign-key triggers do not fire),
    on SQLite by dropping them and making them again from their own saved SQL before commit.
    PostgreSQL rows go by DELETE, not TRUNCATE: on a test's few rows it is about 20 times
    faster (TRUNCATE makes new files for every table); the id sequences restart as before.
    """
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP]
    if db.engine.dialect.name == "postgresql":
        if not _sequences:
            _sequences.extend(
                db.session.scalars(
                    text(
                        "select pg_get_serial_sequence(quote_ident(table_name), column_name) "
                        "from information_schema.columns where table_schema = current_schema() "
                        "and table_name = any(:tables) "
                        "and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null"
                    ),
                    {"tables": [t.name for t in tables]},
                )
            )
        db.session.execute(text("set local session_replication_role = replica"))
        for table in tables:
            db.session.execute(table.delete())
        for sequence in _sequences:
            db.session.execute(text(f"alter sequence {sequence} restart"))
    else:
        triggers = db.session.execute(
            text("select name, sql from sqlite_master where type = 'trigger'")
        ).all()
        db.session.execute(text("begin"))  # so the triggers are never missing outside this transaction
        for name, _ in triggers:
            db.session.execute(text(f'drop trigger "{name}"'))
        for table in tables:
            db.session.execute(table.delete())
        for _, sql in triggers:
            db.session.execute(text(sql))
    db.session.commit()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A browser test's live server answers from its own threads, on connections of their own.
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.commits)


@pytest.fixture(autouse=True)
def _server_errors_expected(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test marked `expects_server_error` may be answered 500 (or more) and the sorry page."""
    CheckedClient.server_errors_expected = request.node.get_closest_marker("expects_server_error") is not None
    yield
    CheckedClient.server_errors_expected = False


@pytest.fixture
def ctx(app: Flask, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """An app context on the people and published processes, with nothing of other tests.

    The test runs inside one transaction on one connection, rolled back at the end: the app's
    commits (the request edge, the incident recorder, jobs) only release savepoints inside it.
    A test marked `commits` (other threads or processes must see its rows) commits for real
    and has every table but the kept ones emptied afterwards.
    """
    KEPT.forget()  # the dashboard's figures kept by an earlier test, on its own data
    with app.app_context():
        if request.node.get_closest_marker("commits"):
            rows = db.session.execute(select(ProcessVersion.id, ProcessVersion.is_current))
            versions = {version_id: current for version_id, current in rows}
            db.session.rollback()
            yield app
            db.session.rollback()
            _empty_tables()
            _restore_versions(versions)
        else:
            with rolled_back_at_the_end(app):
                yield app
        db.session.remove()


@pytest.fixture
def client(ctx: Flask) -> FlaskClient:
    return ctx.test_client()


@pytest.fixture
def people(ctx: Flask) -> dict[str, User]:
    return factories.people()


@pytest.fixture
def teams(ctx: Flask) -> dict[str, Team]:
    return {t.name: t for t in db.session.scalars(db.select(Team))}


def login(client: FlaskClient, email: str, password: str = "demo") -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
