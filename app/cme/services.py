"""The CME register: rows added and updated as the children missing education process moves.

The forms of processes/children_missing_education.bpmn call these from `on_completed`, in the
same transaction as the task, so the register and the case never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select

from app.extensions import db
from app.models import CmeRecord, CmeStatus, HumanTask, Role, TaskState, User
from app.timescales import school_days
from app.timescales.settings import local_setting

DELETION_SCHOOL_DAYS = 20  # Pupil Registration Regulations 2024 reg 9(1)(i), BRIEF §1 row 33
# A school tells the LA of a new registration within 5 days of it (BRIEF §1 row 34); a deletion
# as soon as its ground is met and no later than the deletion itself (row 35): no 5 days' grace.
NEW_REGISTRATION_NOTICE_DAYS = 5

SOURCES = {
    "school": "A school",
    "other_la": "Another local authority",
    "health": "Health",
    "police": "Police",
    "housing": "Housing or benefits",
    "social_care": "Children's social care",
    "public": "A parent, relative or member of the public",
    "other": "Another agency",
}
REASONS = {
    "deleted_from_roll": "Deleted from a school's roll",
    "never_registered": "Never registered at a school",
    "continuous_absence": "Absent without permission for 10 school days or more",
    "moved_away": "Moved away, destination not known",
    "other": "Other",
}
OUTCOMES = {
    "on_roll": "Found: on roll at a school",
    "moved_la": "Found: moved to another local authority (information passed on)",
    "ehe": "Found: electively home educated (EHE team told)",
    "not_suitable": "Found: not in suitable education (school attendance order process)",
    "not_found": "Not found after enquiries",
}
CLOSING = {"on_roll", "moved_la", "ehe"}


def as_day(value: Any) -> date | None:
    """A date from a form's answer (a date or an ISO string); None if there is none."""
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _words(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def notice_is_late(notice: str | None, register_change_date: Any, received_on: Any) -> bool:
    """Whether a school's notice of a change to its admission register reached the LA late.

    `notice` is "new_registration" (due within 5 days of adding the pupil) or "deletion" (due no
    later than the deletion itself, so a notice received before a planned deletion is in time);
    anything else is not a register notice and is never late.
    """
    changed, received = as_day(register_change_date), as_day(received_on)
    if changed is None or received is None:
        return False
    if notice == "deletion":
        return received > changed
    if notice == "new_registration":
        return (received - changed).days > NEW_REGISTRATION_NOTICE_DAYS
    return False


def record_for_case(case_id: int) -> CmeRecord | None:
    """The newest register entry for a case."""
    return db.session.scalar(
        select(CmeRecord).where(CmeRecord.case_id == case_id).order_by(CmeRecord.id.desc()).limit(1)
    )


def _note(record: CmeRecord, line: str) -> None:
    record.enquiries_summary = f"{record.enquiries_summary}\n{line}".strip()


def add_to_register(
    case_id: int, instance_id: int | None, child_name: str, data: dict[str, Any]
) -> CmeRecord:
    """The notification is recorded: the child goes on the register as missing education."""
    record = CmeRecord(
        case_id=case_id,
        instance_id=instance_id,
        child_name=child_name,
        reported_on=as_day(data["notice_received_on"]),
        source=data["notification_source"],
        notifying_organisation=data.get("notifying_organisation") or "",
        reason=data["notification_reason"],
        last_known_address=data["last_known_address"],
        date_last_seen=as_day(data.get("date_last_seen")),
        school=data.get("school_name") or "",
        first_absence_date=as_day(data.get("first_absence_date")),
        risk_level=data.get("risk_level") or "standard",
        notice_late=notice_is_late(
            data.get("register_notice"), data.get("register_change_date"), data.get("notice_received_on")
        ),
        status=CmeStatus.MISSING,
        outcome="",
        enquiries_summary="",
    )
    db.session.add(record)
    db.session.flush()
    return record


def record_enquiries(case_id: int, by: str, done_on: Any, made: list[str], details: str) -> None:
    """The school's ('school') or the local authority's ('la') reasonable enquiries are on record."""
    record = record_for_case(case_id)
    if record is None:
        return
    when = as_day(done_on)
    if by == "school":
        record.school_enquiries_on = when
    else:
        record.la_enquiries_on = when
    who = "School" if by == "school" else "Local authority"
    _note(record, f"{when:%d %b %Y} {who}: {', '.join(made)}. {details}")


def deletion_possible_on(first_absence: date, school: str) -> date:
    """The first day a pupil absent since `first_absence` may be deleted under the 20-day rule.

    That is the school day after the 20th school day of absence. Only school days are days of
    absence: a first absence on an INSET day, a weekend or in a holiday is not day 1, the next
    school day is. The diagram times the decision and the school's chase with the same count
    (`add_school_days(add_days(first_absence_date, -1), 21, school_name)`). Raises NoTermDates
    when the school's term dates do not cover the period.
    """
    return school_days.nth_school_day(first_absence, DELETION_SCHOOL_DAYS + 1, school)


def _earliest_deletion(record: CmeRecord | None) -> date | None:
    if record is None or record.first_absence_date is None:
        return None
    try:
        return deletion_possible_on(record.first_absence_date, record.school)
    except school_days.NoTermDates:
        return None


def earliest_deletion(case_id: int) -> date | None:
    """When the case's pupil may first be deleted, or None if it cannot be worked out."""
    return _earliest_deletion(record_for_case(case_id))


def deletion_problems(case_id: int, on: date) -> list[str]:
    """Why the school may not delete the pupil on `on` under the 20-school-day rule ([] if it may).

    The pupil must have been absent for 20 school days before `on`, counted from the first day
    of absence (day 1 only if the school met that day), and both the school and the local
    authority must have recorded their reasonable enquiries.
    """
    record = record_for_case(case_id)
    if record is None:
        return ["The child is not on the CME register"]
    problems = []
    if record.school_enquiries_on is None:
        problems.append("The school has not recorded its reasonable enquiries")
    if record.la_enquiries_on is None:
        problems.append("The local authority has not recorded its reasonable enquiries")
    if record.first_absence_date is not None:
        try:
            before = on - timedelta(days=1)
            absent = school_days.school_days_from(record.first_absence_date, before, record.school)
            earliest = deletion_possible_on(record.first_absence_date, record.school)
        except school_days.NoTermDates:
            problems.append("The school's term dates are not loaded, so the school days cannot be counted")
        else:
            if absent < DELETION_SCHOOL_DAYS:
                problems.append(
                    f"The pupil has been absent for {absent} school days before {_words(on)}; deletion "
                    f"needs {DELETION_SCHOOL_DAYS} school days of continuous absence, so the earliest "
                    f"date of deletion is {_words(earliest)}"
                )
    return problems


def record_deletion(case_id: int, data: dict[str, Any]) -> None:
    record = record_for_case(case_id)
    if record is None:
        return
    if data.get("deletion_decision") == "approve":
        record.deleted_from_roll_on = as_day(data.get("deletion_date"))
        _note(record, f"{record.deleted_from_roll_on:%d %b %Y} Deleted from roll (20-day rule).")
    else:
        _note(record, f"Kept on roll: {data.get('deletion_decision_reasons', '')}")


def record_whereabouts(case_id: int, data: dict[str, Any], today: date) -> None:
    """What the tracking found: close the entry, mark it found, or set the next review."""
    record = record_for_case(case_id)
    if record is None:
        return
    outcome = data["cme_outcome"]
    record.outcome = OUTCOMES[outcome]
    _note(record, f"{today:%d %b %Y} {OUTCOMES[outcome]}. {data.get('tracking_notes', '')}")
    if outcome == "not_found":
        record.status = CmeStatus.MISSING
        record.next_review_on = today + timedelta(weeks=local_setting("cme_review_weeks"))
        return
    record.found_on = as_day(data.get("found_on"))
    record.next_review_on = None
    record.status = CmeStatus.CLOSED if outcome in CLOSING else CmeStatus.FOUND


def may_see_register(user: User) -> bool:
    """ACE keeps the register; managers and administrators may read it too."""
    return user.role in (Role.MANAGER, Role.ADMIN) or any(t.lane == "ACE" for t in user.teams)


@dataclass(frozen=True)
class RegisterRow:
    record: CmeRecord
    reference: str
    source: str
    reason: str
    open_tasks: list[str]
    deletion_possible_on: date | None  # while the deletion decision is open, as its task is timed


DELETION_FORM = "cme.deletion_decision"


def register(status: str = "missing") -> list[RegisterRow]:
    """The register, missing children first and the longest missing first; `status` '' for all."""
    query = select(CmeRecord).join(CmeRecord.case)
    if status:
        query = query.where(CmeRecord.status == CmeStatus(status))
    order = sql_case(
        (CmeRecord.status == CmeStatus.MISSING, 0), (CmeRecord.status == CmeStatus.FOUND, 1), else_=2
    )
    records = list(db.session.scalars(query.order_by(order, CmeRecord.reported_on, CmeRecord.id)))
    tasks: dict[int, list[str]] = {}
    deciding: set[int] = set()
    if records:
        rows = db.session.execute(
            select(HumanTask.case_id, HumanTask.name, HumanTask.form_key).where(
                HumanTask.case_id.in_({r.case_id for r in records}), HumanTask.state == TaskState.OPEN
            )
        )
        for case_id, name, form_key in rows:
            tasks.setdefault(case_id, []).append(name)
            if form_key == DELETION_FORM:
                deciding.add(case_id)
    return [
        RegisterRow(
            record=r,
            reference=r.case.reference,
            source=SOURCES.get(r.source, r.source),
            reason=REASONS.get(r.reason, r.reason),
            open_tasks=sorted(tasks.get(r.case_id, [])),
            deletion_possible_on=_earliest_deletion(r) if r.case_id in deciding else None,
        )
        for r in records
    ]
