"""The case list's filters: read from the query string once, checked against what the user may
choose, and written back as the canonical query string that links and saved views carry.

The shared URL contract: q (child's name or case reference), dob, school, pathway (process id),
stage (the id of a step of a diagram), team, worker (ids), overdue=1, due_soon=1,
unallocated_days=N, from and to (referral dates), status=open|closed|all,
sort=reference|child|referred|due, dir=asc|desc, page=N (and format=csv for a download).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from app.lists import filters
from app.lists.filters import Stage
from app.models import User

STATUSES = ("open", "closed", "all")
SORTS = ("referred", "reference", "child", "due")
# Unallocated for longer than this is a typing slip: ten years.
UNALLOCATED_DAYS_LIMIT = 3650


@dataclass(frozen=True)
class CaseFilters:
    """What the case list shows: every field already checked (see `read_filters`)."""

    q: str = ""
    dob: date | None = None
    school: str = ""
    pathway: str = ""
    stage: str = ""
    team: int | None = None
    worker: int | None = None
    overdue: bool = False
    due_soon: bool = False
    unallocated_days: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str = "open"
    sort: str = "referred"
    dir: str = "desc"
    page: int = 1

    @property
    def narrowed(self) -> bool:
        """Whether any filter (beyond the default status) narrows the list."""
        plain = replace(self, sort=CaseFilters.sort, dir=CaseFilters.dir, page=1)
        return plain != CaseFilters()

    @property
    def looks_at_open_tasks(self) -> bool:
        """Filters about work waiting now: a case matches through one of its open tasks."""
        return bool(self.stage or self.overdue or self.due_soon or self.unallocated_days is not None)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters for these filters with `changes`, leaving out defaults."""
        values = asdict(replace(self, **changes))
        names = {"date_from": "from", "date_to": "to"}
        out = {}
        for key, value in values.items():
            if value == getattr(CaseFilters, key) or value is None or value is False:
                continue
            out[names.get(key, key)] = "1" if value is True else str(value)
        return out

    def query_string(self) -> str:
        """The filters and sort alone (no page), as links and saved views carry them."""
        return urlencode(self.params(page=1))


@dataclass(frozen=True)
class CaseChoices:
    """What the user may choose in each select of the filter panel."""

    pathways: dict[str, str]
    stages: list[Stage]
    teams: dict[int, str]
    workers: dict[int, str]
    stage_names: dict[str, str] = field(default_factory=dict)


def choices_for(user: User, pathway: str = "", pathways: dict[str, str] | None = None) -> CaseChoices:
    pathways = filters.processes() if pathways is None else pathways
    stages = filters.stages(pathways, pathway if pathway in pathways else "")
    teams = filters.teams_for(user)
    return CaseChoices(
        pathways=pathways,
        stages=stages,
        teams=teams,
        workers=filters.workers_for(user, teams),
        stage_names={s.bpmn_id: s.name for s in stages},
    )


def read_filters(args: Mapping[str, str], user: User) -> tuple[CaseFilters, CaseChoices, list[str]]:
    """The filters a query string asks for, the choices the page offers, and a message for each
    value that was ignored (an unknown team, a date that does not exist, ...)."""
    reader = filters.Reader(args)
    pathways = filters.processes()
    pathway = reader.choice("pathway", pathways, "The pathway")
    choices = choices_for(user, pathway, pathways)
    date_from, date_to = reader.date_range("Referred", "referral")
    chosen = CaseFilters(
        q=reader.text("q", "The name or reference"),
        dob=reader.day("dob", "The date of birth"),
        school=reader.text("school", "The school"),
        pathway=pathway,
        stage=reader.choice("stage", choices.stage_names, "The stage"),
        team=reader.number_choice("team", choices.teams, "The team"),
        worker=reader.number_choice("worker", choices.workers, "The worker"),
        overdue=reader.flag("overdue"),
        due_soon=reader.flag("due_soon"),
        unallocated_days=reader.whole(
            "unallocated_days", "Unallocated for more than", UNALLOCATED_DAYS_LIMIT
        ),
        date_from=date_from,
        date_to=date_to,
        status=reader.one_of("status", STATUSES, "open"),
        sort=reader.one_of("sort", SORTS, "referred"),
        dir=reader.one_of("dir", filters.DIRECTIONS, "desc"),
        page=reader.page(),
    )
    return chosen, choices, reader.messages
