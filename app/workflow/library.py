"""The process library: the pathways the product ships, checked at start-up, and their versions.

A pathway is a diagram (processes/<file>.bpmn), its decision tables (the .dmn beside it) and its
task forms (forms/<process id>.json). A ProcessVersion row is an immutable copy of all three,
identified by one hash over them. New cases start on the current version of a process; running
instances keep the version they started on, and so its forms.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from app import audit
from app.engine import MB, Engine, InvalidDiagram, Limits, ParsedDiagram, content_hash, parse_diagram
from app.engine.expressions import expression_problems
from app.extensions import db
from app.formkit.definitions import FormBundle, InvalidForms, empty_bundle, load_bundle
from app.models import ProcessVersion, Team
from app.timescales.guidance import documentation_problems
from app.workflow.helpers import diagram_helpers


class ProcessNotPublished(LookupError):
    """No version of the process has been published to the database yet."""


@dataclass(frozen=True)
class ShippedDiagram:
    path: Path
    xml: bytes
    diagram: ParsedDiagram
    dmn: bytes  # the decision tables in the .dmn file beside the diagram (b"" if none)
    forms: FormBundle  # its task forms, from forms/<process id>.json

    @property
    def forms_text(self) -> bytes:
        return self.forms.text.encode("utf-8")


def message_problems(diagrams: dict[str, ParsedDiagram]) -> list[str]:
    """Every message a process throws must start exactly one process (a hand-off with no
    receiver would drop the case; one with two would start it twice)."""
    receivers: dict[str, list[str]] = {}
    for process_id, diagram in diagrams.items():
        if diagram.start_message:
            receivers.setdefault(diagram.start_message, []).append(process_id)
    problems = [
        f"The message '{name}' starts more than one process: {', '.join(sorted(ids))}"
        for name, ids in sorted(receivers.items())
        if len(ids) > 1
    ]
    for _process_id, diagram in sorted(diagrams.items()):
        for name in sorted(diagram.thrown_messages - receivers.keys()):
            problems.append(
                f"'{diagram.name}' hands cases on with the message '{name}', but no process starts with it"
            )
    return problems


def form_problems(diagram: ParsedDiagram, bundle: FormBundle, filename: str) -> list[str]:
    """Every user task must name a form its pathway defines."""
    problems = []
    for task in diagram.user_tasks:
        where = f"{filename}: the user task '{task.name}' ({task.bpmn_id})"
        if not task.form_key:
            problems.append(
                f"{where} names no form: set its formKey property to the id of one of the diagram's forms"
            )
        elif task.form_key not in bundle.forms:
            problems.append(
                f"{where} names the form '{task.form_key}', "
                f"which forms/{diagram.process_id}.json does not define"
            )
    return problems


def read_forms(forms_dir: Path, process_id: str) -> FormBundle:
    """A process's task forms from forms/<process id>.json (none if it has no file).

    Raises InvalidForms listing every problem.
    """
    path = forms_dir / f"{process_id}.json"
    if not path.exists():
        return empty_bundle(process_id)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidForms([f"{path.name} is not UTF-8 text"]) from None
    bundle = load_bundle(text, path.name)
    if bundle.process_id != process_id:
        raise InvalidForms(
            [f"{path.name} says it holds the forms of '{bundle.process_id}', not '{process_id}'"]
        )
    return bundle


class ProcessLibrary:
    def __init__(self, processes_dir: Path, engine: Engine, forms_dir: Path | None = None) -> None:
        self.engine = engine
        self.processes_dir = processes_dir
        self.forms_dir = forms_dir or processes_dir.parent / "forms"
        self.shipped: dict[str, ShippedDiagram] = {}
        self._local = threading.local()
        self._bundles: dict[int, FormBundle] = {}  # version id -> forms (versions never change)

    def load_shipped(self) -> None:
        """Parse every diagram in processes/, compile every expression in it as the engine will run
        it, and check its forms and messages; raise InvalidDiagram listing every problem."""
        problems: list[str] = []
        for path in sorted(self.processes_dir.glob("*.bpmn")):
            xml = path.read_bytes()
            dmn_path = path.with_suffix(".dmn")
            dmn = dmn_path.read_bytes() if dmn_path.exists() else b""
            try:
                diagram = parse_diagram(xml, path.name, dmn=dmn)
            except InvalidDiagram as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(expression_problems(xml, diagram, path.name))
            problems += documentation_problems(xml, path.name) + documentation_problems(dmn, dmn_path.name)
            try:
                bundle = read_forms(self.forms_dir, diagram.process_id)
            except InvalidForms as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(form_problems(diagram, bundle, path.name))
            self.shipped[diagram.process_id] = ShippedDiagram(path, xml, diagram, dmn, bundle)
        problems.extend(message_problems({pid: s.diagram for pid, s in self.shipped.items()}))
        if problems:
            raise InvalidDiagram(problems)

    def diagram_for_version_id(self, version_id: int) -> ParsedDiagram:
        """The parsed diagram of a version by id. Versions never change, so once parsed in
        this thread it is found again without touching the database."""
        by_id: dict[int, ParsedDiagram] = self._local.__dict__.setdefault("by_id", {})
        diagram = by_id.get(version_id)
        if diagram is None:
            version = db.session.get(ProcessVersion, version_id)
            if version is None:
                raise ProcessNotPublished(f"No process version {version_id}")
            diagram = by_id[version_id] = self.diagram_for(version)
        return diagram

    def forget_versions_after(self, version_id: int) -> None:
        """Forget what was read of versions with a greater id, in this thread (the parsed diagrams)
        and in all (the forms): for tests that publish versions and roll them back, whose ids
        SQLite then gives to the next versions. Committed versions never change, so nothing else
        needs this."""
        parsed: dict[int, ParsedDiagram] = self._local.__dict__.setdefault("by_id", {})
        for cache in (parsed, self._bundles):
            for later in [v for v in cache if v > version_id]:
                del cache[later]

    def forms_for_version_id(self, version_id: int) -> FormBundle:
        """The task forms of a version, read once (a version's forms never change)."""
        bundle = self._bundles.get(version_id)
        if bundle is None:
            version = db.session.get(ProcessVersion, version_id)
            if version is None:
                raise ProcessNotPublished(f"No process version {version_id}")
            text = version.forms_json
            bundle = load_bundle(text, version.filename) if text else empty_bundle(version.process_id)
            self._bundles[version_id] = bundle
        return bundle

    def diagram_for(self, version: ProcessVersion) -> ParsedDiagram:
        """The parsed diagram of a version; parsed once per thread (specs are not thread-safe)."""
        cache: dict[str, ParsedDiagram] = self._local.__dict__.setdefault("cache", {})
        diagram = cache.get(version.content_hash)
        if diagram is None:
            diagram = parse_diagram(
                version.bpmn_xml.encode("utf-8"),
                version.filename,
                version.process_id,
                dmn=version.dmn_xml.encode("utf-8"),
            )
            cache[version.content_hash] = diagram
        return diagram


class LibraryRefused(SystemExit):
    """The app does not start: a diagram in processes/ cannot be used. Exits with the problems
    listed one a line (a command, gunicorn), not a traceback."""

    def __init__(self, processes_dir: Path, problems: list[str]) -> None:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"The diagrams in {processes_dir} cannot be used, so the app will not start:\n{listed}"
        )
        self.problems = problems


