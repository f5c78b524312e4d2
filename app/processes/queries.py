"""Reading published process versions for the library pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessVersion

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@dataclass(frozen=True)
class LibraryEntry:
    version: ProcessVersion
    explanation: str


@lru_cache(maxsize=128)
def explanation_of(content_hash: str, xml: str) -> str:
    """The process's own documentation in the diagram (versions never change, so cache by hash)."""
    root = etree.fromstring(xml.encode("utf-8"))
    for process in root.iter(f"{BPMN}process"):
        doc = process.find(f"{BPMN}documentation")
        if doc is not None and (words := (doc.text or "").split()):
            return " ".join(words)
    return ""


def current_version_rows() -> list[ProcessVersion]:
    """The version new cases start on, for every process, by name (diagram text not loaded)."""
    return list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.is_current).order_by(ProcessVersion.name)
        )
    )


def current_versions() -> list[LibraryEntry]:
    """The current versions with their explanations, for the library page."""
    return [LibraryEntry(v, explanation_of(v.content_hash, v.bpmn_xml)) for v in current_version_rows()]


def find_version(process_id: str, number: int | None = None) -> ProcessVersion | None:
    """A version of a process: the given number, or the current one (a number out of range, from
    a URL, is no version)."""
    if number is not None and not 0 < number < 2**31:
        return None
    query = select(ProcessVersion).where(ProcessVersion.process_id == process_id)
    query = query.where(ProcessVersion.number == number) if number else query.where(ProcessVersion.is_current)
    return db.session.scalar(query)


def versions_of(process_id: str) -> list[ProcessVersion]:
    return list(
        db.session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.number.desc())
        )
    )
