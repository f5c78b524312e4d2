"""Unit tests run without a database; fixtures for the Referral to Early Help tests (referral_support.py).

A unit test that reaches a database, by any road (an app's session, an engine, the drivers
themselves), fails at once, naming where it came from: it belongs in tests/integration.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn

import psycopg
import pytest
import time_machine
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import PackageLoader, PrefixLoader
from lxml import etree
from sqlalchemy.engine import Engine

from app.engine import ParsedDiagram, parse_diagram
from app.formkit.base import TaskForm
from tests.fixtures.forms import all_form_keys, shipped_form
from tests.unit.referral_support import BPMN_FILE, Walk

REFUSAL = "A unit test may not reach the database (it called {}): move it to tests/integration"


def _refuse(what: str) -> Callable[..., NoReturn]:
    def refused(*_args: object, **_kwargs: object) -> NoReturn:
        # pytest.fail raises a BaseException: code under test that catches Exception cannot hide it.
        pytest.fail(REFUSAL.format(what), pytrace=True)

    return refused


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every way to a database: SQLAlchemy engines (so `db.session` too, even on a
    connection another test left in the pool) and the two drivers called directly."""
    monkeypatch.setattr(Engine, "connect", _refuse("Engine.connect"))
    monkeypatch.setattr(Engine, "raw_connection", _refuse("Engine.raw_connection"))
    monkeypatch.setattr(sqlite3, "connect", _refuse("sqlite3.connect"))
    monkeypatch.setattr(psycopg, "connect", _refuse("psycopg.connect"))
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(_refuse("psycopg.Connection.connect")))


@pytest.fixture(scope="module")
def xml() -> bytes:
    return BPMN_FILE.read_bytes()


@pytest.fixture(scope="module")
def root(xml: bytes) -> Any:
    return etree.fromstring(xml)


@pytest.fixture(scope="module")
def diagram(xml: bytes) -> ParsedDiagram:
    return parse_diagram(xml, BPMN_FILE.name)


@pytest.fixture(scope="module")
def registry() -> dict[str, type[TaskForm]]:
    return {key: shipped_form(key) for key in all_form_keys()}


@pytest.fixture(scope="module")
def form_app(registry: dict[str, type[TaskForm]]) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    app.jinja_loader = PrefixLoader(
        {
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }
    )
    WTFormsHelpers(app)
    return app


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(datetime(2026, 3, 16, 10, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def walk(diagram: ParsedDiagram, form_app: Flask, clock: Any) -> Walk:
    return Walk(diagram, form_app, clock)
