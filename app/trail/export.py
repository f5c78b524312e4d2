"""A subject access export: everything the service holds about one child, as one JSON file.

One JSON file, not a ZIP: the service keeps no documents or attachments, only records, so one
file holds it all; nested as the records are (a case, its processes, their tasks and answers),
with plain words for keys and values, it reads in any text editor or browser, can be redacted
by the data protection officer before it is sent, and is still machine-readable for a
requester who wants that.

Every case of the child (Case.child_id) that the requester may see goes in: the child, each
case's referral, processes, tasks with their recorded answers, meetings, penalty notices,
register of children missing education rows, incidents, and the case's whole audit trail with
every view that showed it. A view that showed other children too (a list page) is in, without
naming them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select, union

from app.access import case_visibility
from app.audit import action_label
from app.extensions import db
from app.formkit.builder import form_class
from app.models import (
    AuditEvent,
    Case,
    CmeRecord,
    HumanTask,
    Incident,
    Meeting,
    PenaltyNotice,
    ProcessInstance,
    User,
)
from app.models.audit import AuditEventCase
from app.pathways.registry import calculated_labels
from app.timescales.working_days import LONDON
from app.trail.diff import label
from app.workflow.library import get_library


@dataclass(frozen=True)
class SubjectAccessFile:
    filename: str
    body: bytes
    case_ids: list[int]
    events: int


def find_visible_case(reference: str, user: User) -> Case | None:
    """The case with this reference if the user may see it; None otherwise (the same answer)."""
    return db.session.scalar(select(Case).where(Case.reference == reference, case_visibility(user)))


def cases_of_child(case: Case, requester: User) -> tuple[list[Case], int]:
    """The child's cases the requester may see, oldest first, and how many others there are."""
    query = select(Case).where(Case.child_id == case.child_id).order_by(Case.id)
    seen = list(db.session.scalars(query.where(case_visibility(requester))))
    total = db.session.scalar(select(func.count()).where(Case.child_id == case.child_id)) or 0
    return seen, total - len(seen)


def subject_access_file(case: Case, requester: User, request_reference: str = "") -> SubjectAccessFile:
    cases, hidden = cases_of_child(case, requester)
    child = case.child
    trail = {c.id: _trail(c.id) for c in cases}
    made_at = datetime.now(UTC)
    contents: dict[str, Any] = {
        "About this file": {
            "What it is": "Everything this casework service holds about the child named below: "
            "the child's details, each case with its referral, processes, tasks and the answers "
            "recorded in them, meetings, penalty notices, register of children missing education "
            "entries, incidents, and every view and change of each case in the audit trail.",
            "Made": _when(made_at),
            "Made by": f"{requester.name} ({requester.email})",
            "Request reference": request_reference or "None given",
            "Asked for from case": case.reference,
            "Cases included": [c.reference for c in cases],
            "Cases of this child not included": (
                f"{hidden} case(s) that {requester.name} may not see: an administrator can export them"
                if hidden
                else "None"
            ),
            "Times": "UK time (Europe/London), with the offset from UTC",
        },
        "Child": {
            "First name": child.first_name,
            "Last name": child.last_name,
            "Date of birth": _day(child.date_of_birth),
            "School": child.school,
            "Year group": child.year_group,
            "SEN support": child.send_support,
            "Education, health and care plan": child.has_ehcp,
            "Has a social worker": child.has_social_worker,
            "Social worker": child.social_worker_name,
            "Looked after": child.looked_after,
            "Recorded": _when(child.created_at),
        },
        "Cases": [_case(c, trail[c.id]) for c in cases],
    }
    body = json.dumps(contents, indent=2, ensure_ascii=False, default=str).encode()
    filename = f"subject-access-{case.reference}-{made_at.astimezone(LONDON):%Y-%m-%d}.json"
    return SubjectAccessFile(filename, body, [c.id for c in cases], sum(len(t) for t in trail.values()))


