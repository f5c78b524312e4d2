"""The audit trail cannot be changed: the database itself refuses UPDATE and DELETE on its rows.

Triggers made by a migration, on SQLite and on PostgreSQL (run with DATABASE_URL set for the
latter). Each attempt, through the ORM or as raw SQL, fails and leaves the rows as they were.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app import audit
from app.extensions import db
from app.models import AuditEvent, User
from app.models.audit import AuditEventCase
from tests import factories


@pytest.fixture
def trail(ctx, people) -> tuple[int, int]:
    """One committed audit event naming a case, with its case link; (event id, case id)."""
    case = factories.refer(people["school"])
    audit.record("case.viewed", people["manager"], case=case, detail="before")
    db.session.commit()
    event_id = db.session.scalar(select(func.max(AuditEvent.id)))
    db.session.execute(insert(AuditEventCase), {"event_id": event_id, "case_id": case.id})
    db.session.commit()
    return event_id, case.id


def _refused(attempt: Callable[[], object]) -> None:
    with pytest.raises(DBAPIError, match="audit trail"):
        attempt()
        db.session.flush()
    db.session.rollback()


def _unchanged(trail: tuple[int, int], total_events: int) -> None:
    event_id, case_id = trail
    db.session.expire_all()
    event = db.session.get(AuditEvent, event_id)
    assert event is not None and event.detail == "before" and event.action == "case.viewed"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == total_events
    assert db.session.get(AuditEventCase, (event_id, case_id)) is not None


def test_an_audit_event_cannot_be_updated_or_deleted_through_the_orm(trail) -> None:
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    event_id, _ = trail

    def edit() -> None:
        db.session.get(AuditEvent, event_id).detail = "rewritten"

    def remove() -> None:
        db.session.delete(db.session.get(AuditEvent, event_id))

    _refused(edit)
    _refused(remove)
    _refused(lambda: db.session.execute(update(AuditEvent).values(actor_id=None)))
    _refused(lambda: db.session.execute(delete(AuditEvent)))
    _unchanged(trail, total)


def test_an_audit_event_cannot_be_updated_or_deleted_with_raw_sql(trail) -> None:
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    event_id, _ = trail
    for sql in (
        "update audit_event set detail = 'rewritten' where id = :id",
        "update audit_event set at = at where id = :id",
        "delete from audit_event where id = :id",
        "delete from audit_event where id = :id or 1 = 1",
    ):
        _refused(lambda sql=sql: db.session.execute(text(sql), {"id": event_id}))
    _unchanged(trail, total)


def test_the_cases_a_view_showed_cannot_be_changed_or_removed(trail, people) -> None:
    event_id, case_id = trail
    other = factories.refer(people["school"]).id
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))

    def remove() -> None:
        db.session.delete(db.session.get(AuditEventCase, (event_id, case_id)))

    _refused(remove)
    _refused(lambda: db.session.execute(update(AuditEventCase).values(case_id=other)))
    _refused(lambda: db.session.execute(text("delete from audit_event_case")))
    _unchanged(trail, total)


def test_the_trail_cannot_be_emptied_at_once(trail) -> None:
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    if db.engine.dialect.name == "postgresql":
        _refused(lambda: db.session.execute(text("truncate audit_event_case, audit_event")))
        _refused(lambda: db.session.execute(text("truncate audit_event cascade")))
    else:  # SQLite has no TRUNCATE; an unqualified DELETE is its way to empty a table
        _refused(lambda: db.session.execute(text("delete from audit_event_case")))
        _refused(lambda: db.session.execute(text("delete from audit_event")))
    _unchanged(trail, total)


def test_new_events_are_still_written(trail, people) -> None:
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    audit.record("auth.signed_in", db.session.get(User, people["practitioner"].id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
