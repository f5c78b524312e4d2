"""The shape of every API error: `{"error": <code>, "message": <plain English>}` and a status."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

UNAUTHORIZED_MESSAGE = "Send a valid API token as 'Authorization: Bearer <token>'"


def json_error(status: int, error: str, message: str, **extra: Any) -> tuple[Response, int]:
    """An API error answer; `extra` adds fields such as `fields` (form errors) or `task`."""
    return jsonify(error=error, message=message, **extra), status


def is_api_request(path: str) -> bool:
    return path.startswith("/api/")
