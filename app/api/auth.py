"""Who an API call comes from: a bearer token, or a signed-in browser that proves it is on our page.

A session cookie travels with any request the browser makes, including one a hostile site
triggers, so a cookie alone may read but never change anything here. A change needs either
`Authorization: Bearer <token>` (which another site cannot make a browser send) or the cookie
plus the CSRF token our pages carry, sent as `X-CSRFToken`.
"""

from __future__ import annotations

from flask import Response, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.api.errors import UNAUTHORIZED_MESSAGE, json_error
from app.auth.services import find_user_by_api_token
from app.extensions import csrf
from app.models import User

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def authenticate_api_call() -> tuple[Response, int] | None:
    """The API blueprint's before-request check. Returns an error answer, or None to go on.

    - An `Authorization` header must be a valid, unrevoked bearer token of an active user;
      the call then acts as that user, whatever session cookie came with it (401 otherwise).
    - Without one, reads go on as the session's user (the view's own access check decides).
    - Without one, a change needs a signed-in session (401) and a valid CSRF token in the
      `X-CSRFToken` header (403).
    """
    header = request.headers.get("Authorization")
    if header is not None:
        user = user_for_bearer_token(header)
        if user is None:
            return json_error(401, "unauthorized", UNAUTHORIZED_MESSAGE)
        # Flask-Login's current_user reads g._login_user: the token's user replaces any
        # user the session cookie loaded.
        g._login_user = user
        return None
    if request.method not in STATE_CHANGING:
        return None
    if not current_user.is_authenticated:
        return json_error(401, "unauthorized", UNAUTHORIZED_MESSAGE)
    try:
        csrf.protect()
    except CSRFError:
        return json_error(
            403,
            "csrf",
            "A signed-in browser must send the page's CSRF token as 'X-CSRFToken'; "
            "other clients send an API token as 'Authorization: Bearer <token>'",
        )
    return None


def user_for_bearer_token(header: str) -> User | None:
    """The active user whose unrevoked token the header carries ('Bearer <token>'), or None.
    Records when the token was last used."""
    scheme, _, value = header.partition(" ")
    if scheme != "Bearer" or not value.strip():
        return None
    return find_user_by_api_token(value.strip())
