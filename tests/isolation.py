"""Each test inside one transaction, rolled back at its end; and what a session has not saved.

SQLAlchemy's recipe for joining a session into an external transaction: the app's session is
bound to a connection that is already in a transaction, and each transaction of the session is
a SAVEPOINT (`join_transaction_mode="create_savepoint"`), so the app's own commits (the request
edge, the incident recorder, a timer job) and rollbacks never end the outer transaction, and
rolling that back at the end of the test leaves the database as the test found it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, appcontext_pushed
from sqlalchemy import Connection, Engine, event, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ProcessVersion
from app.workflow import library
from app.workflow.library import get_library

DML = ("insert", "update", "delete")
# Connections whose open transaction (or savepoint) has run INSERT, UPDATE or DELETE. Watched at
# the cursor, because the app also writes past the session (`session.connection().execute`:
# the audit trail, claiming a task), where no session event sees it.
_wrote: weakref.WeakSet[Connection] = weakref.WeakSet()


def track_writes() -> None:
    """Note on every connection whether its open transaction has written anything (see `unsaved`)."""
    if not event.contains(Engine, "before_cursor_execute", _note_write):
        event.listen(Engine, "before_cursor_execute", _note_write)
        for ending in ("commit", "rollback", "release_savepoint", "rollback_savepoint"):
            event.listen(Engine, ending, _forget_writes)


def _note_write(conn: Connection, _cursor: object, statement: str, *_args: object) -> None:
    if statement.lstrip()[:6].lower() in DML:
        _wrote.add(conn)


def _forget_writes(conn: Connection, *_args: object) -> None:
    _wrote.discard(conn)


def unsaved(session: Session) -> list[str]:
    """What the session holds that is neither committed nor rolled back, in words (empty if nothing):
    objects added, changed or deleted and not flushed, and statements run and not committed."""
    found = [f"added {obj!r}" for obj in session.new]
    found += [f"changed {obj!r}" for obj in session.dirty if session.is_modified(obj)]
    found += [f"deleted {obj!r}" for obj in session.deleted]
    if session.in_transaction() and session.connection() in _wrote:
        found.append("INSERT, UPDATE or DELETE run and not committed")
    return found


class _Outer:
    """The test's own session, while a test runs in a rolled-back transaction."""

    session: Session | None = None


def _end_read_only_transaction(_app: Flask, **_extra: object) -> None:
    """A job the test runs in its own app context (a timer sweep) gets a session of its own on
    the test's connection. Its transaction would be a savepoint inside the test session's open
    one, so a later rollback by the test session would undo the job's commit. In production the
    job's commit stands, so the test session's transaction (only reads: nothing unsaved) ends first.
    """
    session = _Outer.session
    if session is not None and session.in_transaction() and not unsaved(session):
        session.commit()


@contextmanager
def rolled_back_at_the_end(app: Flask) -> Iterator[None]:
    """Join `db.session` (in the current app context) into a transaction rolled back at the end.

    Flask-SQLAlchemy picks the engine from `db.engines`, so that is where the connection goes;
    `db.engine` is that connection meanwhile. Only this thread may use it: a test whose rows
    other threads or processes must see is marked `commits` instead.
    """
    connection = db.engine.connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite begins a transaction only before INSERT/UPDATE/DELETE, not before SAVEPOINT:
        # without a real BEGIN, releasing the first savepoint would commit for good.
        connection.exec_driver_sql("BEGIN")
    last_kept_version = connection.scalar(select(func.max(ProcessVersion.id))) or 0
    patch = pytest.MonkeyPatch()
    patch.setitem(db.engines, None, connection)  # type: ignore[index]
    patch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
    _Outer.session = db.session()
    appcontext_pushed.connect(_end_read_only_transaction, app)
    try:
        yield
    finally:
        appcontext_pushed.disconnect(_end_read_only_transaction, app)
        _Outer.session = None
        db.session.remove()
        patch.undo()
        outer.rollback()
        connection.close()
        # SQLite gives a rolled-back row's id to the next insert, so the next test's diagram can
        # be published under an id this thread has parsed another diagram for: forget the
        # versions the test published (the shipped ones stay parsed, as they stay published).
        get_library().forget_versions_after(last_kept_version)
        # Lanes are remembered with their team's id for a minute, and the test's teams are gone.
        library.forget_lanes()
