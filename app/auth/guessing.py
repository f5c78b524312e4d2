"""Slowing down and refusing password guessing, per account and per client address.

Counts live in the database (`sign_in_throttle`), not in a process's memory, so every app
process and machine agrees on them; Flask-Limiter would need Redis or Memcached for that,
and counts requests rather than failures per account. An account is the normalised email,
known or not, so a locked unknown email answers exactly as a locked real one.

- After `signin_delay_after_failures` failures in a row, each try must wait: 5 seconds, then
  twice as long after each further failure. The worker thread never sleeps; the try is refused
  with how long to wait.
- At `signin_lock_after_failures` the account is locked for `signin_lock_minutes` (audited
  `auth.locked`; an administrator can unlock it). Once the lock passes, one more failure locks
  it again, until a sign-in succeeds or an administrator unlocks it.
- More than `signin_address_failures` failures from one address within
  `signin_window_minutes` refuse that address until the window is over.
- A successful sign-in clears the account's count; a day without failures forgets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, delete, literal, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from app import audit
from app.extensions import db, table_of
from app.models import SignInThrottle, User
from app.models._types import UTCDateTime

ACCOUNT, ADDRESS = "account", "address"
FIRST_DELAY_SECONDS = 5
FORGET_AFTER = timedelta(days=1)
_TABLE = table_of(SignInThrottle)


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is not even tried, and when to try again."""

    message: str
    retry_after: int  # seconds


def account_key(email: str) -> str:
    """How an email is counted: trimmed, lower case, at most 254 characters."""
    return email.strip().lower()[:254]


def _insert(**values: Any) -> Any:
    """INSERT … ON CONFLICT for the database in use (both dialects have it)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(_TABLE).values(**values)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _wait(seconds: float) -> str:
    if seconds < 120:
        return _plural(max(1, math.ceil(seconds)), "second")
    return _plural(math.ceil(seconds / 60), "minute")


def hold_account(key: str, now: datetime) -> None:
    """Take this account's row for the rest of the transaction, so parallel guesses at one
    account are judged one after another (PostgreSQL row lock; SQLite writes one at a time)."""
    db.session.execute(
        _insert(scope=ACCOUNT, key=key, failures=0, window_started_at=now).on_conflict_do_nothing(
            index_elements=["scope", "key"]
        )
    )
    db.session.execute(
        select(_TABLE.c.id).where(_TABLE.c.scope == ACCOUNT, _TABLE.c.key == key).with_for_update()
    )


def refusal(key: str, address: str, now: datetime) -> Refusal | None:
    """Whether a sign-in to account `key` from `address` must be refused without trying it."""
    settings = current_app.extensions["settings"]
    rows = {
        row.scope: row
        for row in db.session.scalars(
            select(SignInThrottle).where(
                tuple_(SignInThrottle.scope, SignInThrottle.key).in_([(ACCOUNT, key), (ADDRESS, address)])
            )
        )
    }
    account, place = rows.get(ACCOUNT), rows.get(ADDRESS)
    if account is not None and account.locked_until is not None and account.locked_until > now:
        return _locked(account.locked_until, now)
    window_end = place.window_started_at + timedelta(minutes=settings.signin_window_minutes) if place else now
    if place is not None and place.failures > settings.signin_address_failures and window_end > now:
        return Refusal(
            "There have been too many failed sign-ins from your network. "
            f"Wait {_wait((window_end - now).total_seconds())} before you try again",
            math.ceil((window_end - now).total_seconds()),
        )
    if account is not None and account.last_failure_at is not None:
        extra = account.failures - settings.signin_delay_after_failures
        if extra >= 0:
            # Doubling stops at the lock's length: the count keeps growing while someone guesses
            # once a lock, and an unbounded power would overflow the date arithmetic.
            delay = min(FIRST_DELAY_SECONDS * 2 ** min(extra, 32), settings.signin_lock_minutes * 60)
            wait_until = account.last_failure_at + timedelta(seconds=delay)
            if wait_until > now:
                seconds = (wait_until - now).total_seconds()
                return Refusal(f"Wait {_wait(seconds)} before you try again", math.ceil(seconds))
    return None


def _locked(until: datetime, now: datetime) -> Refusal:
    seconds = (until - now).total_seconds()
    return Refusal(
        f"You have tried to sign in too many times. Wait {_wait(seconds)} before you try again, "
        "or ask an administrator to unlock your account",
        math.ceil(seconds),
    )


def record_failure(key: str, address: str, user: User | None, now: datetime) -> Refusal | None:
    """Count a failed sign-in against the account (held by `hold_account`) and the address.

    Returns the lock's refusal if this failure locked the account (audited `auth.locked`).
    """
    settings = current_app.extensions["settings"]
    account = db.session.scalars(
        select(SignInThrottle).where(SignInThrottle.scope == ACCOUNT, SignInThrottle.key == key)
    ).one()
    account.failures += 1
    account.last_failure_at = now
    locked = None
    if account.failures >= settings.signin_lock_after_failures:
        account.locked_until = now + timedelta(minutes=settings.signin_lock_minutes)
        audit.record("auth.locked", user, detail=key, after={"failures": account.failures})
        locked = _locked(account.locked_until, now)
    _count_address_failure(address, now, timedelta(minutes=settings.signin_window_minutes))
    db.session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.last_failure_at < now - FORGET_AFTER,
            or_(SignInThrottle.locked_until.is_(None), SignInThrottle.locked_until < now),
        )
    )
    db.session.flush()
    return locked


def _count_address_failure(address: str, now: datetime, window: timedelta) -> None:
    # One statement, so failures from many processes at once all count.
    stamp = literal(now, UTCDateTime())
    expired = _TABLE.c.window_started_at < literal(now - window, UTCDateTime())
    db.session.execute(
        _insert(
            scope=ADDRESS, key=address[:254], failures=1, window_started_at=now, last_failure_at=now
        ).on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={
                "failures": case((expired, 1), else_=_TABLE.c.failures + 1),
                "window_started_at": case((expired, stamp), else_=_TABLE.c.window_started_at),
                "last_failure_at": stamp,
            },
        )
    )


def clear_account(key: str) -> None:
    """A successful sign-in: the account's count starts again."""
    db.session.execute(
        delete(SignInThrottle).where(SignInThrottle.scope == ACCOUNT, SignInThrottle.key == key)
    )


def unlock(key: str, now: datetime) -> bool:
    """Lift a lock and forget the account's failures; True if it was locked."""
    was_locked = key in locked_accounts([key], now)
    clear_account(key)
    return was_locked


def locked_accounts(keys: list[str], now: datetime) -> dict[str, datetime]:
    """Of these accounts, the ones locked now, with when their lock ends."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(SignInThrottle.key, SignInThrottle.locked_until).where(
            and_(
                SignInThrottle.scope == ACCOUNT,
                SignInThrottle.key.in_(keys),
                SignInThrottle.locked_until > now,
            )
        )
    )
    return {key: until for key, until in rows if until is not None}
