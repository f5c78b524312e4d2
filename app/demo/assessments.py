"""Demo child and family assessments (processes/cas_assessment.bpmn) over the past months.

Each is referred straight to CAS (or stepped up from Early Help), decided, allocated, assessed
and authorised on its own days, so the assessments a manager reads back fall in every band the
Children in Need census counts (working days from the referral to the authorisation: same
day, 1-10, 11-20, 21-30, 31-40, 41-45, 46-50, 51-60, 61 or more), and some still open have
passed their 45 working days: the diagram's timers fired when the deadline passed and asked
why the assessment is late.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from app.cases.services import Referral
from app.demo.clock import catch_up, complete, moment, refer, working_moment
from app.demo.queries import open_task
from app.models import Case, HumanTask, User
from app.timescales.working_days import add_working_days, is_working_day

MANAGER, WORKER = "manager@example.org", "social.worker@example.org"
REASONS = "Repeated absence with neglect indicators; a section 17 assessment is needed."

# (working days from referral to authorisation, weeks ago it was authorised, outcome)
AUTHORISED: list[tuple[int, int, str]] = [
    (0, 3, "no_further_action"),
    (4, 9, "no_further_action"),
    (8, 19, "child_in_need"),
    (15, 6, "step_down_early_help"),
    (18, 15, "no_further_action"),
    (25, 11, "child_in_need"),
    (29, 21, "no_further_action"),
    (36, 5, "no_further_action"),
    (39, 13, "child_in_need"),
    (43, 8, "no_further_action"),
    (48, 12, "no_further_action"),
    (55, 4, "child_in_need"),
    (67, 2, "no_further_action"),
]
# (working days since the referral, how far it has gone) for assessments still open.
OPEN: list[tuple[int, str]] = [
    (12, "assessing"),
    (38, "assessing"),  # the reminder before the deadline has come
    (52, "assessing"),  # past 45 working days: why is it late?
    (64, "delay_recorded"),  # past 45, the delay explained, still not finished
    (49, "authorising"),  # finished in time, waiting for the manager to authorise it
]


def working_day_back(day: date) -> date:
    """The day, or the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def decide_and_allocate(
    case: Case, people: dict[str, User], referred: date, allocated_after: int = 1
) -> None:
    """The manager decides on an assessment the day of the referral and allocates a social worker."""
    manager = people[MANAGER]
    if task := open_task(case, "cas.referral_decision"):
        data = {
            "referral_decision": "assessment",
            "referral_decision_reasons": REASONS,
            "referrer_told": "yes",
        }
        complete(task, data, manager, on=moment(referred, 12))
    if task := open_task(case, "cas.allocate"):
        allocated = add_working_days(referred, allocated_after)
        data = {
            "social_worker_name": "Chris Okafor",
            "allocated_on": allocated.isoformat(),
            "allocation_plan": "See the child alone at school this week; health and police checks.",
        }
        complete(task, data, manager, on=moment(allocated, 13))


def _soon_after(task: HumanTask, by: datetime) -> datetime:
    """A day after the task was asked for, or before `by` if that is sooner."""
    return max(task.created_at + timedelta(minutes=30), min(task.created_at + timedelta(days=1), by))


def _answer_escalations(case: Case, people: dict[str, User], on_track: str, by: datetime) -> None:
    """Answer the reminder and explain a delay, where the diagram asked by `by`, soon after it asked."""
    catch_up(by, case)

    def who(task: HumanTask) -> User:
        return people[MANAGER] if task.required_role == "manager" else people[WORKER]

    if task := open_task(case, "cas.assessment_reminder"):
        note = (
            "Seen twice; the health report is the last piece." if on_track == "yes" else "Police checks late."
        )
        data = {"assessment_on_track": on_track, "reminder_note": note}
        complete(task, data, who(task), on=_soon_after(task, by))
    if task := open_task(case, "cas.record_delay"):
        asked = task.created_at.date()
        data = {
            "delay_reason": "The family missed two visits; the paediatric report came late.",
            "expected_completion_date": (asked + timedelta(days=12)).isoformat(),
            "delay_action_agreed": "Visit booked with the school; the manager chases health.",
        }
        complete(task, data, who(task), on=_soon_after(task, by))


