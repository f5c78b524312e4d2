"""Statutory timeliness over a period, measured as the Children in Need census measures it.

- Assessments: the child and family assessment (processes/cas_assessment.bpmn) is authorised when
  its `authorise_assessment` task is completed with the decision "authorised"; the clock runs from
  the instance's `referral_date`, the anchor of the diagram's 45-working-day timers. That date is
  the case's referral date when the pathway was started on the case (app/workflow/instances.py
  `case_facts`), and the day of the hand-off when another pathway handed the case to CAS (every
  sender's payload sets it to `today()`, the day the instance started). No workflow is loaded.
- Initial child protection conferences: each `icpc` meeting held in the period, against the last
  strategy discussion recorded on the same enquiry before it (the diagram's
  `strategy_discussion_date`): within 15 working days is on time.
- Core groups and review conferences: each meeting held in the period against the due date of the
  task that recorded it (the diagram's due date: 10 working days after the conference, the date
  the last meeting agreed, or the months the local settings give).
- Consent: open Early Help consent tasks, by how long they have been open.

Only the period's rows are read (indexes on task kind and completion, meeting kind and date), and
working days are counted in Python for those rows alone, from one running total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.dashboard.bands import ASSESSMENT_WORKING_DAYS, CENSUS_BANDS, WorkingDayCount, census_band
from app.dashboard.periods import Period, london_midnight
from app.dashboard.scope import Scope
from app.dashboard.workload import CONSENT_TASK, CONSENT_WAITS
from app.extensions import db
from app.models import Case, HumanTask, Meeting, ProcessInstance, ProcessVersion, TaskState
from app.timescales.working_days import LONDON, working_days_between

ASSESSMENT_PROCESS, AUTHORISE_TASK = "cas_assessment", "authorise_assessment"
ICPC_WORKING_DAYS = 15
_CHUNK = 5000


@dataclass
class Row:
    """One case behind a figure: when the clock started and stopped, the working days between, who."""

    case_id: int
    start: date | None
    end: date | None
    days: int | None
    person_id: int | None
    band: str


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    start_label: str
    end_label: str
    days_label: str
    person_label: str
    bands: tuple[tuple[str, str], ...]  # (key, label) of each band a row falls in
    groups: dict[str, frozenset[str]]  # a band key for several bands ("within", "late")
    uses_period: bool = True

    def band_keys(self) -> set[str]:
        return {k for k, _ in self.bands} | set(self.groups) | {"all"}

    def label_of(self, band: str) -> str:
        return dict(self.bands).get(band) or GROUP_LABELS.get(band, "All")

    def holds(self, row: Row, band: str) -> bool:
        return band == "all" or row.band == band or row.band in self.groups.get(band, frozenset())


_WITHIN_45 = frozenset(b.key for b in CENSUS_BANDS if b.low <= ASSESSMENT_WORKING_DAYS)
GROUP_LABELS = {
    "within": "Within the timescale",
    "late": "Outside the timescale",
}
FIGURES = {
    f.key: f
    for f in (
        Figure(
            "assessments",
            "Assessments authorised",
            "Referral",
            "Authorised",
            "Working days",
            "Authorised by",
            tuple((b.key, b.label) for b in CENSUS_BANDS),
            {"within": _WITHIN_45, "late": frozenset(b.key for b in CENSUS_BANDS) - _WITHIN_45},
        ),
        Figure(
            "icpcs",
            "Initial child protection conferences",
            "Last strategy discussion",
            "Conference held",
            "Working days",
            "Recorded by",
            (
                ("on_time", "Within 15 working days"),
                ("over", "After 15 working days"),
                ("no_strategy", "No strategy discussion recorded"),
            ),
            {"within": frozenset({"on_time"}), "late": frozenset({"over", "no_strategy"})},
        ),
        Figure(
            "core_groups",
            "Core group meetings",
            "Due",
            "Held",
            "Days late",
            "Recorded by",
            (("on_time", "Held by the due date"), ("over", "Held after the due date")),
            {"within": frozenset({"on_time"}), "late": frozenset({"over"})},
        ),
        Figure(
            "reviews",
            "Child protection review conferences",
            "Due",
            "Held",
            "Days late",
            "Recorded by",
            (("on_time", "Held by the due date"), ("over", "Held after the due date")),
            {"within": frozenset({"on_time"}), "late": frozenset({"over"})},
        ),
        Figure(
            "consent",
            "Cases waiting for the family's consent to Early Help",
            "Waiting since",
            "",
            "Working days waited",
            "Held by",
            tuple((key, label) for key, label, _, _ in CONSENT_WAITS),
            {},
            uses_period=False,
        ),
    )
}


def _london(value: datetime) -> date:
    return _day_of_quarter_hour(_quarter_hour(value), LONDON)


def _server_day(value: datetime) -> date:
    """The day the diagram's today() gave at `value`: the server's own calendar day."""
    return _day_of_quarter_hour(_quarter_hour(value), None)


def _quarter_hour(value: datetime) -> datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.replace(minute=aware.minute - aware.minute % 15, second=0, microsecond=0)


@lru_cache(maxsize=65536)
def _day_of_quarter_hour(moment: datetime, zone: ZoneInfo | None) -> date:
    # Every time zone's offset is a whole number of quarter hours, so the quarter hour decides the
    # day; converting thousands of rows one by one through zoneinfo was most of a period's cost.
    return moment.astimezone(zone).date()


def assessment_rows(scope: Scope, period: Period) -> list[Row]:
    """Assessments authorised in the period, each with its working days from the referral."""
    lo, hi = period.bounds()
    found = db.session.execute(
        select(
            HumanTask.case_id,
            HumanTask.completed_at,
            HumanTask.completed_by_id,
            ProcessInstance.started_by_id,
            ProcessInstance.started_at,
            Case.referral_date,
        )
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .join(Case, Case.id == HumanTask.case_id)
        .where(
            HumanTask.bpmn_id == AUTHORISE_TASK,
            HumanTask.state == TaskState.COMPLETED,
            HumanTask.completed_at >= lo,
            HumanTask.completed_at < hi,
            ProcessVersion.process_id == ASSESSMENT_PROCESS,
            HumanTask.data["authorisation_decision"].as_string() == "authorised",
            scope.condition(),
        )
    ).all()
    dated = [
        (case_id, referral if handed_from is None else _server_day(started), _london(done), by)
        for case_id, done, by, handed_from, started, referral in found
        if done is not None
    ]
    count = WorkingDayCount.spanning([d for r in dated for d in (r[1], r[2])])
    rows = []
    for case_id, anchor, authorised, by in dated:
        days = count.between(anchor, authorised)
        rows.append(Row(case_id, anchor, authorised, days, by, census_band(days).key))
    return rows


def icpc_rows(scope: Scope, period: Period) -> list[Row]:
    """Initial conferences held in the period, each against the last strategy discussion before it."""
    found = db.session.execute(
        select(Meeting.id, Meeting.case_id, Meeting.instance_id, Meeting.held_on, Meeting.recorded_by_id)
        .join(HumanTask, HumanTask.id == Meeting.task_id)
        .where(
            Meeting.kind == "icpc",
            Meeting.held_on >= period.start,
            Meeting.held_on <= period.end,
            scope.condition(),
        )
    ).all()
    strategies: dict[int, list[tuple[int, date]]] = {}
    instance_ids = sorted({r.instance_id for r in found})
    for part in _chunks(instance_ids):
        for meeting_id, instance_id, held in db.session.execute(
            select(Meeting.id, Meeting.instance_id, Meeting.held_on).where(
                Meeting.kind == "strategy_discussion", Meeting.instance_id.in_(part)
            )
        ):
            strategies.setdefault(instance_id, []).append((meeting_id, held))
    # The diagram keeps the date of the last strategy discussion completed before the conference:
    # meetings are numbered in the order they were recorded.
    paired = []
    for meeting_id, case_id, instance_id, held, by in found:
        earlier = [s for s in strategies.get(instance_id, []) if s[0] < meeting_id]
        last = max(earlier)[1] if earlier else None
        paired.append((case_id, last, held, by))
    count = WorkingDayCount.spanning([d for r in paired for d in (r[1], r[2]) if d is not None])
    rows = []
    for case_id, strategy, held, by in paired:
        if strategy is None:
            rows.append(Row(case_id, None, held, None, by, "no_strategy"))
            continue
        days = count.between(strategy, held)
        band = "on_time" if days <= ICPC_WORKING_DAYS else "over"
        rows.append(Row(case_id, strategy, held, days, by, band))
    return rows


def _meetings_by_due(kind: str) -> Callable[[Scope, Period], list[Row]]:
    def rows(scope: Scope, period: Period) -> list[Row]:
        found = db.session.execute(
            select(Meeting.case_id, Meeting.held_on, HumanTask.due_at, Meeting.recorded_by_id)
            .join(HumanTask, HumanTask.id == Meeting.task_id)
            .where(
                Meeting.kind == kind,
                Meeting.held_on >= period.start,
                Meeting.held_on <= period.end,
                scope.condition(),
            )
        ).all()
        result = []
        for case_id, held, due_at, by in found:
            due = _london(due_at) if due_at is not None else held
            late = max(0, (held - due).days)
            result.append(Row(case_id, due, held, late, by, "over" if late else "on_time"))
        return result

    return rows


def consent_rows(scope: Scope, now: datetime) -> list[Row]:
    """Cases whose Early Help consent task is open, with the working days it has been open."""
    found = db.session.execute(
        select(HumanTask.case_id, HumanTask.created_at, HumanTask.assignee_id).where(
            HumanTask.state == TaskState.OPEN, HumanTask.bpmn_id == CONSENT_TASK, scope.condition()
        )
    ).all()
    today = _london(now)
    count = WorkingDayCount.spanning([today] + [_london(c) for _, c, _ in found])
    rows: dict[int, Row] = {}
    for case_id, created, holder in sorted(found, key=lambda r: r[1]):
        if case_id in rows:
            continue  # the longest wait of the case
        since = _london(created)
        days = count.between(since, today)
        band = next(k for k, _, low, high in CONSENT_WAITS if days >= low and (high is None or days <= high))
        rows[case_id] = Row(case_id, since, None, days, holder, band)
    return list(rows.values())


def latest_day_waited(today: date, n: int) -> date:
    """The latest day from which `n` working days have passed by `today` (day 0 not counted)."""
    day = today
    while working_days_between(day, today) < n:
        day -= timedelta(days=1)
    return day


def consent_summary(scope: Scope, now: datetime) -> Summary:
    """consent_rows' bands counted by the database: each band's edges are instants (London
    midnight after the last day that has waited long enough), so no row comes back."""
    today = _london(now)
    edge = {n: london_midnight(latest_day_waited(today, n) + timedelta(days=1)) for n in (5, 11)}
    cases = func.count(HumanTask.case_id.distinct())
    found = db.session.execute(
        select(
            cases,
            cases.filter(HumanTask.created_at >= edge[5]),
            cases.filter(HumanTask.created_at < edge[5], HumanTask.created_at >= edge[11]),
            cases.filter(HumanTask.created_at < edge[11]),
        ).where(HumanTask.state == TaskState.OPEN, HumanTask.bpmn_id == CONSENT_TASK, scope.condition())
    ).one()
    total, under_5, five_to_10, over_10 = (int(n or 0) for n in found)
    counts = {"all": total, "under_5": under_5, "5_10": five_to_10, "over_10": over_10}
    return Summary(FIGURES["consent"], total, counts)


ROWS: dict[str, Callable[[Scope, Period], list[Row]]] = {
    "assessments": assessment_rows,
    "icpcs": icpc_rows,
    "core_groups": _meetings_by_due("core_group"),
    "reviews": _meetings_by_due("cp_review_conference"),
}


def figure_rows(figure: str, scope: Scope, period: Period, now: datetime) -> list[Row]:
    """Every row behind a figure (KeyError for a figure that does not exist)."""
    if figure == "consent":
        return consent_rows(scope, now)
    return ROWS[figure](scope, period)


@dataclass
class Summary:
    figure: Figure
    total: int
    counts: dict[str, int]  # band and group keys to counts

    @property
    def within(self) -> int:
        return self.counts.get("within", 0)

    @property
    def percent_within(self) -> int | None:
        return None if not self.total else round(100 * self.within / self.total)


def summarise(figure: Figure, rows: Iterable[Row]) -> Summary:
    listed = list(rows)
    counts = {key: sum(1 for r in listed if figure.holds(r, key)) for key in figure.band_keys()}
    return Summary(figure, len(listed), counts)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
