"""The process list's filters, read from the query string once and written back canonically.

The shared URL contract: q (the child's name or the case reference), process (process id),
status (an instance status), stage (the id of a
step of a diagram), team (id), from and to (the date it started), sort=started|updated|process|
reference, dir=asc|desc, page=N (and format=csv for a download).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from app.lists import filters
from app.lists.filters import Stage
from app.models import InstanceStatus, User

SORTS = ("updated", "started", "process", "reference")
STATUS_LABELS = {
    "running": "Running",
    "incident": "Stopped by a failed step",
    "completed": "Finished",
    "cancelled": "Cancelled",
}


def statuses() -> dict[str, str]:
    """Every status an instance can have (read from the enum, so a new one shows up by itself)."""
    return {
        s.value: STATUS_LABELS.get(s.value, s.value.replace("_", " ").capitalize()) for s in InstanceStatus
    }


@dataclass(frozen=True)
class InstanceFilters:
    q: str = ""
    process: str = ""
    status: str = ""
    stage: str = ""
    team: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "updated"
    dir: str = "desc"
    page: int = 1

    @property
    def narrowed(self) -> bool:
        return replace(self, sort=InstanceFilters.sort, dir=InstanceFilters.dir, page=1) != InstanceFilters()

    @property
    def finished_only(self) -> bool:
        return self.status in (InstanceStatus.COMPLETED.value, InstanceStatus.CANCELLED.value)

    def params(self, **changes: Any) -> dict[str, str]:
        values = asdict(replace(self, **changes))
        names = {"date_from": "from", "date_to": "to"}
        return {
            names.get(key, key): str(value)
            for key, value in values.items()
            if value is not None and value != getattr(InstanceFilters, key)
        }

    def query_string(self) -> str:
        return urlencode(self.params(page=1))


@dataclass(frozen=True)
class InstanceChoices:
    processes: dict[str, str]
    statuses: dict[str, str]
    stages: list[Stage]
    teams: dict[int, str]


def read_filters(args: Mapping[str, str], user: User) -> tuple[InstanceFilters, InstanceChoices, list[str]]:
    """The filters a query string asks for, the choices offered, and a message for each value
    that was ignored."""
    reader = filters.Reader(args)
    published = filters.processes()
    process = reader.choice("process", published, "The process")
    choices = InstanceChoices(
        processes=published,
        statuses=statuses(),
        stages=filters.stages(published, process),
        teams=filters.teams_for(user),
    )
    date_from, date_to = reader.date_range("Started", "start")
    chosen = InstanceFilters(
        q=reader.text("q", "The name or reference"),
        process=process,
        status=reader.choice("status", choices.statuses, "The status"),
        stage=reader.choice("stage", {s.bpmn_id: s.name for s in choices.stages}, "The stage"),
        team=reader.number_choice("team", choices.teams, "The team"),
        date_from=date_from,
        date_to=date_to,
        sort=reader.one_of("sort", SORTS, "updated"),
        dir=reader.one_of("dir", filters.DIRECTIONS, "desc"),
        page=reader.page(),
    )
    return chosen, choices, reader.messages
