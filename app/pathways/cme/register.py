"""The CME register: the row the children missing education process keeps for each notification.

The pathway's effects (effects.py) write it in the same transaction as the task, so the
register and the case never disagree; its rules (rules.py) read it to decide whether a pupil
may be deleted from a school's roll yet. The register page (app/cme) reads it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import CmeRecord, CmeStatus
from app.timescales import school_days
from app.timescales.settings import local_setting

DELETION_SCHOOL_DAYS = 20  # Pupil Registration Regulations 2024, regulation 9(1)(i)
# A school tells the local authority of a new registration within 5 days of it; of a deletion as
# soon as its ground is met and no later than the deletion itself: no 5 days' grace.
NEW_REGISTRATION_NOTICE_DAYS = 5

OUTCOMES = {
    "on_roll": "Found: on roll at a school",
    "moved_la": "Found: moved to another local authority (information passed on)",
    "ehe": "Found: electively home educated (EHE team told)",
    "not_suitable": "Found: not in suitable education (school attendance order process)",
    "not_found": "Not found after enquiries",
}
CLOSING = {"on_roll", "moved_la", "ehe"}


def as_day(value: Any) -> date | None:
    """A date from an answer (a date or an ISO string); None if there is none."""
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def words(day: date) -> str:
    """A date as the register's messages write it: 30 Nov 2026."""
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
    """The newest register entry for a case, or None."""
    return db.session.scalar(
        select(CmeRecord).where(CmeRecord.case_id == case_id).order_by(CmeRecord.id.desc()).limit(1)
    )


def _note(record: CmeRecord, line: str) -> None:
    record.enquiries_summary = f"{record.enquiries_summary}\n{line}".strip()


def add_to_register(
    case_id: int, instance_id: int | None, child_name: str, data: dict[str, Any]
) -> CmeRecord:
    """The notification is recorded: the child goes on the register as missing education.

    `data` is the notification's saved answers (dates as ISO strings, or dates)."""
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
    """The school's ('school') or the local authority's ('la') reasonable enquiries are on record
    (nothing happens for a case not on the register)."""
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


def earliest_deletion_of(record: CmeRecord | None) -> date | None:
    """When the entry's pupil may first be deleted, or None if it cannot be worked out."""
    if record is None or record.first_absence_date is None:
        return None
    try:
        return deletion_possible_on(record.first_absence_date, record.school)
    except school_days.NoTermDates:
        return None


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
                    f"The pupil has been absent for {absent} school days before {words(on)}; deletion "
                    f"needs {DELETION_SCHOOL_DAYS} school days of continuous absence, so the earliest "
                    f"date of deletion is {words(earliest)}"
                )
    return problems


def record_deletion(case_id: int, data: dict[str, Any]) -> None:
    """The deletion decision is on record: the date the pupil left the roll, or why they stay."""
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
