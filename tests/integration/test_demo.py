"""The demo data a new user sees on first start: a living caseload across the processes, with a
history of months behind it, read back as a manager's figures would read it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.demo import load_demo
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    HumanTask,
    Incident,
    Meeting,
    ProcessInstance,
    ProcessVersion,
    TaskState,
    Team,
)
from app.timescales.status import due_status
from app.timescales.working_days import as_date, working_days_between
from app.workflow.library import get_library

CENSUS_BANDS = [(0, 0), (1, 10), (11, 20), (21, 30), (31, 40), (41, 45), (46, 50), (51, 60), (61, 10_000)]


def _band(days: int) -> tuple[int, int]:
    return next(band for band in CENSUS_BANDS if band[0] <= days <= band[1])


def _completed(form_key: str) -> list[HumanTask]:
    return list(
        db.session.scalars(
            select(HumanTask).where(HumanTask.form_key == form_key, HumanTask.state == TaskState.COMPLETED)
        )
    )


def test_the_demo_holds_a_living_caseload_with_months_of_history_and_loads_once(ctx) -> None:
    started = datetime.now(UTC)
    summary = load_demo()
    db.session.commit()
    cases = db.session.scalar(select(func.count()).select_from(Case))
    assert cases >= 40 and f"{cases} cases referred" in summary
    running = dict(
        db.session.execute(
            select(ProcessVersion.process_id, func.count())
            .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
            .group_by(ProcessVersion.process_id)
        ).all()
    )
    assert running["referral_to_early_help"] >= 30
    assert running.keys() == set(get_library().shipped)  # every process has cases on it
    tasks = db.session.scalars(select(HumanTask)).all()
    open_tasks = [t for t in tasks if t.state == TaskState.OPEN]
    assert {t.lane for t in open_tasks} == set(db.session.scalars(select(Team.lane)))  # every queue has work
    statuses = Counter(due_status(t.due_at) for t in open_tasks if t.due_at)
    assert statuses["overdue"] >= 10 and statuses["due_soon"] >= 1  # some late, some coming up
    holders = Counter(t.assignee_id for t in open_tasks if t.assignee_id)
    assert len(holders) >= 3 and max(holders.values()) >= 3 * min(holders.values())  # heavier caseloads

    # A history of months: referrals over half a year, work opened weeks ago, some waiting unheld.
    referred = db.session.scalars(select(Case.referral_date)).all()
    assert (max(referred) - min(referred)).days >= 150
    three_weeks_ago = started - timedelta(weeks=3)
    assert sum(t.created_at < three_weeks_ago for t in open_tasks) >= 10
    assert sum(t.assignee_id is None and t.created_at < started - timedelta(days=14) for t in open_tasks) >= 5
    # ...and nothing recorded after now, nothing done before it was asked for.
    assert all(t.created_at <= started for t in tasks)
    assert all(t.completed_at is None or t.created_at <= t.completed_at <= started for t in tasks)
    assert db.session.scalar(select(func.max(AuditEvent.at))) <= started
    first_task = db.session.scalar(select(func.min(HumanTask.created_at)))
    assert first_task is not None and first_task < started - timedelta(days=150)

    # Timers fired as the scheduler would have: none is left due, and passed deadlines escalated.
    assert not db.session.scalar(
        select(func.count()).select_from(ProcessInstance).where(ProcessInstance.next_timer_at <= started)
    )
    late = [t for t in tasks if t.name == "Record why the assessment is late"]
    assert any(t.state == TaskState.OPEN for t in late) and any(t.state == TaskState.COMPLETED for t in late)

    # Assessments authorised in every census band, counted from the referral to the authorisation,
    # and some still open past their 45 working days.
    authorised = _completed("cas.authorise")
    days = [working_days_between(t.case.referral_date, as_date(t.completed_at)) for t in authorised]
    assert {_band(d) for d in days} == set(CENSUS_BANDS)
    assert 0.5 < sum(d <= 45 for d in days) / len(days) < 1
    open_assessments = [t for t in open_tasks if t.form_key == "cas.assessment"]
    assert any(working_days_between(t.case.referral_date, started) > 45 for t in open_assessments)

    # Initial conferences within 15 working days of the strategy discussion, and after them.
    discussions = _completed("cpe.strategy_discussion")
    strategy = {t.instance_id: t.data["strategy_discussion_date"] for t in discussions}
    conference_days = [
        working_days_between(strategy[t.instance_id], t.data["icpc_date"]) for t in _completed("cpe.icpc")
    ]
    assert sum(d <= 15 for d in conference_days) >= 2 and sum(d > 15 for d in conference_days) >= 2
    # Core groups and review conferences held, on time and late.
    meetings = Counter(db.session.scalars(select(Meeting.kind)))
    assert meetings["core_group"] >= 10 and meetings["cp_review_conference"] >= 2
    core_groups = [t for t in _completed("cp.core_group") if t.due_at and t.completed_at]
    assert any(t.completed_at <= t.due_at for t in core_groups)  # held by the date it was due
    assert any(t.completed_at > t.due_at for t in core_groups)  # and late

    # Families waiting on consent for Early Help, some for weeks.
    consent = [t for t in open_tasks if t.form_key == "referral.consent"]
    assert len(consent) >= 3 and any(t.created_at < started - timedelta(days=14) for t in consent)

    # A few incidents on real instances, some resolved.
    incidents = db.session.scalars(select(Incident)).all()
    assert len(incidents) >= 3
    assert any(i.resolved_at for i in incidents) and any(i.resolved_at is None for i in incidents)
    assert all(i.instance_id and i.created_at < started for i in incidents)

    counts = {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (Case, HumanTask, ProcessInstance, AuditEvent, Incident, Meeting)
    }
    assert "0 cases referred" in load_demo()  # a second run adds nothing
    db.session.commit()
    counts_again = {model: db.session.scalar(select(func.count()).select_from(model)) for model in counts}
    assert counts_again == counts