def init_library(app: Flask) -> None:
    settings = app.extensions["settings"]
    limits = Limits(settings.expression_time_limit_seconds, settings.expression_memory_limit_mb * MB)
    engine = Engine(diagram_helpers(), limits)
    library = ProcessLibrary(settings.processes_dir, engine, settings.forms_dir)
    try:
        library.load_shipped()
    except InvalidDiagram as exc:
        raise LibraryRefused(settings.processes_dir, exc.problems) from None
    app.extensions["engine"] = engine
    app.extensions["library"] = library


def get_library() -> ProcessLibrary:
    library: ProcessLibrary = current_app.extensions["library"]
    return library


def get_engine() -> Engine:
    engine: Engine = current_app.extensions["engine"]
    return engine


def current_version(process_id: str) -> ProcessVersion:
    """The version new cases start on; ProcessNotPublished if there is none."""
    version = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.is_current)
    )
    if version is None:
        raise ProcessNotPublished(f"The process '{process_id}' has not been published")
    return version


def receiver_of(message: str) -> ProcessVersion | None:
    """The current version of the process a message starts, if one is published."""
    versions = db.session.scalars(select(ProcessVersion).where(ProcessVersion.is_current))
    library = get_library()
    for version in versions:
        if library.diagram_for(version).start_message == message:
            return version
    return None


