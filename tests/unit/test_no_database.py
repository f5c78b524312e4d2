"""Unit tests cannot reach a database: each road to one fails the test, saying where to move it."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.config import Settings
from app.extensions import db

MOVE_IT = "may not reach the database .* move it to tests/integration"


def test_an_engine_is_refused() -> None:
    with pytest.raises(pytest.fail.Exception, match=MOVE_IT):
        create_engine("sqlite://").connect()


def test_the_app_s_session_is_refused(tmp_path) -> None:
    settings = Settings.from_env({"CASEWORK_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    app = create_app(settings)
    with app.app_context(), pytest.raises(pytest.fail.Exception, match=r"Engine\.connect"):
        db.session.execute(text("select 1"))


def test_the_drivers_are_refused() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"sqlite3\.connect"):
        sqlite3.connect(":memory:")
    with pytest.raises(pytest.fail.Exception, match=r"psycopg\.connect"):
        psycopg.connect("dbname=casework_unit_never")


def test_the_refusal_cannot_be_swallowed_by_code_that_catches_every_error() -> None:
    def careless() -> str:
        try:
            create_engine("sqlite://").connect()
        except Exception:
            return "carried on"
        return "connected"

    with pytest.raises(pytest.fail.Exception, match=MOVE_IT):
        careless()