def _case(case: Case, trail: list[dict[str, Any]]) -> dict[str, Any]:
    instances = list(
        db.session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id)
        )
    )
    tasks = list(
        db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.created_at, HumanTask.id)
        )
    )
    versions = {i.id: i.process_version_id for i in instances}
    return {
        "Reference": case.reference,
        "Status": case.status,
        "Opened": _when(case.created_at),
        "Closed": _when(case.closed_at),
        "Recorded by": case.created_by.name,
        "Referral": {
            "Date of referral": _day(case.referral_date),
            "Referred by": case.referrer_name,
            "Referrer's role": case.referrer_role,
            "Referrer's organisation": case.referrer_organisation,
            "Reasons for concern": case.concern_reasons,
            "Attendance this school year (%)": case.attendance_percent,
            "Sessions possible": case.sessions_possible,
            "Sessions missed": case.sessions_missed,
            "Unauthorised sessions": case.unauthorised_sessions,
        },
        "Processes": [_instance(i) for i in instances],
        "Tasks": [_task(t, versions.get(t.instance_id)) for t in tasks],
        "Meetings": [
            _meeting(m)
            for m in db.session.scalars(
                select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.held_on, Meeting.id)
            )
        ],
        "Penalty notices": [
            _notice(n)
            for n in db.session.scalars(
                select(PenaltyNotice)
                .where(or_(PenaltyNotice.case_id == case.id, PenaltyNotice.child_id == case.child_id))
                .order_by(PenaltyNotice.issued_on, PenaltyNotice.id)
            )
        ],
        "Register of children missing education": [
            _cme(r)
            for r in db.session.scalars(
                select(CmeRecord).where(CmeRecord.case_id == case.id).order_by(CmeRecord.id)
            )
        ],
        "Incidents": [
            _incident(i)
            for i in db.session.scalars(
                select(Incident).where(Incident.case_id == case.id).order_by(Incident.id)
            )
        ],
        "Audit trail (every view and change of the case)": trail,
    }


def _instance(instance: ProcessInstance) -> dict[str, Any]:
    version = instance.process_version
    return {
        "Process": version.name,
        "Process id": version.process_id,
        "Version": version.number,
        "Status": instance.status.value,
        "Started": _when(instance.started_at),
        "Last changed": _when(instance.updated_at),
        "Finished": _when(instance.completed_at),
        "How it finished": instance.end_event,
        "Started by a hand-off from": instance.started_by.process_version.name if instance.started_by else "",
    }


def _task(task: HumanTask, version_id: int | None) -> dict[str, Any]:
    return {
        "Task": task.name,
        "Process": task.process_name,
        "Status": task.state.value,
        "Team": task.team.name if task.team else task.lane,
        "Assigned to": task.assignee.name if task.assignee else "",
        "Created": _when(task.created_at),
        "Due": _when(task.due_at),
        "Completed": _when(task.completed_at),
        "Completed by": task.completed_by.name if task.completed_by else "",
        "Answers": _answers(task, version_id),
    }


def _answers(task: HumanTask, version_id: int | None) -> list[dict[str, Any]]:
    """The task's recorded answers, each with the question as its form asked it."""
    if not task.data:
        return []
    labels, choices = {}, {}
    if version_id is not None:
        bundle = get_library().forms_for_version_id(version_id)
        if task.form_key in bundle.forms:
            form = form_class(bundle, task.form_key)
            labels, choices = form.field_labels(), form.choice_labels()
    calculated = calculated_labels()
    answers = []
    for key, value in task.data.items():
        chosen = choices.get(key, {})
        if isinstance(value, str) and value in chosen:
            value = chosen[value]
        elif isinstance(value, list) and chosen:
            value = [chosen.get(str(v), v) for v in value]
        answers.append({"Question": labels.get(key) or calculated.get(key) or label(key), "Answer": value})
    return answers


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "Meeting": meeting.kind_label,
        "Held on": _day(meeting.held_on),
        "Invited": meeting.invited,
        "Came": meeting.attendees,
        "Decided": meeting.decisions,
        "Actions": meeting.actions,
        "Outcome": meeting.outcome,
        "Next due": _day(meeting.next_due),
        "Recorded by": meeting.recorded_by.name if meeting.recorded_by else "",
        "Recorded": _when(meeting.recorded_at),
    }


