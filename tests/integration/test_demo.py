"""The demo data a new user sees on first start: a living caseload across the processes."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import load_demo
from app.extensions import db
from app.models import Case, HumanTask, ProcessInstance, ProcessVersion, TaskState, Team
from app.timescales.status import due_status
from app.workflow.library import get_library


def test_the_demo_holds_a_living_caseload_across_every_pathway_and_loads_once(ctx) -> None:
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
    open_tasks = db.session.scalars(select(HumanTask).where(HumanTask.state == TaskState.OPEN)).all()
    assert {t.lane for t in open_tasks} == set(db.session.scalars(select(Team.lane)))  # every queue has work
    statuses = {due_status(t.due_at) for t in open_tasks if t.due_at}
    assert {"overdue", "due_soon"} <= statuses  # some late, some coming up
    assert any(t.assignee_id for t in open_tasks)  # some already claimed into someone's tasks

    assert "0 cases referred" in load_demo()  # a second run adds nothing
    assert db.session.scalar(select(func.count()).select_from(Case)) == cases
