"""Signing in and out, passwords, people and teams, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select

from app import audit
from app.auth import guessing, sessions
from app.auth.password_rules import password_problem
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.models import ApiToken, Role, Team, User
from app.transactions import Refusal

# The accounts `flask seed-demo` makes (app/demo/people.py USERS; a test keeps the two lists equal).
# Their emails and password are public, so production refuses to start while any is active.
DEMO_EMAILS = frozenset(
    {
        "practitioner@example.org",
        "manager@example.org",
        "owner@example.org",
        "admin@example.org",
        "school@example.org",
        "social.worker@example.org",
        "attendance.officer@example.org",
        "family.worker@example.org",
        "medical.needs@example.org",
        "solicitor@example.org",
        "cp.chair@example.org",
    }
)
DEMO_PASSWORD = "demo"  # noqa: S105 - refused for every account in production
NOT_RIGHT = "The email address or password is not right"


class SignInFailed(Exception):
    """The credentials were wrong (counted and audited; the response should be committed)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignInRefused(Refusal):
    """The sign-in was not even tried: too many failures. Nothing was written."""

    def __init__(self, refusal: guessing.Refusal) -> None:
        super().__init__(refusal.message)
        self.message, self.retry_after = refusal.message, refusal.retry_after


class PasswordRefused(Exception):
    """A new password breaks the rules, or the current password given is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


def _password_is_right(user: User | None, password: str) -> bool:
    """Checks the hash (against a dummy for an unknown email, so both take as long); in
    production the demo password is wrong for every account."""
    if current_app.extensions["settings"].is_production and password == DEMO_PASSWORD:
        return False
    return verify_password(user.password_hash if user else None, password) and user is not None


def sign_in(email: str, password: str, address: str) -> tuple[User, str]:
    """Check the credentials and open a session; returns the user and the session id for the
    cookie. Audited either way.

    Raises SignInRefused (nothing tried: wait, or locked) or SignInFailed (wrong, unknown or
    deactivated; the failure is counted and may lock the account).
    """
    key, now = guessing.account_key(email), datetime.now(UTC)
    guessing.hold_account(key, now)
    refused = guessing.refusal(key, address, now)
    if refused is not None:
        raise SignInRefused(refused)
    user = find_user_by_email(key)
    if not _password_is_right(user, password) or user is None or not user.active:
        audit.record("auth.failed", user, detail=key)
        locked = guessing.record_failure(key, address, user, now)
        raise SignInFailed(locked.message if locked else NOT_RIGHT)
    guessing.clear_account(key)
    audit.record("auth.signed_in", user)
    return user, sessions.start_session(user, now)


def sign_out(user: User, token: str | None) -> None:
    """End this browser's session (a copy of its cookie no longer works either)."""
    sessions.end_session(token, "signed_out")
    audit.record("auth.signed_out", user)


def check_new_password(user: User, password: str) -> None:
    """Raise PasswordRefused (field "new_password") if `password` breaks the rules for `user`."""
    problem = password_problem(
        password, email=user.email, min_length=current_app.extensions["settings"].password_min_length
    )
    if problem:
        raise PasswordRefused("new_password", problem)


def set_password(user: User, password: str, *, reason: str, must_change: bool = False) -> None:
    """Give `user` a new password (checked against the rules) and end all their sessions.

    `reason` is why the sessions end (password_changed, password_reset); `must_change` sends
    them to "Change your password" at their next sign-in. The caller audits.
    """
    check_new_password(user, password)
    _store_password(user, password, reason=reason, must_change=must_change)


def _store_password(user: User, password: str, *, reason: str, must_change: bool) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = datetime.now(UTC)
    user.must_change_password = must_change
    sessions.end_all_sessions(user, reason)
    db.session.flush()


def set_temporary_password(user: User) -> str:
    """Give `user` a random one-time password and return it (shown once, never stored in
    plain): they must choose their own at next sign-in. Ends all their sessions."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    temporary = "-".join(groups)
    _store_password(user, temporary, reason="password_reset", must_change=True)
    return temporary


def change_own_password(user: User, current: str, new: str, address: str) -> str:
    """The signed-in user changes their password; returns the id of a new session for this
    browser (all their other sessions end).

    A wrong current password counts as a failed sign-in (so a stolen session cannot be used to
    guess it) and raises PasswordRefused("current_password", ...); so do the rules.
    """
    key, now = guessing.account_key(user.email), datetime.now(UTC)
    guessing.hold_account(key, now)
    refused = guessing.refusal(key, address, now)
    if refused is not None:
        raise PasswordRefused("current_password", refused.message)
    if not verify_password(user.password_hash, current):
        audit.record("auth.failed", user, detail=f"{key} (changing their password)")
        locked = guessing.record_failure(key, address, user, now)
        message = locked.message if locked else "Your current password is not right"
        raise PasswordRefused("current_password", message)
    if current == new:
        raise PasswordRefused("new_password", "Your new password must be different from your current one")
    set_password(user, new, reason="password_changed")
    audit.record("auth.password_changed", user)
    return sessions.start_session(user)


def create_team(name: str, lane: str, description: str = "") -> Team:
    team = Team(name=name, lane=lane, description=description)
    db.session.add(team)
    db.session.flush()
    return team


def create_user(email: str, name: str, password: str, role: Role, teams: list[Team]) -> User:
    """A new account with this password (not checked against the rules: the demo loader and
    the tests use it; people-facing paths check first)."""
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password), role=role)
    user.teams = list(teams)
    db.session.add(user)
    db.session.flush()
    return user


def _token_digest(token: str) -> str:
    """How an API token is stored and looked up: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(user: User, label: str = "") -> str:
    """Create a token for the user and return it; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token), label=label))
    audit.record("api_token.created", user, detail=label)
    db.session.flush()
    return token


def find_user_by_api_token(token: str) -> User | None:
    """The active user whose unrevoked API token this is, or None. Records when it was last used."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = datetime.now(UTC)
    return row.user


def revoke_api_tokens(user: User) -> int:
    """Revoke every live token of `user`; returns how many. Audited."""
    tokens = list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    )
    for token in tokens:
        token.revoked_at = datetime.now(UTC)
    audit.record("api_token.revoked", user, after={"revoked": len(tokens)})
    db.session.flush()
    return len(tokens)


def active_demo_accounts() -> list[str]:
    """The demo accounts that are still active (production refuses to start while any is)."""
    demo = select(User.email).where(func.lower(User.email).in_(DEMO_EMAILS), User.active)
    return list(db.session.scalars(demo.order_by(User.email)))
