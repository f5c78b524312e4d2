"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.auth.password_rules import normalise

_hasher = PasswordHasher()
# A hash to verify against when the email is unknown, so both paths take the same time.
_DUMMY = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY, normalise(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