def lane_problems(diagram: ParsedDiagram) -> list[str]:
    lanes = set(db.session.scalars(select(Team.lane)))
    return [
        f"The lane '{lane}' in '{diagram.name}' has no team; create a team for it first"
        for lane in diagram.lanes
        if lane not in lanes
    ]


@dataclass(frozen=True)
class Publication:
    """A version made current by publishing: a new one, or an earlier one restored."""

    version: ProcessVersion
    restored: bool = False


def content_hash_of(bpmn_xml: str, dmn_xml: str, forms_json: str) -> str:
    """A version's identity from its three texts, as publishing computes it."""
    return content_hash(bpmn_xml.encode("utf-8"), dmn_xml.encode("utf-8"), forms_json.encode("utf-8"))


def publish_shipped() -> list[Publication]:
    """Make each shipped diagram's content the current version of its process; return what changed.

    Content never published before becomes a new version with the next number. Content equal
    to an earlier version makes that version current again (restored) rather than a copy
    under a new number: a version is its content (process id and content hash are unique),
    so cases started before and after the restore run the very same version. A process whose
    current version already has this content, and no other current version, is left alone; so
    is one whose current version a process owner published (it has a change note): their
    publication wins over the files the product shipped with.

    Raises InvalidDiagram if a diagram's lanes have no team, and publishes nothing then.
    """
    library = get_library()
    problems = [p for s in library.shipped.values() for p in lane_problems(s.diagram)]
    if problems:
        raise InvalidDiagram(problems)
    published = []
    for process_id, shipped in library.shipped.items():
        digest = content_hash(shipped.xml, shipped.dmn, shipped.forms_text)
        versions = list(
            db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id))
        )
        same = next((v for v in versions if v.content_hash == digest), None)
        others_current = [v for v in versions if v.is_current and v is not same]
        if same is not None and same.is_current and not others_current:
            continue
        if any(v.change_note for v in others_current):
            continue
        for old in others_current:
            old.is_current = False
        if same is not None:
            same.is_current = True
            published.append(Publication(same, restored=True))
            continue
        version = ProcessVersion(
            process_id=process_id,
            name=shipped.diagram.name,
            filename=shipped.path.name,
            content_hash=digest,
            bpmn_xml=shipped.xml.decode("utf-8"),
            dmn_xml=shipped.dmn.decode("utf-8"),
            forms_json=shipped.forms_text.decode("utf-8"),
            number=max((v.number for v in versions), default=0) + 1,
            is_current=True,
        )
        db.session.add(version)
        published.append(Publication(version))
    db.session.flush()
    for publication in published:
        version = publication.version
        action = "process.restored" if publication.restored else "process.published"
        audit.record(action, None, detail=f"{version.name} version {version.number}")
    return published


_LANE_TTL_SECONDS = 60.0
_lane_cache: dict[str, tuple[int, float]] = {}


def forget_lanes() -> None:
    """Forget the lanes' teams (for tests whose teams are rolled back)."""
    _lane_cache.clear()


def team_for_lane(lane: str) -> int | None:
    """The id of the team whose queue a lane's tasks enter.

    Found teams are remembered for a minute, because every new task asks; a lane with
    no team is asked again each time, so a team created for it is used at once.
    """
    cached = _lane_cache.get(lane)
    if cached is not None and time.monotonic() - cached[1] < _LANE_TTL_SECONDS:
        return cached[0]
    team_id = db.session.scalar(select(Team.id).where(Team.lane == lane))
    if team_id is not None:
        _lane_cache[lane] = (team_id, time.monotonic())
    return team_id
