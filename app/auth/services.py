"""Signing in, people and teams, API tokens."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select

from app import audit
from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.models import ApiToken, Role, Team, User
from app.web import token_digest

DEMO_EMAILS = frozenset(
    {"practitioner@example.org", "manager@example.org", "owner@example.org", "admin@example.org"}
)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError(user_id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the attempt is audited either way."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        audit.record("auth.failed", user, detail=email.strip().lower()[:254])
        return None
    audit.record("auth.signed_in", user)
    return user


def create_team(name: str, lane: str, description: str = "") -> Team:
    team = Team(name=name, lane=lane, description=description)
    db.session.add(team)
    db.session.flush()
    return team


def create_user(email: str, name: str, password: str, role: Role, teams: list[Team]) -> User:
    user = User(email=email.strip().lower(), name=name, password_hash=hash_password(password), role=role)
    user.teams = list(teams)
    db.session.add(user)
    db.session.flush()
    return user


def create_api_token(user: User, label: str = "") -> str:
    """Create a token for the user and return it; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), label=label))
    audit.record("api_token.created", user, detail=label)
    db.session.flush()
    return token


def revoke_api_tokens(user: User) -> int:
    tokens = list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    )
    for token in tokens:
        token.revoked_at = datetime.now(UTC)
    return len(tokens)


def demo_users_present() -> bool:
    """True if any demo account still has the demo password (refused in production)."""
    for user in db.session.scalars(select(User).where(User.email.in_(DEMO_EMAILS))):
        if verify_password(user.password_hash, "demo"):
            return True
    return False
