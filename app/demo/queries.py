"""What the demo reads back while it builds cases: the one module of the package that queries.

The demo writes only through the product's services; these reads find the task a service just
opened so the next step can complete it.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case, HumanTask, TaskState, Team


def open_tasks(case: Case) -> list[HumanTask]:
    """The case's open tasks, in whatever order the database returns them."""
    return list(
        db.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
        )
    )


def open_task(case: Case, form_key: str | None = None) -> HumanTask | None:
    """An open task of the case (the one with `form_key`, if given), or None."""
    query = select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskState.OPEN)
    if form_key is not None:
        query = query.where(HumanTask.form_key == form_key)
    return db.session.scalar(query)


def teams_by_name() -> dict[str, Team]:
    """Every team, by name."""
    return {team.name: team for team in db.session.scalars(select(Team))}


def has_cases() -> bool:
    """Whether any case exists (the demo caseload is made once, on an empty database)."""
    return db.session.scalar(select(Case.id).limit(1)) is not None
