"""Searching the audit trail: newest first, a page at a time, keyset on the event id.

Every filter is an index range read backwards in id order (migration 0017): by person
(actor_id, id), by action (action, id), by case (case_id, id) together with the views that
showed the case (audit_event_case (case_id, event_id)), and a date range turned into an id range
through the index on `at`. A page never counts or skips rows (no OFFSET), so the millionth
event is as quick to reach as the first.

Who sees what: an administrator every event. Anyone else (a manager) an event on a case they may
see (`case_visibility`), or a view that showed at least one such case; never an event with no
case (sign-ins, settings, publishing). For them the search reads a window of candidate events
in id order and keeps the visible ones, so a page costs at most one window however few of the
events they may see; a window that runs out before a page is full says so and offers the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, union
from sqlalchemy.orm import selectinload

from app.access import case_visibility
from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, ProcessInstance, ProcessVersion, Role, User
from app.models.audit import AuditEventCase
from app.timescales.working_days import LONDON
from app.trail.diff import Change, changes
from app.trail.filters import AuditFilter

PAGE_SIZE = 50
# Candidate events read per page for someone who may not see every case: enough that a manager
# of most cases fills a page from one window, few enough that a page is quick whatever they see.
WINDOW = 2000


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    case: Case | None  # the case the event is about, if the reader may see it
    process_name: str
    task_name: str
    cases_shown: int  # a view event: how many cases the page or API answer showed
    changes: list[Change]


@dataclass(frozen=True)
class AuditPage:
    rows: list[EventRow]
    newer: int | None = None  # the Newer link's `after`
    older: int | None = None  # the Older link's `before`
    window_ran_out: bool = False  # fewer than a page found among the events read; more may be further on


def find_person_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


def people() -> list[Person]:
    """Everyone who may have done or seen something, for the page's choice of person (names
    and emails only: a few hundred accounts, read on every search)."""
    rows = db.session.execute(select(User.id, User.name, User.email).order_by(User.name, User.id))
    return [Person(*row) for row in rows]


def search(wanted: AuditFilter, reader: User) -> AuditPage:
    """One page of the events `reader` may see that match `wanted`, newest first."""
    conditions = _conditions(wanted)
    if conditions is None:
        return AuditPage(rows=[])
    case_id: int | None = None
    if wanted.case_reference:
        case_id = _visible_case_id(wanted.case_reference, reader)
        if case_id is None:  # no such case, or one the reader may not see: the same answer
            return AuditPage(rows=[])
    older_first = wanted.after is None
    if wanted.before is not None:
        conditions.append(AuditEvent.id < wanted.before)
    if wanted.after is not None:
        conditions.append(AuditEvent.id > wanted.after)
    sees_all = reader.role == Role.ADMIN
    candidates = _candidate_ids(conditions, case_id, older_first, PAGE_SIZE + 1 if sees_all else WINDOW)
    last_read: int | None = None
    if sees_all:
        events = _events(candidates, older_first)
    else:
        found = list(db.session.scalars(candidates))
        events = _events(found, older_first, visible_to=reader)
        if len(found) == WINDOW and len(events) <= PAGE_SIZE:
            last_read = found[-1]  # the window ran out before a page was full
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    onward = events[-1].id if more else last_read  # where the next page this way starts
    if older_first:
        back = None if wanted.before is None else (events[0].id if events else wanted.before - 1)
        newer, older = back, onward
    else:
        events.reverse()
        newer, older = onward, (events[-1].id if events else (wanted.after or 0) + 1)
    rows = _rows(events, reader)
    return AuditPage(rows=rows, newer=newer, older=older, window_ran_out=last_read is not None)


def _conditions(wanted: AuditFilter) -> list[ColumnElement[bool]] | None:
    """The filters as conditions on audit_event; None if nothing can match."""
    conditions: list[ColumnElement[bool]] = []
    if wanted.user_id is not None:
        conditions.append(AuditEvent.actor_id == wanted.user_id)
    if wanted.email:
        person = find_person_by_email(wanted.email)
        if person is None:
            return None
        conditions.append(AuditEvent.actor_id == person.id)
    actions = wanted.actions()
    if actions is not None:
        named, leave_out = actions
        kind = AuditEvent.action.not_in(sorted(named)) if leave_out else AuditEvent.action.in_(sorted(named))
        conditions.append(kind)
    if wanted.date_from is not None:
        start = datetime.combine(wanted.date_from, time(0), tzinfo=LONDON).astimezone(UTC)
        first = db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.at >= start)
            .order_by(AuditEvent.at, AuditEvent.id)
            .limit(1)
        )
        if first is None:
            return None
        # `at` is taken as the row is inserted, so ids follow it; the times are still checked
        # (two requests a moment apart may take their ids in the other order).
        conditions += [AuditEvent.id >= first, AuditEvent.at >= start]
    if wanted.date_to is not None:
        next_day = wanted.date_to + timedelta(days=1)
        end = datetime.combine(next_day, time(0), tzinfo=LONDON).astimezone(UTC)
        last = db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.at < end)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(1)
        )
        if last is None:
            return None
        conditions += [AuditEvent.id <= last, AuditEvent.at < end]
    return conditions


def _visible_case_id(reference: str, reader: User) -> int | None:
    return db.session.scalar(select(Case.id).where(Case.reference == reference, case_visibility(reader)))


def _candidate_ids(
    conditions: list[ColumnElement[bool]], case_id: int | None, older_first: bool, limit: int
) -> Select[int]:
    """The ids of the first `limit` matching events in paging order."""
    if case_id is None:
        return _ordered(select(AuditEvent.id).where(*conditions), older_first).limit(limit)
    # About the case, or a view that showed it (a list page's view names no one case): each its
    # own index range, limited, then merged.
    named = _ordered(select(AuditEvent.id).where(AuditEvent.case_id == case_id, *conditions), older_first)
    shown = _ordered(
        select(AuditEvent.id)
        .join(AuditEventCase, AuditEventCase.event_id == AuditEvent.id)
        .where(AuditEventCase.case_id == case_id, *conditions),
        older_first,
    )
    both = union(
        select(named.limit(limit).subquery().c.id), select(shown.limit(limit).subquery().c.id)
    ).subquery()
    return select(both.c.id).order_by(both.c.id.desc() if older_first else both.c.id).limit(limit)


def _ordered(query: Select[int], older_first: bool) -> Select[int]:
    return query.order_by(AuditEvent.id.desc() if older_first else AuditEvent.id)


def _events(
    ids: Select[int] | list[int], older_first: bool, visible_to: User | None = None
) -> list[AuditEvent]:
    """The events of these ids (the ones `visible_to` may see, if given), in paging order, up
    to one more than a page (so the page knows there is another)."""
    if isinstance(ids, list) and not ids:
        return []
    query = select(AuditEvent).where(AuditEvent.id.in_(ids)).options(selectinload(AuditEvent.actor))
    if visible_to is not None:
        query = query.where(_visible(visible_to))
    return list(db.session.scalars(_ordered_events(query, older_first).limit(PAGE_SIZE + 1)))


def _ordered_events(query: Select[AuditEvent], older_first: bool) -> Select[AuditEvent]:
    return query.order_by(AuditEvent.id.desc() if older_first else AuditEvent.id)


def _visible(reader: User) -> ColumnElement[bool]:
    """The event is about a case the reader may see, or is a view that showed one."""
    about = exists(select(Case.id).where(Case.id == AuditEvent.case_id, case_visibility(reader)))
    showed = exists(
        select(AuditEventCase.case_id)
        .join(Case, Case.id == AuditEventCase.case_id)
        .where(AuditEventCase.event_id == AuditEvent.id, case_visibility(reader))
    )
    return or_(about, showed)


def _rows(events: list[AuditEvent], reader: User) -> list[EventRow]:
    """Each event with what its row names: the case (if the reader may see it), the process and
    task, how many cases a view showed, and what changed."""
    case_ids = {e.case_id for e in events if e.case_id is not None}
    case_query = select(Case).where(Case.id.in_(case_ids))
    if reader.role != Role.ADMIN:
        case_query = case_query.where(case_visibility(reader))
    cases = {c.id: c for c in db.session.scalars(case_query)} if case_ids else {}
    instance_ids = {e.instance_id for e in events if e.instance_id is not None}
    processes = (
        dict(
            db.session.execute(
                select(ProcessInstance.id, ProcessVersion.name)
                .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
                .where(ProcessInstance.id.in_(instance_ids))
            ).all()
        )
        if instance_ids
        else {}
    )
    task_ids = {e.task_id for e in events if e.task_id}
    tasks = (
        dict(
            db.session.execute(
                select(HumanTask.id, HumanTask.name).where(HumanTask.id.in_(task_ids))
            ).all()
        )
        if task_ids
        else {}
    )
    event_ids = [e.id for e in events]
    shown = (
        dict(
            db.session.execute(
                select(AuditEventCase.event_id, func.count())
                .where(AuditEventCase.event_id.in_(event_ids))
                .group_by(AuditEventCase.event_id)
            ).all()
        )
        if event_ids
        else {}
    )
    return [
        EventRow(
            event=e,
            case=cases.get(e.case_id) if e.case_id is not None else None,
            process_name=processes.get(e.instance_id, "") if e.instance_id is not None else "",
            task_name=tasks.get(e.task_id, "") if e.task_id else "",
            cases_shown=shown.get(e.id, 0),
            changes=changes(e.before, e.after),
        )
        for e in events
    ]
