"""The chronology's entries, the kinds a reader filters them by, and answers in the reader's words.

Nothing here reads the database: the sources (app/chronology/sources.py) turn rows already read
into entries, with the names of people, teams and processes handed to them in `Lookups`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Key (as the query string names it) -> what the filter calls it, in the order the page lists them.
KINDS: dict[str, str] = {
    "referral": "Referrals and pathways started",
    "decision": "Decisions",
    "meeting": "Meetings",
    "form": "Forms submitted",
    "timer": "Timers, deadlines and escalations",
    "allocation": "Claims, releases and reassignments",
    "handoff": "Hand-offs between processes",
    "finished": "Processes finished",
    "suspension": "Suspensions and resumptions",
    "incident": "Incidents",
    "notice": "Notices and register entries",
    "other": "Other changes",
}

# What one entry of each kind is called in its row.
KIND_LABELS: dict[str, str] = {
    "referral": "Referral",
    "decision": "Decision",
    "meeting": "Meeting",
    "form": "Form",
    "timer": "Timer",
    "allocation": "Allocation",
    "handoff": "Hand-off",
    "finished": "Finished",
    "suspension": "Suspension",
    "incident": "Incident",
    "notice": "Notice",
    "other": "Change",
}

NOBODY = "System"
NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class Answer:
    """One answer of a form as submitted. `before` is the answer the same question had the last
    time it was answered on this case (in the same process), when it was different."""

    label: str
    value: str
    before: str | None = None

    @property
    def changed(self) -> bool:
        return self.before is not None


@dataclass(frozen=True)
class Entry:
    """One thing that happened on the case.

    `facts` are short labelled lines (the decision taken, a meeting's date and outcome);
    `detail` is free text (a reason, an error); `answers` a form's answers. `also` are further
    kinds the entry counts as when filtering (a meeting's task is a form submitted too).
    `rank` and `seq` order entries recorded at the same moment: a task before the process it
    finished, that process's end before the hand-off it started.
    """

    at: datetime
    kind: str
    what: str
    who: str = NOBODY
    process: str = ""
    detail: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    answers: tuple[Answer, ...] = ()
    also: frozenset[str] = frozenset()
    rank: int = 0
    seq: int = 0

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def kinds(self) -> frozenset[str]:
        return self.also | {self.kind}

    @property
    def changes(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.changed)

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, self.rank, self.seq)


# The order of entries recorded at the same moment (see Entry.rank).
RANK_REFERRAL, RANK_STARTED, RANK_RAISED, RANK_EVENT, RANK_TASK = 0, 1, 2, 3, 4
RANK_RECORD, RANK_FINISHED, RANK_HANDED_ON, RANK_RESOLVED = 5, 6, 7, 8


@dataclass(frozen=True)
class ProcessRun:
    """What the chronology needs of one process instance on the case (never its saved state)."""

    id: int
    process_id: str
    name: str
    version_id: int
    status: str
    started_at: datetime
    completed_at: datetime | None = None
    end_event: str = ""
    started_by_id: int | None = None  # the instance whose message started this one
    start_message: str = ""


@dataclass(frozen=True)
class FormText:
    """The words of one task's form: field labels, and each choice field's options."""

    labels: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookups:
    """Names read once for the whole chronology: people and teams by id, the case's processes by
    instance id, each completed task's form by task id, and labels for calculated answers."""

    people: Mapping[int, str] = field(default_factory=dict)
    teams: Mapping[int, str] = field(default_factory=dict)
    runs: Mapping[int, ProcessRun] = field(default_factory=dict)
    forms: Mapping[str, FormText] = field(default_factory=dict)
    calculated: Mapping[str, str] = field(default_factory=dict)

    def person(self, user_id: int | None) -> str:
        if user_id is None:
            return NOBODY
        return self.people.get(user_id, "A former user")

    def process(self, instance_id: int | None) -> str:
        run = self.runs.get(instance_id) if instance_id is not None else None
        return run.name if run is not None else ""

    def form(self, task_id: str) -> FormText:
        return self.forms.get(task_id, FormText())

    def label(self, task_id: str, key: str) -> str:
        return self.form(task_id).labels.get(key) or self.calculated.get(key) or _words(key)


def _words(key: str) -> str:
    """A field's key as words, for an answer whose form is gone ('review_outcome' -> 'Review outcome')."""
    return key.replace("_", " ").strip().capitalize() or key


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shown(value: Any, choices: Mapping[str, str] | None = None) -> str:
    """An answer as the person who gave it would read it: the chosen option's words, Yes or No,
    a date as a date, several choices joined."""
    choices = choices or {}
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value is None or value == "" or value == []:
        return NOT_GIVEN
    if isinstance(value, list):
        return ", ".join(shown(v, choices) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if text in choices:
        return choices[text]
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%b %Y}"
    return text


def same_answer(before: Any, after: Any) -> bool:
    """Two answers say the same (a blank is a blank, however it was sent)."""
    blank: tuple[Any, ...] = (None, "", [])
    if before in blank and after in blank:
        return True
    return bool(before == after)
