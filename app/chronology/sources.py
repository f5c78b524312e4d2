"""Each source of facts about a case, turned into chronology entries: pure functions of rows
already read (app/chronology/services.py reads them, one query per source).

The case row gives the referral; process instances their start, hand-off and end; completed
tasks what was decided and submitted (with the meeting a task recorded); the audit trail claims,
releases, reassignments, suspensions, timers and other changes; incidents, penalty notices and
the CME register their own entries (app/chronology/events.py turns the audit trail's events into
theirs). Views of the case are never entries: they are in the audit trail, not the chronology.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from app.chronology.entries import (
    RANK_FINISHED,
    RANK_HANDED_ON,
    RANK_RAISED,
    RANK_RECORD,
    RANK_REFERRAL,
    RANK_RESOLVED,
    RANK_STARTED,
    RANK_TASK,
    Answer,
    Entry,
    FormText,
    Lookups,
    ProcessRun,
    same_answer,
    shown,
)
from app.models import Case, CmeRecord, HumanTask, Incident, Meeting, PenaltyNotice, TaskState

# A field whose answer is a decision: its key says so and its answer is one of the form's options.
_DECISION_KEY = re.compile(r"(decision|outcome|recommend|result|route|next_step)")
_NOT_DECISION = ("_reasons", "_reason", "_date", "_notes", "_details", "_summary")


def referral_entries(case: Case, lookups: Lookups) -> list[Entry]:
    """The referral that opened the case: who referred the child, and why."""
    referrer = ", ".join(p for p in (case.referrer_name, case.referrer_role, case.referrer_organisation) if p)
    return [
        Entry(
            at=case.created_at,
            kind="referral",
            what=f"Referred by {referrer}" if referrer else "Referred",
            who=lookups.person(case.created_by_id),
            detail=case.concern_reasons or "",
            facts=(("Referral date", _day(case.referral_date)),),
            rank=RANK_REFERRAL,
            seq=case.id,
        )
    ]


def run_entries(
    runs: Iterable[ProcessRun], lookups: Lookups, actors: Mapping[tuple[str, int], int | None]
) -> list[Entry]:
    """Each process's start (a pathway started, or a hand-off from another process) and end."""
    entries = []
    for run in runs:
        sender = lookups.runs.get(run.started_by_id) if run.started_by_id is not None else None
        if run.started_by_id is not None:
            facts = (("Handed on because", sender.end_event),) if sender and sender.end_event else ()
            entries.append(
                Entry(
                    at=run.started_at,
                    kind="handoff",
                    what=f"{sender.name if sender else 'Another process'} handed the case on to {run.name}",
                    who=lookups.person(actors.get(("process.handed_over", run.id))),
                    process=run.name,
                    facts=facts,
                    rank=RANK_HANDED_ON,
                    seq=run.id,
                )
            )
        else:
            starter = actors.get(("process.started", run.id))
            entries.append(
                Entry(
                    at=run.started_at,
                    kind="referral",
                    what=f"Started {run.name}",
                    who=lookups.person(starter),
                    process=run.name,
                    rank=RANK_STARTED,
                    seq=run.id,
                )
            )
        if run.completed_at is not None:
            entries.append(
                Entry(
                    at=run.completed_at,
                    kind="finished",
                    what=f"{run.name} finished" + (f": {run.end_event}" if run.end_event else ""),
                    who=lookups.person(actors.get(("process.completed", run.id))),
                    process=run.name,
                    rank=RANK_FINISHED,
                    seq=run.id,
                )
            )
    return entries


def task_entries(
    tasks: Iterable[HumanTask], meetings: Iterable[Meeting], escalations: set[str], lookups: Lookups
) -> list[Entry]:
    """Each completed task: its answers, each marked with the answer it replaced where the same
    question was answered before on the case in the same process; the decision it recorded, and
    the meeting. `escalations` are the ids of tasks a timer created."""
    done = sorted(
        (t for t in tasks if t.state == TaskState.COMPLETED and t.completed_at is not None),
        key=lambda t: (t.completed_at, t.id),
    )
    meeting_of = {m.task_id: m for m in meetings}
    earlier: dict[tuple[str, str], Any] = {}
    entries: list[Entry] = []
    for task in done:
        run = lookups.runs.get(task.instance_id)
        process_key = run.process_id if run is not None else task.process_name
        form = lookups.form(task.id)
        answers = []
        for key, value in (task.data or {}).items():
            choices = form.choices.get(key)
            before = earlier.get((process_key, key), _UNANSWERED)
            replaced = before is not _UNANSWERED and not same_answer(before, value)
            answers.append(
                Answer(
                    lookups.label(task.id, key),
                    shown(value, choices),
                    shown(before, choices) if replaced else None,
                )
            )
            earlier[(process_key, key)] = value
        decisions = tuple(
            (lookups.label(task.id, key), shown(value, form.choices.get(key)))
            for key, value in (task.data or {}).items()
            if _is_decision(key, value, form)
        )
        meeting = meeting_of.pop(task.id, None)
        kind = "meeting" if meeting else ("decision" if decisions else "form")
        also = (
            {"form"}
            | ({"decision"} if decisions else set())
            | ({"timer"} if task.id in escalations else set())
        )
        entries.append(
            Entry(
                at=task.completed_at or task.created_at,
                kind=kind,
                what=_meeting_words(meeting) if meeting else task.name,
                who=lookups.person(task.completed_by_id),
                process=run.name if run is not None else task.process_name,
                facts=(_meeting_facts(meeting, decisions) if meeting else ()) + decisions,
                answers=tuple(answers),
                also=frozenset(also - {kind}),
                rank=RANK_TASK,
                seq=len(entries),
            )
        )
    # A meeting whose task is not among the completed ones (recorded some other way).
    for meeting in meeting_of.values():
        entries.append(
            Entry(
                at=meeting.recorded_at,
                kind="meeting",
                what=_meeting_words(meeting),
                who=lookups.person(meeting.recorded_by_id),
                process=lookups.process(meeting.instance_id),
                facts=_meeting_facts(meeting, ()),
                rank=RANK_TASK,
                seq=len(entries),
            )
        )
    return entries


