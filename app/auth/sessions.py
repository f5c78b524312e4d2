"""Signed-in sessions kept on the server.

Signing in makes a `user_session` row with a fresh random id (so no session fixation); the
signed cookie carries the id and the table keeps only its hash. Every request's user loader
checks the row: ended (signed out, password changed, deactivated), idle too long, or open too
long, and the person is signed out with the reason noted for the sign-in page. Signing out
ends the row, so a copied cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from flask_login import current_user, login_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import User, UserSession

# Keys in Flask's signed session cookie.
SESSION_KEY = "sid"
ENDED_KEY = "signed_out_because"
# last_seen_at is written at most this often, so a request is not a write each time; the idle
# limit is therefore kept to within this much.
TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def start_session(user: User, now: datetime | None = None) -> str:
    """Open a new session for `user` and return its id (for the cookie; only a hash is kept).

    Also notes the sign-in time and drops the user's sessions older than the absolute limit.
    """
    now = now or datetime.now(UTC)
    settings = current_app.extensions["settings"]
    oldest = now - timedelta(hours=settings.session_absolute_hours)
    # Sessions past the absolute limit are over whatever else happened; ended ones younger than
    # that are kept so another browser of theirs can still be told why it was signed out.
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < oldest)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token), created_at=now, last_seen_at=now))
    user.last_signed_in_at = now
    db.session.flush()
    return token


def open_in_browser(user: User, token: str) -> None:
    """Put a new session into this browser's cookie, ending the session it held before (a
    sign-in always starts a fresh id: a session id planted or copied earlier opens nothing)."""
    previous = current_token()
    if previous is not None and previous != token:
        end_session(previous, "signed_out")
    session.clear()
    login_user(user, remember=False)
    session[SESSION_KEY] = token


def forget_browser() -> None:
    """Empty this browser's cookie (after signing out)."""
    session.clear()


def end_session(token: str | None, reason: str) -> None:
    """End the session with this id, if it is open."""
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=datetime.now(UTC), end_reason=reason)
        )


def end_all_sessions(user: User, reason: str) -> int:
    """End every open session of `user` (password changed or reset, account deactivated);
    returns how many were open."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC), end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def current_token() -> str | None:
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this browser's session, if the session is open,
    not idle for longer than `session_idle_minutes` and not older than `session_absolute_hours`.

    Otherwise the session is ended, the cookie forgets it, and the reason is kept for the
    sign-in page. API tokens never come through here.
    """
    token = current_token()
    if token is None or not str(user_id).isdigit():
        _forget(None)
        return None
    row = (
        db.session.execute(
            select(UserSession)
            .options(joinedload(UserSession.user).joinedload(User.teams))
            .where(UserSession.token_hash == _digest(token))
        )
        .unique()
        .scalar_one_or_none()
    )
    if row is None or row.user_id != int(user_id):
        _forget(None)
        return None
    now = datetime.now(UTC)
    reason = row.end_reason if row.ended_at is not None else _expiry(row, now)
    if not reason and not row.user.active:
        reason = "deactivated"
    if reason:
        if row.ended_at is None:
            row.ended_at, row.end_reason = now, reason
        _forget(reason)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user


def _expiry(row: UserSession, now: datetime) -> str:
    settings = current_app.extensions["settings"]
    if now - row.created_at > timedelta(hours=settings.session_absolute_hours):
        return "expired"
    if now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    return ""


def _forget(reason: str | None) -> None:
    for key in (SESSION_KEY, "_user_id", "_fresh", "_id"):
        session.pop(key, None)
    if reason and reason != "signed_out":
        session[ENDED_KEY] = reason


def take_signed_out_message() -> str | None:
    """Why this browser's last session ended, once, for the sign-in page (None if it did not
    end on its own or was signed out on purpose)."""
    _ = current_user.is_authenticated  # runs the session check, which notes a reason
    reason = session.pop(ENDED_KEY, None)
    return signed_out_message(reason) if isinstance(reason, str) else None


def ended_by_itself() -> bool:
    """True while the cookie holds the reason a session just ended (so 'Sign in to continue'
    is not said as well)."""
    return ENDED_KEY in session


def signed_out_message(reason: str) -> str | None:
    settings = current_app.extensions["settings"]
    idle = _plural(settings.session_idle_minutes, "minute")
    return {
        "idle": f"You were signed out because you did nothing for {idle}",
        "expired": "You were signed out because you had been signed in for "
        f"{_plural(settings.session_absolute_hours, 'hour')}",
        "password_changed": "You were signed out because your password was changed",
        "password_reset": "You were signed out because an administrator reset your password",
        "deactivated": "You were signed out because your account was deactivated",
    }.get(reason)
