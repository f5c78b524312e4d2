"""Errors in the user's terms: JSON under /api/, GOV.UK pages elsewhere, never a traceback.

An unexpected exception gets a short reference, shown to the user and written into the log
line that carries the traceback, so support can find one from the other.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    got_request_exception,
    has_request_context,
    render_template,
    request,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse  # what an HTTPException's get_response() makes

from app.api.errors import UNAUTHORIZED_MESSAGE, is_api_request, json_error
from app.transactions import start_afresh

_REFERENCE_KEY = "casework.error_reference"

# API answers: a stable code for programs, and words for the people reading their logs.
_API_MESSAGES = {
    400: "The request could not be read: check its body and parameters",
    401: UNAUTHORIZED_MESSAGE,
    403: "You do not have access to this",
    404: "Not found",
    409: "This conflicts with the current state of the resource",
    415: "Send the body as JSON",
    429: "Too many requests: wait and try again",
}

# Pages: a heading and what to do, for errors without a page of their own.
_PAGE_PROBLEMS = {
    400: ("Sorry, there is a problem with this request", "Go back and try again."),
    405: ("Sorry, there is a problem with this request", "Go back and try again."),
    429: ("Sorry, you have made too many requests", "Wait a few minutes and try again."),
}
_CSRF_PROBLEM = (
    "Sorry, your form could not be sent",
    "This can happen if you were signed out, or the page was open for a long time. "
    "Go back, reload the page, and try again.",
)


def init_errors(app: Flask) -> None:
    """Register the error answers, the request-size check, and error references in the log."""
    app.before_request(refuse_oversized_body)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    got_request_exception.connect(_give_a_reference, app)
    app.logger.addFilter(_ReferenceInLog())


def refuse_oversized_body() -> None:
    """A declared body over the limit is refused before anything reads it, so a route that
    ignores its body (claim) answers the same 413 as one that reads it. Undeclared (chunked)
    bodies are cut off by Werkzeug when read past the limit."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def http_error(error: HTTPException) -> Any:
    """Any HTTP error raised while handling a request (abort(404), a 405 from routing...)."""
    code = error.code or 500
    if code < 400:  # not an error: let Flask answer it as it is
        return error
    if code == 500:
        return server_error(error)
    if is_api_request(request.path):
        return _api_answer(error, code)
    if code in (403, 404):
        return render_template(f"errors/{code}.html"), code
    if code == 413:
        return render_template("errors/413.html", limit=_size(request.max_content_length)), 413
    heading, advice = (
        _CSRF_PROBLEM if isinstance(error, CSRFError) else _PAGE_PROBLEMS.get(code, _PAGE_PROBLEMS[400])
    )
    if not isinstance(error, CSRFError) and _chosen_words(error):  # abort(400, "...") says what to fix
        advice = str(error.description)
    return _page_answer(render_template("errors/problem.html", heading=heading, advice=advice), code, error)


def server_error(error: HTTPException) -> Any:
    """An unexpected exception (Flask logged it) or an explicit 500: a reference, no detail."""
    reference = request.environ.get(_REFERENCE_KEY)
    if reference is None:  # abort(500): no exception to log, so say where it came from
        reference = request.environ[_REFERENCE_KEY] = _new_reference()
        current_app.logger.error(
            "Error reference %s: %s %s answered 500", reference, request.method, request.path
        )
    # The failed work is thrown away before the page is drawn: drawing it may read the
    # database, which refuses until an aborted PostgreSQL transaction is rolled back.
    start_afresh()
    message = f"Sorry, there is a problem with the service. Give support this reference: {reference}"
    if is_api_request(request.path):
        return json_error(500, "server_error", message, reference=reference)
    try:
        return render_template("errors/500.html", reference=reference), 500
    except Exception:  # the page itself failed (the database is down, say): plain words
        current_app.logger.exception("Error reference %s: the error page could not be drawn", reference)
        return Response(f"<h1>{message}</h1>", status=500, mimetype="text/html")


def _api_answer(error: HTTPException, code: int) -> BaseResponse:
    """JSON in place of Werkzeug's HTML, keeping its headers (Allow, Retry-After...)."""
    if code == 405:
        allowed = ", ".join(getattr(error, "valid_methods", None) or [])
        message = f"This address does not accept {request.method}; it accepts {allowed}"
    elif code == 413:
        message = f"The request is too large: it must be {_size(request.max_content_length)} or less"
    elif _chosen_words(error):
        message = str(error.description)
    else:
        message = _API_MESSAGES.get(code, str(error.name))
    body, _ = json_error(code, _code_name(error), message)
    response = error.get_response()
    response.set_data(body.get_data())
    response.mimetype = "application/json"
    return response


def _page_answer(body: str, code: int, error: HTTPException) -> BaseResponse:
    """A page in place of Werkzeug's, keeping its headers (Allow on a 405...)."""
    response = error.get_response()
    response.set_data(body)
    response.mimetype = "text/html"
    response.status_code = code
    return response


def _chosen_words(error: HTTPException) -> bool:
    """True if the code that raised the error gave its own words: abort(400, "...")."""
    return bool(error.description) and error.description != type(error).description


def _code_name(error: HTTPException) -> str:
    if error.code == 413:
        return "too_large"
    return str(error.name).lower().replace(" ", "_").replace("'", "")


def _size(limit: int | None) -> str:
    """2097152 -> '2MB', 10240 -> '10KB' (GOV.UK writes sizes without a space)."""
    if limit is None:
        return "the limit"
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= scale:
            return f"{round(limit / scale, 1):g}{unit}"
    return f"{limit} bytes"


def _new_reference() -> str:
    return secrets.token_hex(4).upper()


def _give_a_reference(_sender: Flask, exception: BaseException, **_extra: Any) -> None:
    # Sent before Flask logs the exception, so the log line can carry the reference.
    request.environ.setdefault(_REFERENCE_KEY, _new_reference())


class _ReferenceInLog(logging.Filter):
    """Adds the request's error reference to the app's log line that carries the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and has_request_context():
            reference = request.environ.get(_REFERENCE_KEY)
            if reference and reference not in record.getMessage():
                record.msg = f"{record.msg} (error reference {reference})"
        return True
