"""Each test runs in a transaction rolled back at its end, whatever the app commits meanwhile."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import AuditEvent, Case, Team
from tests import factories
from tests.conftest import login
from tests.isolation import rolled_back_at_the_end


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _count_elsewhere(model: type) -> int:
    """The count another connection sees: what is committed for good."""
    with db.engine.engine.connect() as other:
        return other.scalar(select(func.count()).select_from(model)) or 0


def test_what_a_test_commits_stays_inside_it_and_is_gone_after_it(app: Flask) -> None:
    with app.app_context():
        with rolled_back_at_the_end(app):
            people = factories.people()
            factories.refer(people["school"])  # the service flushes; the test commits
            db.session.commit()
            client = app.test_client()
            login(client, "practitioner@example.org")  # the request edge commits the sign-in
            db.session.add(Team(name="Short-lived team", lane="Short-lived team"))
            db.session.commit()
            assert _count(Case) == 1 and _count(AuditEvent) > 0
            assert db.session.scalar(select(Team).where(Team.name == "Short-lived team")) is not None
            assert (_count_elsewhere(Case), _count_elsewhere(AuditEvent)) == (0, 0)
        assert (_count(Case), _count(AuditEvent)) == (0, 0)
        assert db.session.scalar(select(Team).where(Team.name == "Short-lived team")) is None
        db.session.remove()


def test_a_job_s_commit_survives_the_test_session_rolling_back_afterwards(app: Flask) -> None:
    with app.app_context(), rolled_back_at_the_end(app):
        assert _count(AuditEvent) == 0  # the test's session is now in a (read) transaction
        with app.app_context():  # a timer sweep pushes a context of its own, as in production
            audit.record("timer.fired", None, detail="from the job")
            db.session.commit()
        db.session.rollback()
        assert _count(AuditEvent) == 1
