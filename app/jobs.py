"""Batch work a request starts and a thread finishes: each item in a transaction of its own, so
one item that fails keeps the others, and progress is visible as it goes. An edge, like the
request (app/transactions.py) and the scheduler: it commits and rolls back.

With background jobs off (tests, or a deployment that wants no threads in web workers), the
request runs the batch itself, each item in a savepoint.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

T = TypeVar("T")
Each = Callable[[Iterable[T], Callable[[T], None], Callable[[T, Exception], None]], None]
_JOBS = "jobs_after_commit"
log = logging.getLogger(__name__)


def each_in_own_transaction(
    items: Iterable[T], work: Callable[[T], None], failed: Callable[[T, Exception], None]
) -> None:
    for item in items:
        try:
            work(item)
            db.session.commit()
        except Exception as exc:  # one item's failure is recorded, and the batch goes on
            db.session.rollback()
            failed(item, exc)
            db.session.commit()


def each_in_savepoint(
    items: Iterable[T], work: Callable[[T], None], failed: Callable[[T, Exception], None]
) -> None:
    for item in items:
        try:
            with db.session.begin_nested():
                work(item)
        except Exception as exc:  # as above, inside the request's transaction
            failed(item, exc)


def run_after_commit(job: Callable[[], None]) -> None:
    """Start `job` in a thread of its own, with an app context, once this transaction commits;
    never if it rolls back."""
    db.session.info.setdefault(_JOBS, []).append(job)


def _start_after_commit(session: Session) -> None:
    jobs: list[Callable[[], None]] = session.info.pop(_JOBS, [])
    if not jobs or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app, for the thread
    for job in jobs:
        threading.Thread(target=_run, args=(app, job), daemon=True, name="batch-job").start()


def _run(app: Flask, job: Callable[[], None]) -> None:
    with app.app_context():
        try:
            job()
            db.session.commit()
        except Exception:
            log.exception("A batch job failed")
            db.session.rollback()
        finally:
            db.session.remove()


def _forget(session: Session) -> None:
    session.info.pop(_JOBS, None)


def init_jobs(app: Flask) -> None:
    if not event.contains(db.session, "after_commit", _start_after_commit):
        event.listen(db.session, "after_commit", _start_after_commit)
        event.listen(db.session, "after_rollback", _forget)
