"""Helpers for the accounts, sessions and sign-in tests: people of their own (the demo people
are kept between tests, so a test that changes an account makes its own) and settings
changed for one test."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.services import create_user
from app.extensions import db
from app.models import AuditEvent, Role, Team, User

PASSWORD = "walrus mango teapot"  # meets the rules
NEW_PASSWORD = "kettle river lantern"


def new_person(role: Role = Role.PRACTITIONER, teams: tuple[str, ...] = ("Early Help",)) -> User:
    """A committed account of its own, password PASSWORD."""
    email = f"person.{uuid.uuid4().hex[:10]}@example.org"
    chosen = list(db.session.scalars(select(Team).where(Team.name.in_(teams))))
    user = create_user(email, "Pat Example", PASSWORD, role, chosen)
    db.session.commit()
    return user


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, **environ: Any) -> Any:
    return client.post("/login", data={"email": email, "password": password}, environ_base=environ)


@contextmanager
def changed_settings(app: Flask, **changes: Any) -> Iterator[None]:
    saved = app.extensions["settings"]
    app.extensions["settings"] = dataclasses.replace(saved, **changes)
    try:
        yield
    finally:
        app.extensions["settings"] = saved


def audit_actions(**where: Any) -> list[tuple[str, str]]:
    """(action, detail) of the audit trail, oldest first."""
    query = select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    db.session.expire_all()
    return [(a, d) for a, d in db.session.execute(query)]


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))
