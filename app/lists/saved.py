"""Saved views: a person's named filters for a list, theirs alone."""

from __future__ import annotations

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import SAVED_VIEW_KINDS, SavedView, User
from app.transactions import Refusal

NAME_LIMIT = 100


class ViewNotSaved(Refusal):
    """The name is blank, too long or already used for another of the person's views of this list."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def saved_views(user: User, kind: str) -> list[SavedView]:
    return list(
        db.session.scalars(
            select(SavedView)
            .where(SavedView.user_id == user.id, SavedView.kind == kind)
            .order_by(SavedView.name, SavedView.id)
        )
    )


def save_view(user: User, kind: str, name: str, query: str) -> SavedView:
    """Save `query` (a list's filters as that list validated them) under `name`.

    Raises ViewNotSaved for a blank or over-long name, or one the user already gave a view of
    this list.
    """
    assert kind in SAVED_VIEW_KINDS
    name = " ".join(name.split())
    if not name:
        raise ViewNotSaved("Enter a name for this view")
    if len(name) > NAME_LIMIT:
        raise ViewNotSaved(f"The name must be {NAME_LIMIT} characters or fewer")
    taken = db.session.scalar(
        select(SavedView.id).where(
            SavedView.user_id == user.id, SavedView.kind == kind, SavedView.name == name
        )
    )
    if taken is not None:
        raise ViewNotSaved("You already have a view with that name: choose another name")
    view = SavedView(user_id=user.id, kind=kind, name=name, query=query)
    db.session.add(view)
    db.session.flush()
    audit.record("saved_view.created", user, after={"kind": kind, "name": name, "query": query})
    return view


def find_own_view(user: User, kind: str, view_id: int) -> SavedView | None:
    """The user's own saved view of this list with this id; None for any other (the same answer
    for another person's view as for one that does not exist)."""
    return db.session.scalar(
        select(SavedView).where(SavedView.id == view_id, SavedView.user_id == user.id, SavedView.kind == kind)
    )


def delete_view(user: User, view: SavedView) -> None:
    audit.record(
        "saved_view.deleted", user, before={"kind": view.kind, "name": view.name, "query": view.query}
    )
    db.session.delete(view)
    db.session.flush()
