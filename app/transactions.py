"""Where transactions are decided: the request edge, and the two things only an edge may do.

The rule, held everywhere: a request commits when it answers below 400 and nothing it asked for
was refused; it rolls back otherwise. Services flush, never commit or roll back. A service that
cannot do what was asked raises a `Refusal`, which marks the request: whatever the route then
answers (a page with the answers kept, a redirect with a message), the edge rolls back, so no
half-done work is kept. What a request must keep although it fails is written by the edge in a
transaction of its own (`in_own_transaction`), after the failed work is thrown away.
The job runner (app/scheduling.py) and each command are their own edges.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, has_request_context, request

from app.extensions import db

T = TypeVar("T")
_REFUSED = "casework.refused"


class Refusal(Exception):
    """A service could not do what was asked (not allowed, not open, answers to correct...).

    Raising one marks the request, so its transaction is rolled back whatever is answered.
    An outcome the product must keep (a failed sign-in that counts) is not a Refusal.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        if has_request_context():
            request.environ[_REFUSED] = True


def was_refused() -> bool:
    return has_request_context() and bool(request.environ.get(_REFUSED))


def commit_or_roll_back(response: Response) -> Response:
    """The request edge (after each request): keep what a successful request did, discard the rest."""
    if response.status_code < 400 and not was_refused():
        db.session.commit()
    else:
        db.session.rollback()
    return response


def discard_uncommitted(_: BaseException | None) -> None:
    """At the end of every request, whatever happened: nothing left open."""
    db.session.rollback()


def start_afresh() -> None:
    """Throw this request's work away to read what others have committed since (to answer a
    conflict with the task as it now stands). The request is refused from here on."""
    db.session.rollback()
    if has_request_context():
        request.environ[_REFUSED] = True


def in_own_transaction(work: Callable[[], T]) -> T:
    """Throw the failed work away, then do `work` and commit it on its own (an incident a manager
    must see although the step that raised it is not kept)."""
    db.session.rollback()
    result = work()
    db.session.commit()
    return result
