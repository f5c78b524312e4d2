"""Each source of a case's facts turned into chronology entries, without a database: rows are
made in memory, names handed over as the page's one query for them would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.chronology import events as trail
from app.chronology import sources
from app.chronology.entries import KINDS, FormText, Lookups, ProcessRun, shown
from app.chronology.services import read_filter
from app.models import (
    AuditEvent,
    Case,
    CmeRecord,
    CmeStatus,
    HumanTask,
    Incident,
    Meeting,
    PenaltyNotice,
    TaskState,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PRIYA, MORGAN, DANA = 1, 2, 3
REFERRAL = ProcessRun(1, "referral_to_early_help", "Referral to Early Help", 10, "completed", T0)
CAS = ProcessRun(
    2, "cas_assessment", "CAS assessment", 20, "running", T0 + timedelta(days=30), started_by_id=1
)
REVIEW_FORM = FormText(
    labels={"review_outcome": "What is the outcome of the review?", "attendance": "Attendance (%)"},
    choices={"review_outcome": {"continue": "Continue the plan", "close": "Close: the outcomes are met"}},
)


def lookups(**forms: FormText) -> Lookups:
    return Lookups(
        people={PRIYA: "Priya Shah", MORGAN: "Morgan Ellis", DANA: "Dana Lewis"},
        teams={5: "Early Help"},
        runs={1: REFERRAL, 2: CAS},
        forms=forms,
        calculated={"amount": "Amount payable"},
    )


def task(task_id: str, name: str, days: int, data: dict[str, Any] | None = None, **values: Any) -> HumanTask:
    fields: dict[str, Any] = {
        "id": task_id,
        "instance_id": 1,
        "name": name,
        "process_name": "Referral to Early Help",
        "state": TaskState.COMPLETED,
        "created_at": T0 + timedelta(days=days - 1),
        "completed_at": T0 + timedelta(days=days),
        "completed_by_id": PRIYA,
        "team_id": 5,
        "data": data,
    }
    return HumanTask(**{**fields, **values})


def event(event_id: int, action: str, at: datetime, **values: Any) -> AuditEvent:
    fields: dict[str, Any] = {"actor_id": None, "instance_id": 1, "task_id": None, "detail": ""}
    return AuditEvent(id=event_id, action=action, at=at, case_id=7, **{**fields, **values})


def test_the_referral_says_who_referred_the_child_and_why() -> None:
    case = Case(
        id=7,
        created_at=T0,
        created_by_id=MORGAN,
        referrer_name="Sam Taylor",
        referrer_role="Attendance officer",
        referrer_organisation="Riverside Primary School",
        referral_date=date(2026, 3, 1),
        concern_reasons="Attendance has fallen since half term.",
    )
    [entry] = sources.referral_entries(case, lookups())
    assert (entry.kind, entry.who, entry.at) == ("referral", "Morgan Ellis", T0)
    assert entry.what == "Referred by Sam Taylor, Attendance officer, Riverside Primary School"
    assert entry.detail == "Attendance has fallen since half term."
    assert entry.facts == (("Referral date", "1 Mar 2026"),)


def test_processes_start_hand_on_and_finish_with_who_did_it() -> None:
    finished = ProcessRun(
        1,
        "referral_to_early_help",
        "Referral to Early Help",
        10,
        "completed",
        T0,
        completed_at=T0 + timedelta(days=30),
        end_event="Stepped up to social care",
    )
    looked_up = Lookups(people={PRIYA: "Priya Shah", MORGAN: "Morgan Ellis"}, runs={1: finished, 2: CAS})
    actors = trail.step_actors(
        [
            event(1, "process.started", T0, actor_id=MORGAN),
            event(2, "process.completed", T0 + timedelta(days=30), actor_id=PRIYA),
            event(3, "process.handed_over", T0 + timedelta(days=30), actor_id=PRIYA, instance_id=2),
        ]
    )
    started, ended, handed = sources.run_entries([finished, CAS], looked_up, actors)
    assert (started.kind, started.what, started.who) == (
        "referral",
        "Started Referral to Early Help",
        "Morgan Ellis",
    )
    assert (ended.kind, ended.what, ended.who) == (
        "finished",
        "Referral to Early Help finished: Stepped up to social care",
        "Priya Shah",
    )
    assert (handed.kind, handed.what, handed.process) == (
        "handoff",
        "Referral to Early Help handed the case on to CAS assessment",
        "CAS assessment",
    )
    assert handed.facts == (("Handed on because", "Stepped up to social care"),)
    # Recorded at the same moment: the sender's end comes before the hand-off it made.
    assert sorted([handed, ended], key=lambda e: e.sort_key) == [ended, handed]


def test_a_decision_shows_the_chosen_options_words_from_the_versions_form() -> None:
    triage = task("t1", "Review the family plan", 1, {"review_outcome": "close", "attendance": 95.0})
    [entry] = sources.task_entries([triage], [], set(), lookups(t1=REVIEW_FORM))
    assert (entry.kind, entry.what, entry.who, entry.process) == (
        "decision",
        "Review the family plan",
        "Priya Shah",
        "Referral to Early Help",
    )
    assert entry.facts == (("What is the outcome of the review?", "Close: the outcomes are met"),)
    assert entry.also == {"form"}
    assert [(a.label, a.value) for a in entry.answers] == [
        ("What is the outcome of the review?", "Close: the outcomes are met"),
        ("Attendance (%)", "95"),
    ]


def test_without_its_form_a_decision_is_still_known_by_its_name_and_worded_from_its_key() -> None:
    [entry] = sources.task_entries(
        [task("t1", "Decide", 1, {"strategy_decision": "s47", "decision_reasons": "Risk", "amount": 80})],
        [],
        set(),
        lookups(),
    )
    assert entry.kind == "decision" and entry.facts == (("Strategy decision", "s47"),)
    assert [a.label for a in entry.answers] == ["Strategy decision", "Decision reasons", "Amount payable"]


def test_an_answer_changed_twice_shows_old_and_new_each_time_and_an_unchanged_one_does_not() -> None:
    reviews = [
        task(
            f"r{n}",
            "Review the family plan",
            n,
            {"review_outcome": outcome, "attendance": value, "notes": ""},
        )
        for n, (outcome, value) in enumerate([("continue", 91.5), ("continue", 93), ("close", 95)], start=1)
    ]
    forms = {t.id: REVIEW_FORM for t in reviews}
    # Given in the reverse order: the changes follow when each was completed, not the list.
    first, second, third = sources.task_entries(list(reversed(reviews)), [], set(), lookups(**forms))
    assert first.changes == ()
    assert [(a.label, a.before, a.value) for a in second.changes] == [("Attendance (%)", "91.5", "93")]
    assert [(a.label, a.before, a.value) for a in third.changes] == [
        ("What is the outcome of the review?", "Continue the plan", "Close: the outcomes are met"),
        ("Attendance (%)", "93", "95"),
    ]


def test_the_same_question_in_another_process_is_not_a_change() -> None:
    early_help = task("a", "Review", 1, {"review_outcome": "continue"})
    other = task("b", "Review", 2, {"review_outcome": "close"}, instance_id=2)
    _, later = sources.task_entries([early_help, other], [], set(), lookups())
    assert later.changes == ()


def test_a_meeting_is_told_with_its_task_once_and_counts_as_a_form_and_a_decision_too() -> None:
    review = task("t1", "Review the family plan", 1, {"review_outcome": "continue"})
    meeting = Meeting(
        id=1,
        task_id="t1",
        instance_id=1,
        kind="taf_review",
        held_on=date(2026, 5, 1),
        outcome="Continue the plan",
        next_due=date(2026, 6, 5),
        recorded_by_id=PRIYA,
        recorded_at=T0,
    )
    [entry] = sources.task_entries([review], [meeting], set(), lookups(t1=REVIEW_FORM))
    assert entry.kind == "meeting" and entry.kinds == {"meeting", "form", "decision"}
    assert entry.what == "Team Around the Family review held on 1 May 2026"
    # The outcome is the decision already shown: said once.
    assert entry.facts == (
        ("Next due", "5 Jun 2026"),
        ("What is the outcome of the review?", "Continue the plan"),
    )


def test_open_and_cancelled_tasks_are_not_submissions() -> None:
    open_task = task("o", "Open", 1, None, state=TaskState.OPEN, completed_at=None)
    cancelled = task("c", "Stopped", 1, None, state=TaskState.CANCELLED)
    assert sources.task_entries([open_task, cancelled], [], set(), lookups()) == []


def test_a_timer_is_told_with_the_task_it_escalated_to_and_the_task_it_stopped() -> None:
    fired_at = T0 + timedelta(days=2)
    events = [
        event(1, "process.started", T0),
        event(2, "task.claimed", T0 + timedelta(hours=1), task_id="work", actor_id=PRIYA),
        event(3, "timer.fired", fired_at),
        event(4, "task.completed", fired_at + timedelta(days=1), task_id="late", actor_id=PRIYA),
    ]
    work = task(
        "work", "Do the work", 0, None, created_at=T0, completed_at=fired_at, state=TaskState.CANCELLED
    )
    late = task("late", "Record why the assessment is late", 3, {"why": "x"}, created_at=fired_at)
    after = task("next", "Next step", 5, None, created_at=fired_at + timedelta(days=1), state=TaskState.OPEN)
    steps = trail.timer_steps(events, [work, late, after])
    assert steps == {3: trail.TimerStep(created=(late,), stopped=(work,))}
    entries = trail.event_entries(events, {t.id: t for t in (work, late)}, steps, lookups())
    [timer] = [e for e in entries if e.kind == "timer"]
    assert timer.what == "A deadline passed: the work was escalated"
    assert timer.facts == (
        ("New task", "Record why the assessment is late (Early Help)"),
        ("Stopped", "Do the work"),
    )
    assert (timer.who, timer.process) == ("System", "Referral to Early Help")
    # The escalation, once done, counts as a deadline as well as a form.
    [done] = sources.task_entries([late], [], {"late"}, lookups())
    assert done.kinds == {"form", "timer"}


def test_a_task_made_long_after_the_last_timer_is_not_its_escalation() -> None:
    fired = event(1, "timer.fired", T0)
    moved = task("m", "Made by a move to a new version", 1, None, created_at=T0 + timedelta(hours=3))
    assert trail.timer_steps([fired], [moved]) == {}


def test_views_are_never_in_the_chronology_nor_events_their_rows_tell() -> None:
    events = [
        event(1, "case.viewed", T0, actor_id=PRIYA, instance_id=None),
        event(2, "chronology.viewed", T0, actor_id=PRIYA, instance_id=None),
        event(3, "task.viewed", T0, actor_id=PRIYA, task_id="t"),
        event(4, "task.completed", T0, actor_id=PRIYA, task_id="t"),
        event(5, "process.started", T0),
        event(6, "case.attendance_recorded", T0, actor_id=PRIYA, after={"attendance_percent": "84.5"}),
    ]
    [entry] = trail.event_entries(events, {}, {}, lookups())
    assert (entry.kind, entry.what, entry.facts) == (
        "other",
        "Recorded the child's attendance",
        (("Attendance", "84.5%"),),
    )


def test_claims_releases_and_reassignments_say_who_from_whom_and_why() -> None:
    work = task("t", "Triage the referral", 1, None, state=TaskState.OPEN)
    events = [
        event(1, "task.claimed", T0, actor_id=PRIYA, task_id="t", detail="Triage the referral"),
        event(
            2,
            "task.assigned",
            T0,
            actor_id=MORGAN,
            task_id="t",
            before={"assignee_id": PRIYA},
            after={"assignee_id": DANA, "reason": "Priya is on leave"},
            detail="Triage the referral to Dana Lewis",
        ),
        event(
            3,
            "task.released",
            T0,
            actor_id=MORGAN,
            task_id="t",
            before={"assignee_id": DANA},
            detail="Dana is off sick this week",
        ),
        event(
            4,
            "task.released",
            T0,
            actor_id=PRIYA,
            task_id="t",
            before={"assignee_id": PRIYA},
            detail="Triage the referral",
        ),
    ]
    claimed, assigned, released, given_back = trail.event_entries(events, {"t": work}, {}, lookups())
    assert {e.kind for e in (claimed, assigned, released, given_back)} == {"allocation"}
    assert (claimed.what, claimed.who, claimed.detail) == ("Claimed “Triage the referral”", "Priya Shah", "")
    assert assigned.what == "Assigned “Triage the referral” to Dana Lewis, taking it from Priya Shah"
    assert (assigned.who, assigned.detail) == ("Morgan Ellis", "Priya is on leave")
    assert released.what == "Released “Triage the referral” from Dana Lewis back to the team queue"
    assert released.detail == "Dana is off sick this week"
    assert (given_back.what, given_back.detail) == (
        "Released “Triage the referral” back to the team queue",
        "",
    )


def test_suspensions_and_resumptions_are_told_by_name_with_their_reason() -> None:
    events = [
        event(1, "process.suspended", T0, actor_id=MORGAN, detail="Family moved away; waiting for news"),
        event(
            2, "process.resumed", T0 + timedelta(days=3), actor_id=MORGAN, after={"reason": "Family found"}
        ),
    ]
    suspended, resumed = trail.event_entries(events, {}, {}, lookups())
    assert (suspended.kind, suspended.what, suspended.detail) == (
        "suspension",
        "Suspended Referral to Early Help",
        "Family moved away; waiting for news",
    )
    assert (resumed.what, resumed.detail) == ("Resumed Referral to Early Help", "Family found")


def test_an_incident_is_raised_and_resolved() -> None:
    incident = Incident(
        id=4,
        instance_id=2,
        case_id=7,
        task_name="Authorise the assessment",
        message="The condition failed",
        raised_by_id=PRIYA,
        created_at=T0,
        resolved_at=T0 + timedelta(hours=2),
        resolved_by_id=MORGAN,
        resolution="Fixed the diagram and retried",
    )
    raised, resolved = sources.incident_entries([incident], lookups())
    assert (raised.what, raised.detail, raised.who, raised.process) == (
        "A step failed at “Authorise the assessment”",
        "The condition failed",
        "Priya Shah",
        "CAS assessment",
    )
    assert (resolved.what, resolved.detail, resolved.who) == (
        "Incident resolved",
        "Fixed the diagram and retried",
        "Morgan Ellis",
    )


def test_notices_and_register_entries() -> None:
    notice = PenaltyNotice(
        id=1,
        instance_id=1,
        parent_name="Sam Begum",
        offence_from=date(2026, 1, 5),
        offence_to=date(2026, 2, 6),
        unauthorised_sessions=12,
        issued_on=date(2026, 3, 2),
        served_on=date(2026, 3, 3),
        amount=80,
        status="paid_80",
        paid_on=date(2026, 3, 10),
        withdrawn_reason="",
        created_by_id=DANA,
        created_at=T0,
    )
    [issued] = sources.notice_entries([notice], lookups())
    assert (issued.kind, issued.what, issued.who) == (
        "notice",
        "Penalty notice issued to Sam Begum",
        "Dana Lewis",
    )
    assert ("Amount", "£80") in issued.facts and ("Now", "Paid at £80") in issued.facts
    assert ("Paid on", "10 Mar 2026") in issued.facts
    record = CmeRecord(
        id=1,
        instance_id=1,
        reported_on=date(2026, 3, 1),
        reason="moved_away",
        status=CmeStatus.FOUND,
        found_on=date(2026, 3, 20),
        outcome="",
        created_at=T0,
    )
    [entry] = sources.register_entries(
        [record], {"moved_away": "Moved away, destination not known"}, lookups()
    )
    assert entry.what == "Added to the register of children missing education"
    assert entry.facts == (
        ("Reported on", "1 Mar 2026"),
        ("Reason", "Moved away, destination not known"),
        ("Now", "Found"),
        ("Found on", "20 Mar 2026"),
    )


def test_answers_read_as_the_person_gave_them() -> None:
    choices = {"school": "The child's school", "health": "Health services"}
    assert shown(True) == "Yes" and shown(False) == "No"
    assert shown(None) == shown("") == shown([]) == "Not given"
    assert shown(["school", "health"], choices) == "The child's school, Health services"
    assert shown("2026-03-05") == "5 Mar 2026" and shown("2026-02-30") == "2026-02-30"
    assert shown(93.0) == "93" and shown(91.5) == "91.5" and shown(3) == "3"
    assert shown("<b>as typed</b>") == "<b>as typed</b>"  # the page escapes it


def test_the_filter_keeps_known_kinds_and_ignores_the_rest() -> None:
    assert read_filter(["decision", "nonsense", "meeting", ""], None) == (
        frozenset({"decision", "meeting"}),
        True,
    )
    assert read_filter([], "oldest") == (frozenset(), False)
    assert read_filter([], "sideways") == (frozenset(), True)
    assert set(KINDS) >= {
        "referral",
        "decision",
        "meeting",
        "form",
        "timer",
        "allocation",
        "handoff",
        "incident",
    }


def test_a_timer_that_only_brought_new_work_is_told_as_a_set_time_not_a_deadline() -> None:
    events = [event(1, "timer.fired", T0), event(2, "timer.fired", T0 + timedelta(days=1))]
    review = task("r", "Review the plan", 0, None, created_at=T0, state=TaskState.OPEN)
    steps = trail.timer_steps(events, [review])
    scheduled, quiet = trail.event_entries(events, {}, steps, lookups())
    assert (scheduled.what, scheduled.facts) == (
        "A set time was reached and new work was created",
        (("New task", "Review the plan (Early Help)"),),
    )
    assert (quiet.what, quiet.facts) == ("A set time was reached", ())
