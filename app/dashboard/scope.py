"""Whose work a dashboard reads: the teams a manager belongs to (or one of them), or for an
administrator every team (or one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true

from app.extensions import db
from app.models import HumanTask, Role, Team, User


@dataclass(frozen=True)
class Scope:
    teams: tuple[Team, ...]  # the teams shown, by name
    team_ids: tuple[int, ...] | None  # None: every team and work in no team's queue (administrators)
    chosen: int | None  # the team chosen on the page, if one

    def condition(self, column: ColumnElement[int | None] | None = None) -> ColumnElement[bool]:
        """SQL: the task (or a row carrying a team id) is in scope."""
        col = HumanTask.team_id if column is None else column
        if self.team_ids is None:
            return true()
        return col.in_(self.team_ids)


def teams_to_choose(user: User) -> list[Team]:
    """The teams a user may read the dashboard for, by name."""
    if user.role == Role.ADMIN:
        return list(db.session.scalars(select(Team).order_by(Team.name)))
    return sorted(user.teams, key=lambda t: t.name)


def scope_for(user: User, team_id: int | None) -> Scope:
    """The user's teams, narrowed to `team_id` if it is one of them (another id is ignored)."""
    teams = teams_to_choose(user)
    chosen = next((t for t in teams if t.id == team_id), None)
    if chosen is not None:
        return Scope((chosen,), (chosen.id,), chosen.id)
    if user.role == Role.ADMIN:
        return Scope(tuple(teams), None, None)
    return Scope(tuple(teams), tuple(t.id for t in teams), None)