def assess(case: Case, people: dict[str, User], referred: date, finished_after: int) -> None:
    """The social worker completes the assessment `finished_after` working days after the referral."""
    worker = people[WORKER]
    finished = add_working_days(referred, finished_after)
    _answer_escalations(case, people, "yes" if finished_after <= 45 else "no", moment(finished, 10))
    if task := open_task(case, "cas.assessment"):
        data = {
            "child_seen": "yes",
            "child_seen_on": add_working_days(referred, max(finished_after - 3, 0)).isoformat(),
            "child_views": "I want to go to school but mornings at home are hard.",
            "assessment_analysis": "Needs met only with coordinated support; no significant harm found.",
            "assessment_completed_on": finished.isoformat(),
        }
        complete(task, data, worker, on=moment(finished, 11 if finished_after else 13))


def authorise(case: Case, people: dict[str, User], on: date, outcome: str) -> None:
    """The manager authorises the assessment on `on` and records its outcome."""
    manager = people[MANAGER]
    _answer_escalations(case, people, "no", moment(on, 14))
    if task := open_task(case, "cas.authorise"):
        data = {"authorisation_decision": "authorised", "authorisation_notes": "Analysis is sound."}
        complete(task, data, manager, on=moment(on, 15))
    if task := open_task(case, "cas.record_delay"):  # authorised after the 45 working days
        data = {
            "delay_reason": "Authorised late: the manager was on leave and the cover manager had no slot.",
            "expected_completion_date": (on + timedelta(days=3)).isoformat(),
            "delay_action_agreed": "Authorisations are covered during leave from now on.",
        }
        complete(task, data, manager, on=moment(on, 15, 40))
    if task := open_task(case, "cas.outcome"):
        reasons = {
            "child_in_need": "Child in need under section 17: a plan led by children's social care.",
            "step_down_early_help": "Needs can be met by Early Help with the family's agreement.",
            "no_further_action": "No unmet needs found; the school keeps its support going.",
        }
        data = {
            "assessment_outcome": outcome,
            "outcome_reasons": reasons[outcome],
            "early_help_consent": "yes" if outcome == "step_down_early_help" else "",
            "family_told": "yes",
        }
        complete(task, data, manager, on=moment(on, 16))


def assess_fully(case: Case, people: dict[str, User], referred: date, days: int, outcome: str) -> None:
    """Decide, allocate, assess and authorise: `days` working days from referral to authorisation."""
    if days == 0:  # all on the day of the referral
        worker = people[WORKER]
        decide_and_allocate(case, people, referred, allocated_after=0)
        if task := open_task(case, "cas.assessment"):
            data = {
                "child_seen": "yes",
                "child_seen_on": referred.isoformat(),
                "child_views": "Says home is fine and he wants to stay at his school.",
                "assessment_analysis": "A single worry, explained; no unmet needs.",
                "assessment_completed_on": referred.isoformat(),
            }
            complete(task, data, worker, on=moment(referred, 14))
    else:
        decide_and_allocate(case, people, referred)
        assess(case, people, referred, days - 2 if days > 2 else days)
    authorise(case, people, add_working_days(referred, days), outcome)


def seed(people: dict[str, User], today: date, rng: random.Random, referrals: list[Referral]) -> list[Case]:
    """Open the demo's direct CAS assessments from `referrals` (one each, as many as there are
    AUTHORISED and OPEN entries); returns the cases whose assessment was authorised."""
    manager = people[MANAGER]
    authorised = []
    for (days, weeks_ago, outcome), referral in zip(AUTHORISED, referrals, strict=False):
        done = working_day_back(today - timedelta(weeks=weeks_ago))
        referred = add_working_days(done, -days)
        case = refer(_dated(referral, referred), manager, "cas_assessment")
        assess_fully(case, people, referred, days, outcome)
        authorised.append(case)
    for (days_ago, stage), referral in zip(OPEN, referrals[len(AUTHORISED) :], strict=False):
        referred = add_working_days(working_day_back(today), -days_ago)
        case = refer(_dated(referral, referred), manager, "cas_assessment")
        decide_and_allocate(case, people, referred)
        if stage == "delay_recorded":
            _answer_escalations(case, people, "no", working_moment(referred, 47))
        elif stage == "authorising":
            assess(case, people, referred, 44)
    del rng
    return authorised


def _dated(referral: Referral, referred: date) -> Referral:
    return Referral(**{**referral.__dict__, "referral_date": referred})


def total() -> int:
    """How many cases seed opens."""
    return len(AUTHORISED) + len(OPEN)
