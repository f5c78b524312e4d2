"""Every diagram of the real-world corpus (1,106 files from 34 modelling tools and four engines'
examples) ends in a clean publish or clear messages, within 10 seconds, changing nothing when
refused: no crash, no hang, no traceback, no object address, no half-published version."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, ProcessVersion
from app.processes.checks import Bundle, check
from app.processes.publishing import publish
from app.workflow.library import get_library
from bench.corpus_files import corpus_dir, corpus_files

CORPUS = corpus_dir()
FILES = corpus_files(CORPUS) if CORPUS else []
UNCLEAR = re.compile(r"Traceback|<Element|0x[0-9a-f]{6}|b'<|\w+Error\(|\w+Exception\(|\{http", re.I)
ELEMENT_REASONS_WITHOUT_ID = {
    "too_large", "empty", "not_utf8", "doctype", "not_xml", "not_bpmn", "no_process", "parse_timeout",
    "engine_refused", "forms", "message_receiver", "expression", "guidance", "lane_team",
}  # fmt: skip


def _name(path: Path) -> str:
    return str(path.relative_to(CORPUS)) if CORPUS else str(path)


def test_the_corpus_is_all_there() -> None:
    if CORPUS is None:
        pytest.skip("the BPMN corpus is not on this machine (set CASEWORK_BPMN_CORPUS)")
    assert len(FILES) == 1106
    assert all(path.is_file() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_a_corpus_diagram_publishes_or_says_why(ctx, path: Path) -> None:
    dmn = next(iter(sorted(path.parent.glob("*.dmn"))), None)
    bundle = Bundle(path.name, path.read_bytes(), dmn.read_bytes() if dmn else b"")
    versions = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    began = time.perf_counter()
    checked = check(bundle)
    if checked.publishable:
        published = publish(checked, None, "Corpus diagram")
        assert published.version.number >= 1
        assert get_library().diagram_for(published.version).process_id == published.version.process_id
    seconds = time.perf_counter() - began
    assert seconds < 10, f"{seconds:.1f} s"
    for problem in checked.problems:
        assert problem.message.strip() and problem.reason, problem
        assert not UNCLEAR.search(problem.message), problem.message
        if problem.reason not in ELEMENT_REASONS_WITHOUT_ID and problem.severity == "error":
            assert problem.element_id or problem.line, problem  # the element, or its line if it has no id
    if not checked.publishable:
        assert checked.errors
        assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == versions
        assert not db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.like("process.%"))
            .where(AuditEvent.detail.like("%Corpus diagram%"))
        )
