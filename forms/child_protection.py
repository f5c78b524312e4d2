"""Forms for the child protection plan (processes/child_protection_plan.bpmn), one per formKey.

Meetings are declared as in forms/child_in_need.py (`meeting_kind`, `meeting_fields`). Review
conference fields have the same names every round, so each one overwrites the last in the
workflow data; the history is in the case's meeting records.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import wtforms
from dateutil.relativedelta import relativedelta
from wtforms import ValidationError

from app.timescales.settings import local_setting
from forms.base import TaskForm
from forms.fields import GovDateField, radio, registered, require, textarea

HINTS = {
    "core_group_attendees": "Name and role, for example Sam Jones, mother; Jo Smith, Head of Year 8.",
    "core_group_decisions": "The detailed plan: who does what, by when, and how the child will be seen.",
    "next_core_group_date": "No more than the local interval after this meeting (usually 4 to 6 weeks). "
    "For example, 27 3 2026",
    "conference_attendees": "Name and role, including the chair. Say who sent a report but did not come.",
    "conference_child_views": "In the child's own words where you can, or how they were represented.",
    "conference_decisions": "Whether the child is still at risk of harm, and changes to the plan.",
    "next_conference_date": "The next review is due on this date: no more than 6 months after this"
    " conference, or sooner if your council has set a shorter interval. For example, 27 3 2026",
    "cp_end_summary": "What has changed for the child, and what support continues.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


@form("cp.core_group")
class CoreGroupForm(TaskForm):
    meeting_kind = "core_group"
    meeting_fields = {
        "held_on": "core_group_held_on",
        "attendees": "core_group_attendees",
        "decisions": "core_group_decisions",
        "next_due": "next_core_group_date",
    }

    core_group_held_on = GovDateField(
        "Date of the core group meeting", "Enter the date of the core group meeting", limit="past"
    )
    core_group_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    core_group_decisions = textarea("What was agreed?", "Enter what was agreed")
    next_core_group_date = GovDateField(
        "Date of the next core group meeting", "Enter the date of the next core group meeting"
    )

    def validate_next_core_group_date(self, field: wtforms.Field) -> None:
        held = self.core_group_held_on.data
        if field.data is None or held is None:
            return
        weeks = local_setting("core_group_interval_weeks")
        if field.data <= held:
            raise ValidationError("The next core group must be after this one")
        if field.data > held + timedelta(weeks=weeks):
            raise ValidationError(f"The next core group must be within {weeks} weeks of this one")


@form("cp.review_conference")
class ReviewConferenceForm(TaskForm):
    meeting_kind = "cp_review_conference"
    meeting_fields = {
        "held_on": "conference_held_on",
        "attendees": "conference_attendees",
        "decisions": ("conference_child_views", "conference_decisions"),
        "outcome": "conference_outcome",
        "next_due": "next_conference_date",
    }

    conference_held_on = GovDateField(
        "Date of the review conference", "Enter the date of the review conference", limit="past"
    )
    conference_attendees = textarea("Who came to the conference?", "Enter who came to the conference")
    conference_child_views = textarea("What does the child think?", "Enter the child's views")
    conference_decisions = textarea("What did the conference decide?", "Enter what the conference decided")
    conference_outcome = radio(
        "Does the child still need a child protection plan?",
        "continue=Yes, the plan continues | step_down=No, step down to a child in need plan"
        " | end=No, no plan is needed",
        "Select whether the child still needs a child protection plan",
    )
    next_conference_date = GovDateField("Date of the next review conference")

    def validate_next_conference_date(self, field: wtforms.Field) -> None:
        # Each review is due no more than 6 months after the review actually held (Working
        # Together 2023), not after the date it was planned for: the diagram uses this date.
        if self.conference_outcome.data == "continue":
            require(field, "Enter the date of the next review conference")
        held = self.conference_held_on.data
        if not isinstance(field.data, date) or not isinstance(held, date):
            return
        months = local_setting("cp_review_months")
        if field.data <= held:
            raise ValidationError("The next review conference must be after this one")
        if field.data > held + relativedelta(months=months):
            raise ValidationError(f"The next review conference must be within {months} months of this one")


@form("cp.end_plan")
class EndPlanForm(TaskForm):
    cp_end_reason = radio(
        "Why is the child protection plan ending?",
        "step_down=A review conference decided to step down to a child in need plan"
        " | no_plan=A review conference decided no plan is needed",
        "Select why the plan is ending",
    )
    cp_end_date = GovDateField("Date the plan ends", "Enter the date the plan ends")
    cp_end_summary = textarea("Summary", "Enter a summary")
