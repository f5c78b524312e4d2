"""What an administrator (or the command line) does to people's accounts. Every change is
audited with the account before and after; never a password or its hash.

`actor` is the administrator, or None from the command line (its own edge, with no user).
In the pages there is always an active administrator and nobody can lock themselves out; the
command line may do either, as it is how a new installation replaces the demo accounts and
how an operator recovers when no administrator can sign in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth import guessing, sessions
from app.auth.services import find_user_by_email, set_password, set_temporary_password
from app.extensions import db
from app.models import Role, Team, User
from app.transactions import Refusal

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COMMAND_LINE = "from the command line"


class AccountProblem(Refusal):
    """A change an administrator asked for that cannot be made; `field` is the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class AccountRow:
    user: User
    locked_until: datetime | None


def _record(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "teams": sorted(t.name for t in user.teams),
        "active": user.active,
    }


def _detail(user: User, actor: User | None) -> str:
    return user.email if actor is not None else f"{user.email} ({COMMAND_LINE})"


def _audit(action: str, user: User, actor: User | None, before: dict[str, Any] | None) -> None:
    audit.record(action, actor, before=before, after=_record(user), detail=_detail(user, actor))


def list_accounts() -> list[AccountRow]:
    """Everyone, active first then by name, with any sign-in lock in force now."""
    users = list(
        db.session.scalars(
            select(User).options(selectinload(User.teams)).order_by(User.active.desc(), User.name, User.email)
        )
    )
    locks = guessing.locked_accounts([guessing.account_key(u.email) for u in users], datetime.now(UTC))
    return [AccountRow(u, locks.get(guessing.account_key(u.email))) for u in users]


def find_account(user_id: int) -> AccountRow | None:
    user = db.session.get(User, user_id)
    if user is None:
        return None
    key = guessing.account_key(user.email)
    return AccountRow(user, guessing.locked_accounts([key], datetime.now(UTC)).get(key))


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def _teams(team_ids: list[int]) -> list[Team]:
    teams = list(db.session.scalars(select(Team).where(Team.id.in_(team_ids)))) if team_ids else []
    if len(teams) != len(set(team_ids)):
        raise AccountProblem("teams", "Select teams from the list")
    return teams


def _other_active_admins(user: User) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.active, User.id != user.id)
        )
        or 0
    )


def create_account(
    email: str, name: str, role: Role, team_ids: list[int], actor: User | None
) -> tuple[User, str]:
    """A new active account and its one-time temporary password (the person must choose their
    own at first sign-in). Raises AccountProblem for a malformed or taken email."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountProblem("email", "Enter an email address in the correct format, like name@example.org")
    if find_user_by_email(email) is not None:
        raise AccountProblem("email", "There is already an account with this email address")
    # "!" matches no argon2 hash; the temporary password replaces it just below.
    user = User(email=email, name=name.strip(), role=role, password_hash="!")  # noqa: S106
    user.teams = _teams(team_ids)
    db.session.add(user)
    db.session.flush()
    temporary = set_temporary_password(user)
    _audit("account.created", user, actor, None)
    return user, temporary


def change_account(user: User, name: str, role: Role, team_ids: list[int], actor: User | None) -> bool:
    """Change the name, role and teams; False if nothing changed. An administrator cannot take
    away their own role, and there is always an active administrator."""
    before = _record(user)
    if role != user.role and user.role == Role.ADMIN and actor is not None:
        if actor.id == user.id:
            raise AccountProblem("role", "You cannot change your own role. Ask another administrator")
        if user.active and _other_active_admins(user) == 0:
            raise AccountProblem("role", "There must be at least one active administrator")
    user.name, user.role, user.teams = name.strip(), role, _teams(team_ids)
    db.session.flush()
    after = _record(user)
    if after == before:
        return False
    _audit("account.changed", user, actor, before)
    return True


def deactivate(user: User, actor: User | None) -> None:
    """The person can no longer sign in or use API tokens, and is signed out everywhere now."""
    if not user.active:
        return
    if actor is not None and actor.id == user.id:
        raise AccountProblem("account", "You cannot deactivate your own account")
    if actor is not None and user.role == Role.ADMIN and _other_active_admins(user) == 0:
        raise AccountProblem("account", "There must be at least one active administrator")
    before = _record(user)
    user.active = False
    sessions.end_all_sessions(user, "deactivated")
    db.session.flush()
    audit.record(
        "account.deactivated", actor, before=before, after=_record(user), detail=_detail(user, actor)
    )


def reactivate(user: User, actor: User | None) -> None:
    """The person can sign in again with their password."""
    if user.active:
        return
    before = _record(user)
    user.active = True
    db.session.flush()
    audit.record(
        "account.reactivated", actor, before=before, after=_record(user), detail=_detail(user, actor)
    )


def reset_password(user: User, actor: User | None) -> str:
    """A new one-time temporary password, returned to show once. The person is signed out
    everywhere and must choose their own password at next sign-in."""
    temporary = set_temporary_password(user)
    audit.record(
        "account.password_reset",
        actor,
        before={"must_change_password": False},
        after={"must_change_password": True},
        detail=_detail(user, actor),
    )
    return temporary


def set_password_from_command_line(user: User, password: str, *, temporary: bool) -> None:
    """An operator sets the password (checked against the rules); the person is signed out
    everywhere and, if `temporary`, must choose their own at next sign-in."""
    set_password(user, password, reason="password_reset", must_change=temporary)
    audit.record(
        "account.password_set", None, after={"must_change_password": temporary}, detail=_detail(user, None)
    )


def unlock(user: User, actor: User | None) -> bool:
    """Lift a lock from too many failed sign-ins now; False if it was not locked."""
    was_locked = guessing.unlock(guessing.account_key(user.email), datetime.now(UTC))
    if was_locked:
        audit.record("auth.unlocked", actor, detail=_detail(user, actor))
    return was_locked
