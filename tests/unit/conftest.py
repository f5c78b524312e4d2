"""Fixtures for the Referral to Early Help unit tests (see referral_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import PackageLoader, PrefixLoader
from lxml import etree

from app.engine import ParsedDiagram, parse_diagram
from app.formkit.base import TaskForm
from tests.fixtures.forms import all_form_keys, shipped_form
from tests.unit.referral_support import BPMN_FILE, Walk


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
