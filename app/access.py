"""Who may use which route, and who may see which case.

Every view declares its rule with one of these decorators; a guardrail test checks
that no route is left without one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db, login_manager
from app.models import Case, HumanTask, Role, User

V = TypeVar("V", bound=Callable[..., Any])
ALL_ROLES = tuple(Role)


def public(view: V) -> V:
    """Anyone may use this route, signed in or not."""
    view.__access__ = "public"  # type: ignore[attr-defined]  # a function takes attributes; the guardrail test reads this
    return view


def roles(*allowed: Role) -> Callable[[V], V]:
    """Signed-in users holding one of the roles may use this route."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.__access__ = tuple(allowed)  # type: ignore[attr-defined]  # read by the guardrail test
        return cast(V, wrapper)

    return decorate


signed_in = roles(*ALL_ROLES)
# Who revises processes: drafts, checks, tests, publishing, moving running cases (pages and API).
process_owners = roles(Role.PROCESS_OWNER, Role.ADMIN)


def me() -> User:
    """The signed-in user (for code that already passed an access decorator)."""
    return cast(User, current_user._get_current_object())


def case_visibility(user: User) -> ColumnElement[bool]:
    """SQL condition: the cases this user may see.

    Administrators see every case. Others see a case they referred, or one with a task
    in one of their teams' queues, or a task assigned to or completed by them.
    """
    if user.role == Role.ADMIN:
        return cast(ColumnElement[bool], Case.id.is_not(None))
    team_ids = user.team_ids
    involved = exists(
        select(HumanTask.id).where(
            HumanTask.case_id == Case.id,
            or_(
                HumanTask.team_id.in_(team_ids) if team_ids else False,
                HumanTask.assignee_id == user.id,
                HumanTask.completed_by_id == user.id,
            ),
        )
    )
    return or_(Case.created_by_id == user.id, involved)


def can_see_case(user: User, case: Case) -> bool:
    return bool(db.session.scalar(select(exists().where(Case.id == case.id, case_visibility(user)))))


def holds_required_role(user: User, task: HumanTask) -> bool:
    """The diagram may reserve a task for a role (a manager's authorisation); admins always may."""
    return not task.required_role or user.role in (task.required_role, Role.ADMIN)


def can_work_task(user: User, task: HumanTask) -> bool:
    """Work a task: it is in one of the user's teams' queues, or assigned to them, and the
    user holds any role the diagram requires for it."""
    if not holds_required_role(user, task):
        return False
    if task.assignee_id == user.id:
        return True
    return task.team_id is not None and task.team_id in user.team_ids


def can_manage_task(user: User, task: HumanTask) -> bool:
    """Assign or reassign: managers of the task's team, and administrators."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.MANAGER and task.team_id in user.team_ids
