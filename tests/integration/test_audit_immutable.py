"""The audit trail cannot be changed: the database itself refuses UPDATE and DELETE on its rows.

Triggers made by a migration, on SQLite and on PostgreSQL (run with DATABASE_URL set for the
latter). Each attempt, through the ORM or as raw SQL, fails and leaves the rows as they were.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app import audit, create_app
from app.config import ROOT, Settings
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


def test_the_cases_a_view_showed_cannot_be_changed_with_the_orm_or_raw_sql(trail, people) -> None:
    """audit_event_case: an ORM update (its key changed), a bulk delete, and raw UPDATE/DELETE."""
    event_id, case_id = trail
    other = factories.refer(people["school"]).id
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))

    def rekey() -> None:
        db.session.get(AuditEventCase, (event_id, case_id)).case_id = other

    _refused(rekey)
    _refused(lambda: db.session.execute(delete(AuditEventCase).where(AuditEventCase.event_id == event_id)))
    _refused(
        lambda: db.session.execute(
            text("update audit_event_case set case_id = :other where event_id = :id"),
            {"other": other, "id": event_id},
        )
    )
    _refused(
        lambda: db.session.execute(
            text("delete from audit_event_case where event_id = :id"), {"id": event_id}
        )
    )
    _unchanged(trail, total)
    links = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == event_id))
    assert list(links) == [case_id]


def test_an_orm_bulk_update_or_delete_by_condition_is_refused(trail) -> None:
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    event_id, _ = trail
    by_id = AuditEvent.id == event_id
    _refused(lambda: db.session.execute(update(AuditEvent).where(by_id).values(detail="rewritten")))
    _refused(lambda: db.session.execute(update(AuditEvent).where(by_id).values(before={"x": 1})))
    _refused(lambda: db.session.execute(delete(AuditEvent).where(by_id)))
    _refused(lambda: db.session.query(AuditEvent).filter(by_id).update({"detail": "rewritten"}))
    _refused(lambda: db.session.query(AuditEvent).filter(by_id).delete())
    _unchanged(trail, total)


# What would change or remove audit rows, written in a module of app/.
_MODELS = {"AuditEvent", "AuditEventCase"}
_COLUMNS = {
    "at",
    "actor_id",
    "action",
    "case_id",
    "instance_id",
    "task_id",
    "before",
    "after",
    "detail",
    "event_id",
}
_RAW_SQL = re.compile(
    r"\b(update\s+audit_event|delete\s+from\s+audit_event|truncate\b[^;]*\baudit_event)", re.I
)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def audit_changes_in(source: str) -> list[str]:
    """Each place in the source that would update or delete audit rows: update()/delete() of the
    audit models or their tables, raw SQL that does, a session.delete() or an assignment to an
    event's column in a module that uses the audit models."""
    tree = ast.parse(source)
    uses_audit_models = bool(_names(tree) & _MODELS)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func_name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if func_name in ("update", "delete") and any(_names(a) & _MODELS for a in node.args):
                found.append(f"line {node.lineno}: {func_name}() of an audit model")
            if func_name in ("update", "delete") and isinstance(node.func, ast.Attribute):
                if _names(node.func.value) & _MODELS:
                    found.append(f"line {node.lineno}: .{func_name}() on an audit model's table or query")
                elif uses_audit_models and func_name == "delete" and "session" in _names(node.func.value):
                    found.append(
                        f"line {node.lineno}: session.delete() in a module that uses the audit models"
                    )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _RAW_SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL that changes the audit trail")
        elif uses_audit_models and isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in _COLUMNS and _is_event(target.value):
                    found.append(f"line {node.lineno}: an audit event's {target.attr} assigned")
    return found


def _is_event(node: ast.expr) -> bool:
    """A name that reads as an audit event or link (event, e, row, link...), not a case or task."""
    return isinstance(node, ast.Name) and node.id not in {
        "case",
        "task",
        "instance",
        "self",
        "incident",
        "meeting",
    }


def test_no_module_of_the_app_updates_or_deletes_audit_rows() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "app").rglob("*.py"))
        if (found := audit_changes_in(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "from app.models import AuditEvent\nupdate(AuditEvent).values(detail='')",
        "from sqlalchemy import delete\nfrom app.models.audit import AuditEventCase\ndelete(AuditEventCase)",
        "from app.models import AuditEvent\ntable_of(AuditEvent).delete()",
        "from app.models import AuditEvent\nAuditEvent.__table__.update().values(detail='')",
        "db.session.execute(text('UPDATE audit_event SET detail = 1'))",
        "db.session.execute(text('delete from audit_event_case where event_id = 1'))",
        "from app.models import AuditEvent\nevent = session.get(AuditEvent, 1)\nevent.detail = 'rewritten'",
        "from app.models import AuditEvent\ndb.session.delete(db.session.get(AuditEvent, 1))",
        "from app.models import AuditEvent\ndb.session.query(AuditEvent).filter_by(id=1).delete()",
    ],
)
def test_the_scan_finds_each_way_of_changing_the_trail(source: str) -> None:
    assert audit_changes_in(source), source


def test_the_scan_leaves_ordinary_code_alone() -> None:
    assert (
        audit_changes_in(
            "from app.models import Case, AuditEvent\ncase.status = 'closed'\nselect(AuditEvent)"
        )
        == []
    )
    assert audit_changes_in("db.session.delete(draft)\nupdate(SchoolTerm)") == []


def test_the_triggers_are_there_after_every_migration_from_an_empty_database(tmp_path: Path) -> None:
    """`flask db upgrade` from nothing, on a SQLite file of its own: both tables keep their
    triggers (a later migration that rebuilt a table in batch mode would have dropped them)."""
    settings = Settings(
        env="test",
        secret_key="test-secret",
        database_url=f"sqlite:///{tmp_path / 'fresh.db'}",
        scheduler_enabled=False,
        processes_dir=ROOT / "processes",
        instance_dir=tmp_path,
    )
    with create_app(settings).app_context():
        upgrade(directory=str(ROOT / "migrations"))
        triggers = set(db.session.scalars(text("select name from sqlite_master where type = 'trigger'")))
        assert triggers >= {
            "audit_event_no_update",
            "audit_event_no_delete",
            "audit_event_case_no_update",
            "audit_event_case_no_delete",
        }
        db.session.execute(
            text("insert into audit_event (at, action, detail) values (current_timestamp, 'x', '')")
        )
        with pytest.raises(DBAPIError, match="audit trail"):
            db.session.execute(text("update audit_event set detail = 'rewritten'"))
        db.session.rollback()
        db.session.remove()


def test_the_triggers_are_on_the_database_the_tests_run_on(ctx) -> None:
    """The suite's own database (SQLite, or PostgreSQL with DATABASE_URL) was made by the migrations."""
    if db.engine.dialect.name == "postgresql":
        query = (
            "select tgname from pg_trigger "
            "where not tgisinternal and tgrelid::regclass::text like 'audit_event%'"
        )
        expected = {
            f"{t}_{kind}"
            for t in ("audit_event", "audit_event_case")
            for kind in ("append_only", "no_truncate")
        }
    else:
        query = "select name from sqlite_master where type = 'trigger'"
        expected = {
            f"{t}_no_{verb}" for t in ("audit_event", "audit_event_case") for verb in ("update", "delete")
        }
    assert set(db.session.scalars(text(query))) >= expected
