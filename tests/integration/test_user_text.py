"""What users read never cites our internal brief, its open questions, or a local setting's key.

User text here is: each diagram's documentation and the names of its elements (task pages show
a task's documentation as guidance, the process pages the process's), the decision tables'
descriptions and column labels (the "Meaning" column), every task form's labels, hints,
choices and messages, every template, and the wording of the local settings. Diagrams are read
twice: the files in processes/ and every version the library has published (what running cases
show). Comments and docstrings in Python may cite the brief; expressions may name settings
(`setting("...")`); guidance names a setting only inside a placeholder, `{setting: name}`,
which the page fills in with the setting's current value in words.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import wtforms
from flask import Flask
from lxml import etree
from sqlalchemy import select

from app.config import ROOT
from app.extensions import db
from app.models import ProcessVersion
from app.timescales.guidance import documentation_problems, without_placeholders
from app.timescales.settings import DEFINITIONS, SETTINGS
from tests.fixtures.forms import all_form_keys, shipped_form

Found = tuple[str, str]  # where, the text

# "[verify" marks an open question in the brief, and "§" before a number is how our notes cite
# their sections: neither is ever something to show a user.
INTERNAL = re.compile(r"BRIEF|\[(?i:verify)|§\s*\d")
TEXT_TAGS = {"documentation", "description", "annotationEntry", "textAnnotation"}
EXPRESSION_CALLS = {"setting", "local_setting", "definition"}


def internal_references(text: str) -> list[str]:
    """The internal references in `text`: the brief, its notes' sections and open questions, and any
    local setting's key outside a `{setting: name}` placeholder."""
    found = [m.group(0) for m in INTERNAL.finditer(text)]
    rest = without_placeholders(text)
    return found + [key for key in SETTINGS if re.search(rf"\b{key}\b", rest)]


def _diagram_text(name: str, xml: bytes) -> Iterator[Found]:
    root = etree.fromstring(xml)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag, owner = etree.QName(el).localname, el.getparent()
        where = f"{name} {el.get('id') or (owner.get('id') if owner is not None else '')}"
        if tag in TEXT_TAGS:
            yield f"{where} {tag}", el.text or ""
        if tag == "input" and not el.get("label"):  # the process page shows the expression instead
            yield f"{where} expression", " ".join(el.itertext())
        for attribute in ("name", "label"):
            if el.get(attribute):
                yield f"{where} {attribute}", el.get(attribute)


def shipped_diagrams() -> Iterator[tuple[str, bytes]]:
    """The files in processes/: what the next start-up publishes."""
    for path in sorted((ROOT / "processes").glob("*.bpmn")) + sorted((ROOT / "processes").glob("*.dmn")):
        yield path.name, path.read_bytes()


def published_diagrams() -> Iterator[tuple[str, bytes]]:
    """Every version the library has published and still starts cases on: what users see today."""
    for version in db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current)):
        where = f"{version.process_id} v{version.number}"
        yield f"{where} diagram", version.bpmn_xml.encode("utf-8")
        if version.dmn_xml.strip():
            yield f"{where} decision tables", version.dmn_xml.encode("utf-8")


def diagram_text(diagrams: Iterator[tuple[str, bytes]] | None = None) -> Iterator[Found]:
    for name, xml in diagrams if diagrams is not None else shipped_diagrams():
        yield from _diagram_text(name, xml)


def form_fields(app: Flask) -> Iterator[tuple[str, list[wtforms.Field]]]:
    """Each task form definition (forms/*.json), by form key, as the fields a page shows."""
    with app.test_request_context():
        for key in all_form_keys():
            yield key, list(shipped_form(key)(meta={"csrf": False}, formdata=None))


