"""Referring a child (which opens a case on the pathway chosen), starting more pathways, and reading cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import audit
from app.access import can_see_case
from app.extensions import db
from app.formkit.base import TaskForm
from app.formkit.builder import form_class
from app.meetings.services import meetings_for_case
from app.models import (
    AuditEvent,
    Case,
    Child,
    HumanTask,
    Incident,
    Meeting,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    User,
)
from app.pathways.registry import calculated_labels
from app.transactions import Refusal
from app.workflow import EngineError, instances
from app.workflow.library import get_library

REFERRAL_PROCESS = "referral_to_early_help"


class CaseNotVisible(Refusal, LookupError):
    """No such case, or the user may not see it (the two look the same from outside)."""


@dataclass(frozen=True)
class Referral:
    first_name: str
    last_name: str
    date_of_birth: date
    school: str
    year_group: str
    send_support: bool
    has_ehcp: bool
    looked_after: bool
    has_social_worker: bool
    social_worker_name: str
    attendance_percent: Decimal | None  # asked only for the pathways that need it (Pathway.asks_attendance)
    sessions_possible: int | None
    unauthorised_sessions: int | None
    concern_reasons: str
    referrer_name: str
    referrer_role: str
    referrer_organisation: str
    referral_date: date

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Referral:
        """The referral in a validated ReferralForm's data, which has every field (KeyError if not)."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Pathway:
    """A way into the service: what the referrer is telling us, and the process it opens.

    `asks_attendance`: the referral page asks for the child's attendance this school year (and
    requires the percentage), and a case without it cannot start this pathway.
    """

    key: str
    label: str
    hint: str
    process_id: str
    team: str
    asks_attendance: bool = False


PATHWAYS: tuple[Pathway, ...] = (
    Pathway(
        "early_help",
        "An attendance concern for Early Help",
        "Consent-based family support with a lead practitioner. Early Help triages within 1 working day.",
        REFERRAL_PROCESS,
        "Early Help",
        # The concern is the child's attendance: triage reads the figure, and a step to legal
        # planning carries it on.
        asks_attendance=True,
    ),
    Pathway(
        "attendance_support",
        "A pupil who needs attendance support from the school and the local authority",
        "The pupil's attendance tier decides the support: school actions, an attendance plan, the termly "
        "targeting support meeting.",
        "attendance_support",
        "the school",
        # The support tier is decided from it: severely absent at 50% or less, persistently absent
        # at 90% or less, at risk up to the local band (Working together to improve school
        # attendance, 2024). Sessions are the evidence for the penalty-notice threshold.
        asks_attendance=True,
    ),
    Pathway(
        "medical_needs",
        "A pupil who will miss 15 or more school days because of health needs (sickness return)",
        "The local authority's named officer decides on suitable education under section 19.",
        "medical_needs",
        "the medical needs team",
        # Not asked: the duty turns on school days missed because of health (15, consecutive or
        # cumulative), which the school's sickness return counts, not on an attendance percentage.
    ),
    Pathway(
        "missing_education",
        "A child missing education: not on a school roll, or not seen and whereabouts unknown",
        "Added to the register of children missing education; school and local authority make enquiries.",
        "children_missing_education",
        "ACE",
        # Not asked: a child missing education is not on a school roll, or cannot be found; a pupil
        # on roll who has stopped attending is an attendance concern instead.
    ),
    Pathway(
        "social_care",
        "A concern that the child may need social care (Contact and Assessment Service)",
        "CAS decides within 1 working day. If a child is at immediate risk, phone the police or CAS now.",
        "cas_assessment",
        "CAS",
        # Not asked: CAS decides on the risk of harm; attendance, where it matters, is part of the
        # reasons for concern.
    ),
)


def pathway(key: str) -> Pathway:
    """The pathway with this key; KeyError if there is none."""
    return next(p for p in PATHWAYS if p.key == key)


class PathwayAlreadyRunning(Refusal):
    """The case already has this pathway's process running."""


class PathwayNotStarted(Refusal):
    """The pathway's diagram failed at its start; nothing of the start is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AttendanceNeeded(Refusal):
    """The pathway needs the child's attendance and the case was referred without it."""


def start_pathway(
    case: Case, chosen: Pathway, actor: User, attendance_percent: Decimal | None = None
) -> ProcessInstance:
    """Start another pathway on an existing case (the child's history stays on the one case).

    Refuses a pathway whose process is already running on the case (a second copy would double
    every task), and one that asks for attendance when the case has none and none is given
    (AttendanceNeeded). Attendance given for a case without it is recorded on the case first.
    """
    unfinished = ("running", "incident", "suspended")
    running = {i.process_version.process_id for i in case.instances if i.status.value in unfinished}
    if chosen.process_id in running:
        raise PathwayAlreadyRunning(chosen.label)
    if chosen.asks_attendance and case.attendance_percent is None:
        if attendance_percent is None:
            raise AttendanceNeeded(chosen.label)
        case.attendance_percent = attendance_percent
        audit.record(
            "case.attendance_recorded",
            actor,
            case=case,
            after={"attendance_percent": str(attendance_percent)},
        )
    try:
        instance = instances.start_process(case, chosen.process_id, instances.case_facts(case), actor)
    except EngineError as exc:
        raise PathwayNotStarted(exc.message) from None
    audit.record("case.pathway_started", actor, case=case, instance=instance, detail=chosen.label)
    return instance