def _notice(notice: PenaltyNotice) -> dict[str, Any]:
    return {
        "Case": notice.case.reference,
        "Parent": notice.parent_name,
        "Absence from": _day(notice.offence_from),
        "Absence to": _day(notice.offence_to),
        "Unauthorised sessions": notice.unauthorised_sessions,
        "Why issued below the threshold": notice.below_threshold_reason,
        "Issued on": _day(notice.issued_on),
        "Served on": _day(notice.served_on),
        "Amount (£)": notice.amount,
        "Notice number for this parent and child": notice.sequence,
        "Status": notice.status_label,
        "Paid on": _day(notice.paid_on),
        "Amount paid (£)": notice.paid_amount,
        "Why withdrawn": notice.withdrawn_reason,
        "Recorded by": notice.created_by.name if notice.created_by else "",
        "Recorded": _when(notice.created_at),
    }


def _cme(record: CmeRecord) -> dict[str, Any]:
    return {
        "Child's name as notified": record.child_name,
        "Reported on": _day(record.reported_on),
        "How it was reported": record.source,
        "Notifying organisation": record.notifying_organisation,
        "Reason": record.reason,
        "Last known address": record.last_known_address,
        "Last seen": _day(record.date_last_seen),
        "School": record.school,
        "First day of absence": _day(record.first_absence_date),
        "Risk": record.risk_level,
        "Notified late": record.notice_late,
        "Status": record.status.label,
        "School's enquiries on": _day(record.school_enquiries_on),
        "Local authority's enquiries on": _day(record.la_enquiries_on),
        "Taken off the school roll on": _day(record.deleted_from_roll_on),
        "Found on": _day(record.found_on),
        "Outcome": record.outcome,
        "Next review on": _day(record.next_review_on),
        "Enquiries made": record.enquiries_summary,
        "Recorded": _when(record.created_at),
        "Last changed": _when(record.updated_at),
    }


def _incident(incident: Incident) -> dict[str, Any]:
    return {
        "Step": incident.task_name,
        "What went wrong": incident.message,
        "Raised": _when(incident.created_at),
        "Resolved": _when(incident.resolved_at),
        "What was done": incident.resolution,
    }


def _trail(case_id: int) -> list[dict[str, Any]]:
    """Every event about the case and every view that showed it, oldest first, with who did it."""
    ids = union(
        select(AuditEvent.id).where(AuditEvent.case_id == case_id),
        select(AuditEventCase.event_id).where(AuditEventCase.case_id == case_id),
    ).subquery()
    rows = db.session.execute(
        select(AuditEvent, User.name, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.id.in_(select(ids.c.id)))
        .order_by(AuditEvent.id)
    ).all()
    shown = dict(
        db.session.execute(
            select(AuditEventCase.event_id, func.count())
            .where(AuditEventCase.event_id.in_(select(ids.c.id)))
            .group_by(AuditEventCase.event_id)
        ).all()
    )
    return [
        {
            "When": _when(event.at),
            "Who": name or "The system",
            "Their email": email or "",
            "What": action_label(event.action),
            "Action code": event.action,
            "Details": event.detail,
            "Before": event.before,
            "After": event.after,
            "Other children's cases the same page showed": max(shown.get(event.id, 1) - 1, 0),
        }
        for event, name, email in rows
    ]


def _when(value: datetime | None) -> str:
    return value.astimezone(LONDON).isoformat(timespec="seconds") if value else ""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""
