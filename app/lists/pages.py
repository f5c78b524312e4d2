"""The answers both lists give when a person saves or deletes a view (their routes call these)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import abort, flash, redirect, render_template
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app import inputs
from app.access import me
from app.lists import saved

# Longer than any list's filters can be.
QUERY_LIMIT = 4000


def posted_query(text: str) -> MultiDict[str, str]:
    """A list's query string posted in a form, read as the list reads its own address."""
    return MultiDict(parse_qsl(text[:QUERY_LIMIT], keep_blank_values=True))


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def save_view(kind: str, name: str, query: str, list_url: str, action: str) -> Response | tuple[str, int]:
    """Save the (validated) `query` under `name`, then show the list with it; or, for a blank or
    duplicate name, a page saying so with what was typed."""
    try:
        saved.save_view(me(), kind, name, query)
    except saved.ViewNotSaved as refused:
        page = render_template(
            "lists/save_view.html",
            error=refused.message,
            name=name,
            query=query,
            action=action,
            back=with_query(list_url, query),
            kind=kind,
        )
        return page, 400
    flash(f"Saved the view ‘{' '.join(name.split())}’")
    return redirect(with_query(list_url, query))


def delete_view(kind: str, view_id: int, next_url: str | None, list_url: str) -> Response:
    """Delete one of the user's own views; another person's (or none) is a 404."""
    view = saved.find_own_view(me(), kind, view_id)
    if view is None:
        abort(404)
    name = view.name
    saved.delete_view(me(), view)
    flash(f"Deleted the saved view ‘{name}’")
    return redirect(inputs.safe_next(next_url, list_url))