def open_pathways() -> list[Pathway]:
    """The pathways whose process is published, in the order the referral page offers them."""
    published = set(db.session.scalars(select(ProcessVersion.process_id).where(ProcessVersion.is_current)))
    return [p for p in PATHWAYS if p.process_id in published]


def refer_child(
    referral: Referral,
    actor: User,
    process_id: str = REFERRAL_PROCESS,
    extra: dict[str, Any] | None = None,
) -> Case:
    """Record a concern: create the child and case and start the pathway's process on it.

    Referral to Early Help by default; a school's sickness return starts the medical-needs
    pathway, a notification of a child missing education the CME pathway, and so on.
    `extra` adds start data the pathway needs beyond the case's facts.
    """
    child = Child(
        first_name=referral.first_name.strip(),
        last_name=referral.last_name.strip(),
        date_of_birth=referral.date_of_birth,
        school=referral.school.strip(),
        year_group=referral.year_group,
        send_support=bool(referral.send_support),
        has_ehcp=bool(referral.has_ehcp),
        has_social_worker=bool(referral.has_social_worker),
        social_worker_name=(referral.social_worker_name or "").strip(),
        looked_after=bool(referral.looked_after),
    )
    case = Case(
        reference=uuid.uuid4().hex[:20],
        child=child,
        attendance_percent=referral.attendance_percent,
        sessions_possible=referral.sessions_possible,
        sessions_missed=None,
        unauthorised_sessions=referral.unauthorised_sessions,
        concern_reasons=referral.concern_reasons.strip(),
        referrer_name=referral.referrer_name.strip(),
        referrer_role=referral.referrer_role.strip(),
        referrer_organisation=referral.referrer_organisation.strip(),
        referral_date=referral.referral_date,
        created_by_id=actor.id,
    )
    db.session.add(case)
    db.session.flush()
    case.reference = f"C{case.id:07d}"
    audit.record("case.referred", actor, case=case, after={"reference": case.reference})
    instances.start_process(case, process_id, {**referral_start_data(case), **(extra or {})}, actor)
    return case


def referral_start_data(case: Case) -> dict[str, Any]:
    """What the first process on a case knows about it when it starts."""
    return instances.case_facts(case)


def get_visible_case(reference: str, user: User) -> Case:
    """The case with this reference if the user may see it; CaseNotVisible otherwise."""
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not can_see_case(user, case):
        raise CaseNotVisible(reference)
    return case


def record_case_viewed(case: Case, user: User, page: str) -> None:
    """The case page was shown to the user (its view event names the case)."""
    audit.record_view("case.viewed", user, [case.id], page=page, case=case)


@dataclass(frozen=True)
class CaseView:
    case: Case
    open_tasks: list[HumanTask]
    completed_tasks: list[HumanTask]
    instances: list[ProcessInstance]
    incidents: list[Incident]
    history: list[AuditEvent]  # changes only: views of the case are in the audit trail
    meetings: list[Meeting]
    # Each completed task's form, as its own process version defines it (for labels and choices).
    task_forms: dict[str, type[TaskForm]]
    # How to name the answers a task's calculations added, which no form asks (app/pathways).
    calculated_labels: dict[str, str]


def case_view(case: Case) -> CaseView:
    tasks = list(
        db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.created_at, HumanTask.id)
        )
    )
    history = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == case.id, AuditEvent.action.not_in(audit.VIEW_ACTIONS))
            .order_by(AuditEvent.at.desc())
            .limit(50)
        )
    )
    incidents = list(
        db.session.scalars(
            select(Incident).where(Incident.case_id == case.id).order_by(Incident.created_at.desc())
        )
    )
    completed = [t for t in tasks if t.state == TaskState.COMPLETED]
    return CaseView(
        case=case,
        open_tasks=[t for t in tasks if t.state == TaskState.OPEN],
        completed_tasks=completed,
        instances=list(case.instances),
        incidents=incidents,
        history=history,
        meetings=meetings_for_case(case.id),
        task_forms=_forms_of(completed, {i.id: i.process_version_id for i in case.instances}),
        calculated_labels=calculated_labels(),
    )


def _forms_of(tasks: list[HumanTask], versions: dict[int, int]) -> dict[str, type[TaskForm]]:
    library = get_library()
    found = {}
    for task in tasks:
        bundle = library.forms_for_version_id(versions[task.instance_id])
        if task.form_key in bundle.forms:
            found[task.id] = form_class(bundle, task.form_key)
    return found