def form_text(app: Flask) -> Iterator[Found]:
    """What each form definition shows: labels, hints, choices, and its fields' messages."""
    for key, fields in form_fields(app):
        for field in fields:
            where = f"form {key} field {field.name}"
            yield f"{where} label", str(field.label.text)
            yield f"{where} hint", str(field.description or "")
            for choice in getattr(field, "choices", None) or []:
                yield f"{where} choice", str(choice[1] if isinstance(choice, tuple) else choice.label)
            for check in [field, *field.validators]:
                for name, value in vars(check).items():
                    if "message" in name and isinstance(value, str):
                        yield f"{where} {name}", value


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef))]
    return {
        id(body[0].value)
        for body in (getattr(n, "body", []) for n in nodes)
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    }


def python_strings(path: Path) -> Iterator[Found]:
    """Every string literal in a module, less docstrings and the names passed to setting(...)."""
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            EXPRESSION_CALLS
        ):
            skip.update(id(a) for a in node.args)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield f"{path.relative_to(ROOT)} line {node.lineno}", node.value


def template_text() -> Iterator[Found]:
    for path in sorted((ROOT / "app").rglob("templates/**/*.html")):
        yield str(path.relative_to(ROOT)), path.read_text()


def settings_text() -> Iterator[Found]:
    for d in DEFINITIONS:
        yield f"setting {d.name}", f"{d.label}\n{d.description}\n{d.unit}"


def offences(found: Iterator[Found]) -> list[str]:
    return [f"{where}: {refs}" for where, text in found if (refs := internal_references(text))]


# -- the finder can fail -----------------------------------------------------------------------------
def test_the_finder_catches_each_kind_of_internal_reference() -> None:
    assert internal_references("most urgent first (BRIEF §5)") == ["BRIEF", "§5"]
    assert internal_references("as our notes say (§ 2.3)") == ["§ 2"]
    assert internal_references("the 15 days [verify: s438]") == ["[verify"]
    assert internal_references("within medical_needs_decision_working_days working days") == [
        "medical_needs_decision_working_days"
    ]
    assert internal_references("Working together to safeguard children 2023, chapter 2") == []
    assert internal_references("a brief meeting, within the days your council has set") == []
    assert internal_references("within {setting: medical_needs_decision_working_days} of it") == []
    assert internal_references("{setting: taf_review_weeks} or taf_review_weeks") == ["taf_review_weeks"]
    found = list(python_strings(ROOT / "tests" / "integration" / "test_user_text.py"))
    assert any("BRIEF §5" in text for _, text in found)  # a literal outside a docstring counts


# -- the guardrails ----------------------------------------------------------------------------------
def test_diagrams_and_decision_tables_cite_primary_sources_not_the_brief_or_settings() -> None:
    found = list(diagram_text())
    assert len(found) > 500  # every shipped diagram was read
    assert offences(iter(found)) == []


def test_every_published_version_is_written_for_users_and_names_only_settings_that_exist(ctx) -> None:
    published = list(published_diagrams())
    assert len(published) >= 12  # every process in the library, and the decision tables
    assert offences(diagram_text(iter(published))) == []
    shipped = list(shipped_diagrams())
    assert [p for name, xml in published + shipped for p in documentation_problems(xml, name)] == []
    guidance = [text for _, text in diagram_text(iter(shipped)) if "{setting:" in text]
    assert len(guidance) > 40  # timescales a local setting decides are written as placeholders


def test_task_forms_show_no_internal_references(app: Flask) -> None:
    found = list(form_text(app))
    assert any(where.endswith("hint") and text for where, text in found)
    assert offences(iter(found)) == []
    modules = sorted((ROOT / "forms").glob("*.py"))
    assert offences(s for path in modules for s in python_strings(path)) == []


def test_templates_and_setting_wording_show_no_internal_references() -> None:
    templates = list(template_text())
    assert len(templates) > 15 and any(where.endswith("base.html") for where, _ in templates)
    assert offences(iter(templates)) == []
    assert offences(settings_text()) == []
    cme = sorted((ROOT / "app" / "cme").glob("*.py"))
    assert offences(s for path in cme for s in python_strings(path)) == []
