"""Signed-in sessions kept on the server, and the counts that slow down password guessing."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models._types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.people import User


class UserSession(Model):
    """One browser's signed-in session. The cookie carries a random id; only its hash is kept,
    so a copy of this table opens no session. A row is ended, never reused: signing in again
    makes a new one."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Written at most about once a minute, so a request is not a write each time.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # signed_out, idle, expired, password_changed, password_reset, deactivated
    end_reason: Mapped[str] = mapped_column(String(20), default="")

    user: Mapped[User] = relationship()


class SignInThrottle(Model):
    """Failed sign-ins counted per account (the normalised email, known or not, so the answers
    do not reveal which accounts exist) and per client address. In the database, so every app
    process sees the same counts."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(254))
    failures: Mapped[int] = mapped_column(default=0)
    # For an address: when its current counting window began.
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