_UNANSWERED = object()


def _is_decision(key: str, value: Any, form: FormText) -> bool:
    if not _DECISION_KEY.search(key) or key.endswith(_NOT_DECISION) or value in (None, "", []):
        return False
    if form.choices or form.labels:  # the form is known: a decision is one of its options
        return key in form.choices
    return isinstance(value, str)


def _meeting_words(meeting: Meeting) -> str:
    return f"{meeting.kind_label} held on {_day(meeting.held_on)}"


def _meeting_facts(meeting: Meeting, decisions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The meeting's outcome (unless a decision of its task says it already) and when the next is due;
    what it was and when it was held are in the entry's words."""
    told = {value for _, value in decisions}
    outcome = (("Outcome", meeting.outcome),) if meeting.outcome and meeting.outcome not in told else ()
    return (*outcome, ("Next due", _day(meeting.next_due) if meeting.next_due else "None set"))


def incident_entries(incidents: Iterable[Incident], lookups: Lookups) -> list[Entry]:
    """Each incident raised (a step that failed, and the error) and, once resolved, how."""
    entries = []
    for incident in incidents:
        process = lookups.process(incident.instance_id)
        entries.append(
            Entry(
                at=incident.created_at,
                kind="incident",
                what="A step failed" + (f" at “{incident.task_name}”" if incident.task_name else ""),
                who=lookups.person(incident.raised_by_id),
                process=process,
                detail=incident.message,
                rank=RANK_RAISED,
                seq=incident.id,
            )
        )
        if incident.resolved_at is not None:
            entries.append(
                Entry(
                    at=incident.resolved_at,
                    kind="incident",
                    what="Incident resolved",
                    who=lookups.person(incident.resolved_by_id),
                    process=process,
                    detail=incident.resolution or "",
                    rank=RANK_RESOLVED,
                    seq=incident.id,
                )
            )
    return entries


def notice_entries(notices: Iterable[PenaltyNotice], lookups: Lookups) -> list[Entry]:
    """Each penalty notice issued, with what has happened to it since."""
    entries = []
    for notice in notices:
        facts = [
            ("Issued on", _day(notice.issued_on)),
            ("Served on", _day(notice.served_on)),
            ("Amount", f"£{notice.amount}"),
            (
                "Offence",
                f"{_day(notice.offence_from)} to {_day(notice.offence_to)}, "
                f"{notice.unauthorised_sessions} unauthorised sessions",
            ),
            ("Now", notice.status_label),
        ]
        if notice.paid_on is not None:
            facts.append(("Paid on", _day(notice.paid_on)))
        entries.append(
            Entry(
                at=notice.created_at,
                kind="notice",
                what=f"Penalty notice issued to {notice.parent_name}",
                who=lookups.person(notice.created_by_id),
                process=lookups.process(notice.instance_id),
                detail=notice.withdrawn_reason or "",
                facts=tuple(facts),
                rank=RANK_RECORD,
                seq=notice.id,
            )
        )
    return entries


def register_entries(
    records: Iterable[CmeRecord], reasons: Mapping[str, str], lookups: Lookups
) -> list[Entry]:
    """The child's entries on the register of children missing education, and where each stands."""
    entries = []
    for record in records:
        facts = [
            ("Reported on", _day(record.reported_on)),
            ("Reason", reasons.get(record.reason, record.reason)),
            ("Now", record.status.label if record.status else "Missing"),
        ]
        if record.found_on is not None:
            facts.append(("Found on", _day(record.found_on)))
        if record.outcome:
            facts.append(("Outcome", record.outcome))
        entries.append(
            Entry(
                at=record.created_at,
                kind="notice",
                what="Added to the register of children missing education",
                process=lookups.process(record.instance_id),
                facts=tuple(facts),
                rank=RANK_RECORD,
                seq=record.id,
            )
        )
    return entries


def _day(value: Any) -> str:
    return f"{value.day} {value:%b %Y}" if value is not None else ""
