"""A case's chronology, read from a case taken through Early Help by the product's own services on a
controlled clock: the referral, decisions, claims and reassignments, a meeting, reviews whose
answers changed, a deadline that escalated a second process, and the end."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import select

from app import scheduling
from app.extensions import db
from app.models import AuditEvent, Case, HumanTask, User
from app.models.audit import AuditEventCase
from app.oversight.services import record_incident, resolve_incident
from app.tasks import services as tasks
from app.workflow import instances
from tests import factories
from tests.conftest import login
from tests.fixtures.diagrams import boundary_timer, hand_off_receiver, hand_off_sender

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 2 March 2026


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def open_task(case: Case, name: str) -> HumanTask:
    [task] = [t for t in factories.open_tasks(case) if t.name == name]
    return task


def complete(case: Case, name: str, user: User, answers: dict) -> None:
    tasks.complete_task(open_task(case, name), answers, user)
    db.session.commit()


def review(attendance: str, outcome: str, on: date, next_review: date | None) -> dict:
    return {
        "review_date": on.isoformat(),
        "review_attendance_percent": attendance,
        "review_progress": "Mentor sessions are working.",
        "review_child_views": "School is better now I have lunch club.",
        "review_outcome": outcome,
        "next_review_date": next_review.isoformat() if next_review else "",
        "review_outcome_reasons": "" if outcome == "continue" else "Attendance is back above 95%.",
    }


@pytest.fixture
def walked(ctx, people) -> Case:
    """An Early Help case from referral to "Closed: outcomes met", with three reviews (attendance
    91.5, then 93, then 95), and a second process on it whose deadline passed."""
    worker, manager = people["practitioner"], people["manager"]
    factories.publish_test_diagram(boundary_timer('"P2D"'))
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.refer(people["school"])
        clock.move_to(at(date(2026, 3, 3)))
        tasks.claim_task(open_task(case, "Triage the referral"), worker)
        db.session.commit()
        complete(
            case,
            "Triage the referral",
            worker,
            {
                "existing_involvement": "none",
                "triage_decision": "seek_consent",
                "triage_reasons": "No open plan; mother asked the school for help.",
            },
        )
        clock.move_to(at(date(2026, 3, 4)))
        timed = instances.start_process(case, "timed_boundary", {"referral_date": "2026-03-04"}, worker)
        db.session.commit()
        clock.move_to(at(date(2026, 3, 5)))
        complete(
            case,
            "Seek consent from the family",
            worker,
            {
                "consent": "given",
                "consent_date": "2026-03-05",
                "consent_given_by": "Sam Begum, mother",
                "consent_share_with": ["school", "health"],
                "consent_notes": "",
            },
        )
        clock.move_to(at(date(2026, 3, 6)) + timedelta(hours=1))  # past the 2-day deadline
        assert scheduling.sweep(ctx) == 1
        db.session.expire_all()
        allocate = open_task(case, "Allocate a lead practitioner")
        tasks.assign_task(allocate, people["family_worker"], manager, "Dana already knows the family")
        db.session.commit()
        clock.move_to(at(date(2026, 3, 9)))
        tasks.release_task(allocate, manager, "Dana is on leave this week")
        db.session.commit()
        clock.move_to(at(date(2026, 3, 10)))
        complete(
            case,
            "Allocate a lead practitioner",
            worker,
            {
                "lead_practitioner_name": "Dana Lewis",
                "lead_practitioner_service": "Early Help, Riverside hub",
                "family_had_say": "yes",
                "allocation_date": "2026-03-10",
                "allocation_notes": "",
            },
        )
        clock.move_to(at(date(2026, 3, 20)))
        complete(
            case,
            "Complete the Early Help assessment",
            worker,
            {
                "assessment_date": "2026-03-20",
                "needs_identified": ["school_attendance", "emotional_wellbeing"],
                "other_needs": "",
                "child_voice": "I get a bad tummy on Sunday nights.",
                "family_strengths": "Mum is committed.",
                "assessment_summary": "Anxiety linked to friendship problems.",
            },
        )
        clock.move_to(at(date(2026, 3, 27)))
        complete(
            case,
            "Hold the Team Around the Family meeting and agree the plan",
            worker,
            {
                "taf_meeting_date": "2026-03-27",
                "family_attended": "yes",
                "taf_attendees": "Jo Smith, Head of Year 6",
                "plan_outcomes": "Attendance above 90% by the summer.",
                "plan_actions": "School: soft start and a mentor.",
                "next_review_date": "2026-05-01",
            },
        )
        for on, attendance, outcome, then in (
            (date(2026, 5, 1), "91.5", "continue", date(2026, 6, 5)),
            (date(2026, 6, 5), "93", "continue", date(2026, 7, 10)),
            (date(2026, 7, 10), "95", "close_improved", None),
        ):
            clock.move_to(at(on))
            complete(case, "Review the family plan", worker, review(attendance, outcome, on, then))
        assert timed.id
    return case


def page(client, case: Case, query: str = "") -> str:
    response = client.get(f"/cases/{case.reference}/chronology{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rows(html: str) -> list[tuple[str, str]]:
    """(kind, text) of each entry, in the order shown."""
    found = re.findall(r'<tr class="govuk-table__row" data-kind="([a-z]+)">(.*?)</tr>', html, re.S)
    return [(kind, " ".join(re.sub(r"<[^>]+>", " ", _unhidden(body)).split())) for kind, body in found]


def _unhidden(html: str) -> str:
    """The row as it looks: without the words only screen readers read."""
    return re.sub(r'<span class="govuk-visually-hidden">[^<]*</span>', "", html)


def test_the_chronology_tells_the_case_in_order_newest_first(client, people, walked) -> None:
    login(client, "practitioner@example.org")
    shown = rows(page(client, walked))
    texts = [text for _, text in shown]
    first = lambda words: next(i for i, text in enumerate(texts) if words in text)  # noqa: E731
    # Newest first: the end, the reviews, the meeting, the reassignment, the deadline, triage, referral.
    order = [
        "Referral to Early Help finished: Closed: outcomes met",
        "Team Around the Family meeting held on 27 Mar 2026",
        "Released “Allocate a lead practitioner” from Dana Lewis back to the team queue",
        "Assigned “Allocate a lead practitioner” to Dana Lewis",
        "A deadline passed: the work was escalated",
        "Seek consent from the family",
        "Triage the referral",
        "Claimed “Triage the referral”",
        "Started Referral to Early Help",
        "Referred by Sam Taylor, Attendance officer, Riverside Primary School",
    ]
    positions = [first(words) for words in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert positions[-1] == len(texts) - 1  # the referral is the oldest entry
    assert dict(shown[0:1]) == {"finished": texts[0]} and shown[-1][0] == "referral"
    triage = texts[first("Triage the referral What should happen next?")]
    assert "Offer Early Help and ask for consent" in triage  # the option's words, not its value
    assert "Priya Shah" in triage and shown[texts.index(triage)][0] == "decision"
    deadline = texts[first("A deadline passed")]
    assert "New task Timer task (Early Help) Stopped Do the work System Timer on a task" in deadline
    assert not any("Viewed" in text for text in texts)
    # A manager's reassignment and release say why.
    assert "Dana already knows the family" in texts[first("Assigned “Allocate a lead practitioner”")]
    assert "Dana is on leave this week" in texts[first("Released “Allocate a lead practitioner”")]


def test_oldest_first_turns_the_timeline_round(client, walked) -> None:
    login(client, "practitioner@example.org")
    newest = rows(page(client, walked))
    oldest = rows(page(client, walked, "?order=oldest"))
    assert oldest == list(reversed(newest))
    assert oldest[0][1].startswith("2 Mar 2026 10:00 Referral Referred by Sam Taylor")


def test_an_answer_changed_twice_shows_each_change_old_to_new(client, walked) -> None:
    login(client, "practitioner@example.org")
    shown = rows(page(client, walked, "?order=oldest"))
    reviews = [text for kind, text in shown if "Team Around the Family review held on" in text]
    assert len(reviews) == 3
    first, second, third = reviews
    # The first review's attendance is new; the date of the next review was asked at the meeting too.
    assert "Attendance since the last review (%): 91.5 →" not in first
    assert "Date of the next review: 1 May 2026 → 5 Jun 2026" in first
    assert "Attendance since the last review (%): 91.5 → 93" in second
    assert "Attendance since the last review (%): 93 → 95" in third
    outcome = "outcome of the review? Continue the plan and review it again → Close: the outcomes are met"
    assert outcome in third
    assert "Attendance since the last review (%) 95 (was 93)" in third  # and among all the answers


def test_the_filter_keeps_only_the_kinds_asked_for_and_ignores_nonsense(client, walked) -> None:
    login(client, "manager@example.org")
    html = page(client, walked, "?kind=allocation&kind=timer&kind=nonsense")
    shown = rows(html)
    assert {kind for kind, _ in shown} == {"allocation", "timer"}
    assert len([1 for kind, _ in shown if kind == "allocation"]) == 3  # claimed, assigned, released
    assert 'value="allocation" checked' in html and 'value="decision" checked' not in html
    # The order toggle keeps the filter.
    assert "kind=allocation&amp;kind=timer&amp;order=oldest" in html
    decisions = rows(page(client, walked, "?kind=decision"))
    assert decisions and {kind for kind, _ in decisions} <= {"decision", "meeting"}
    assert any("Close: the outcomes are met" in text for _, text in decisions)
    assert rows(page(client, walked, "?kind=<script>")) == rows(page(client, walked))


def test_an_outsider_gets_404_and_nothing_is_recorded(client, walked) -> None:
    before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    login(client, "medical.needs@example.org")
    assert client.get(f"/cases/{walked.reference}/chronology").status_code == 404
    assert client.get("/cases/C9999999/chronology").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == before + 1  # the sign-in


def test_reading_the_chronology_is_recorded_as_a_view_of_the_case(client, people, walked) -> None:
    login(client, "manager@example.org")
    page(client, walked, "?kind=decision")
    db.session.expire_all()
    [view] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "chronology.viewed")).all()
    assert (view.actor_id, view.case_id) == (people["manager"].id, walked.id)
    assert view.detail == f"/cases/{walked.reference}/chronology?kind=decision"
    shown = db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_id == view.id)).all()
    assert shown == [walked.id]
    # The view is in the trail, never in the chronology or the case's history.
    assert not any("Viewed" in text for _, text in rows(page(client, walked)))
    history = client.get(f"/cases/{walked.reference}").get_data(as_text=True).split('id="history"')[1]
    assert "Viewed" not in history and "Released a task" in history


def test_the_case_page_links_to_the_chronology(client, walked) -> None:
    login(client, "practitioner@example.org")
    html = client.get(f"/cases/{walked.reference}").get_data(as_text=True)
    assert f'href="/cases/{walked.reference}/chronology"' in html


def test_the_page_reads_as_many_rows_for_a_long_history_as_for_a_short_one(client, people, walked) -> None:
    """One query per source and one for the names, however many entries: no query per entry."""
    login(client, "manager@example.org")
    short = factories.refer(people["school"])
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    for case in (walked, short):  # each version's forms are read once, then kept
        page(client, case)
    sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
    try:
        counts = []
        for case in (walked, short):
            statements.clear()
            page(client, case)
            counts.append(len(statements))
    finally:
        sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows(page(client, walked))) > 5 * len(rows(page(client, short)))
    assert counts[0] == counts[1] < 25


def test_a_hand_off_and_an_incident_are_in_the_chronology_of_the_case(client, people) -> None:
    factories.publish_test_diagram(hand_off_sender(), "sender.bpmn")
    factories.publish_test_diagram(hand_off_receiver(), "receiver.bpmn")
    with time_machine.travel(T0, tick=False) as clock:
        case = factories.refer(people["school"])
        sent = instances.start_process(
            case, "sender", {"referral_date": "2026-03-02"}, people["practitioner"]
        )
        db.session.commit()
        clock.move_to(T0 + timedelta(hours=1))
        [first] = [t for t in factories.open_tasks(case) if t.instance_id == sent.id]
        complete(case, first.name, people["practitioner"], {"note": "risk has risen"})
        clock.move_to(T0 + timedelta(hours=2))
        incident = record_incident(sent.id, "The condition could not be worked out", people["practitioner"])
        clock.move_to(T0 + timedelta(hours=3))
        resolve_incident(incident, people["manager"], "Diagram corrected")
        db.session.commit()
    login(client, "manager@example.org")
    shown = rows(page(client, case, "?kind=handoff&kind=incident&kind=finished&order=oldest"))
    assert [kind for kind, _ in shown] == ["finished", "handoff", "incident", "incident"]
    finished, handed, raised, resolved = (text for _, text in shown)
    assert "Sender finished: Handed on" in finished
    assert "Sender handed the case on to Receiver Handed on because Handed on Priya Shah Receiver" in handed
    assert "A step failed The condition could not be worked out Priya Shah Sender" in raised
    assert "Incident resolved Diagram corrected Morgan Ellis Sender" in resolved
