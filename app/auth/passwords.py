"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.auth.password_rules import normalise

_hasher = PasswordHasher()
# Hashes to verify against when the email is unknown, so both paths take the same time: one
# per hasher, made with that hasher's cost.
_dummies: dict[int, str] = {}


def _dummy() -> str:
    if id(_hasher) not in _dummies:
        _dummies[id(_hasher)] = _hasher.hash("not-a-real-password")
    return _dummies[id(_hasher)]


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy(), normalise(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
