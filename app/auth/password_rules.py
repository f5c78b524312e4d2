"""What a new password must be: NCSC guidance and OWASP ASVS 2.1.

Length over complexity: at least `password_min_length` characters (12 by default), up to
MAX_LENGTH, any characters at all (spaces, accents, emoji), no rules about mixing kinds of
character, nothing cut off. Refused if it is common or easy to guess, or contains the person's
email name. "Easy to guess" is zxcvbn's estimate (Dropbox's password strength estimator, as
the `zxcvbn` package): it matches against the 30,000 most common passwords and common words
and names, and sees keyboard runs, repeats, sequences and dates, all from lists it ships, so
nothing is fetched at run time.
"""

from __future__ import annotations

import re
import unicodedata

from zxcvbn import zxcvbn

MAX_LENGTH = 256
# zxcvbn's score 3: at least 10^8 guesses, "safely unguessable" against an online attack and
# moderate protection if the hashes ever leak (each guess costs an argon2id hash).
_MIN_SCORE = 3
# zxcvbn slows down on long input; a password of more than this is not guessable anyway.
_ZXCVBN_LENGTH = 64


def normalise(password: str) -> str:
    """The form a password is hashed in: Unicode NFKC, so the same password typed on
    different devices (composed or decomposed accents) is the same password."""
    return unicodedata.normalize("NFKC", password)


def email_names(email: str) -> list[str]:
    """The parts of an email's name (before the @) long enough to matter: 'chris.okafor' gives
    'chris.okafor', 'chris' and 'okafor'."""
    local = email.strip().lower().split("@", 1)[0]
    parts = [p for p in re.split(r"[._+\-]", local) if len(p) >= 4]
    return [local, *parts] if len(local) >= 3 else parts


def password_problem(password: str, *, email: str, min_length: int) -> str | None:
    """Why this password may not be used, as a message for the person choosing it, or None.

    `email` is the account's email address; `min_length` the configured minimum.
    """
    password = normalise(password)
    if not password:
        return "Enter a new password"
    if len(password) < min_length:
        return f"Your password must be {min_length} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Your password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if any(name in lowered for name in email_names(email)):
        return "Your password must not contain your email address or the name in it"
    if zxcvbn(password[:_ZXCVBN_LENGTH], user_inputs=email_names(email))["score"] < _MIN_SCORE:
        return "Your password is too common or too easy to guess. Try 3 random words"
    return None
