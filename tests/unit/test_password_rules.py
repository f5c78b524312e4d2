"""The rules a new password must meet (NCSC guidance, ASVS 2.1): length over complexity."""

from __future__ import annotations

import pytest

from app.auth.password_rules import MAX_LENGTH, password_problem
from app.auth.passwords import hash_password, verify_password

EMAIL = "chris.okafor@example.org"


def problem(password: str, min_length: int = 12) -> str | None:
    return password_problem(password, email=EMAIL, min_length=min_length)


@pytest.mark.parametrize(
    "password",
    [
        "walrus mango teapot",  # three random words, no capitals or symbols needed
        "blue-kettle-river",
        "ça fait très longtemps",  # accents
        "🦊🦉🐢 forest picnic",  # emoji
        "x7#Qm!r2&Lp9",  # exactly 12 random characters
        "z" * 3 + "correct horse battery staple " * 8,  # long, up to the limit
    ],
)
def test_long_or_random_passwords_of_any_characters_are_accepted(password: str) -> None:
    assert problem(password[:MAX_LENGTH]) is None


def test_a_short_password_is_refused_with_the_minimum_in_the_message() -> None:
    assert problem("x7#Qm!r2&Lp") == "Your password must be 12 characters or more"
    assert problem("x7#Qm!r2&Lp9wq", min_length=15) == "Your password must be 15 characters or more"
    assert problem("") == "Enter a new password"


def test_a_password_longer_than_the_limit_is_refused_and_one_at_the_limit_is_not() -> None:
    words = "correct horse battery staple "
    assert MAX_LENGTH >= 64
    at_limit = (words * 20)[:MAX_LENGTH]
    assert problem(at_limit) is None
    assert problem(at_limit + "x") == f"Your password must be {MAX_LENGTH} characters or fewer"


@pytest.mark.parametrize(
    "password",
    ["password1234", "qwertyuiop12", "123456789012", "aaaaaaaaaaaa", "iloveyou2024", "Liverpool2024!"],
)
def test_common_and_easily_guessed_passwords_are_refused(password: str) -> None:
    assert problem(password) == "Your password is too common or too easy to guess. Try 3 random words"


@pytest.mark.parametrize("password", ["chris.okafor-2026!", "my name is Okafor ok", "CHRISTMAS chris rules"])
def test_a_password_holding_the_email_name_is_refused(password: str) -> None:
    assert problem(password) == "Your password must not contain your email address or the name in it"


def test_nothing_is_cut_off_and_composed_and_decomposed_accents_are_the_same_password() -> None:
    stored = hash_password("café au lait " * 10)
    assert not verify_password(stored, "café au lait " * 9)
    assert verify_password(hash_password("cafe\u0301 crème brûlée"), "caf\u00e9 crème brûlée")
