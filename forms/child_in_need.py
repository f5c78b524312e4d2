"""Forms for the child in need plan (processes/child_in_need_plan.bpmn), one per formKey.

A form whose task records a meeting says so with `meeting_kind` and `meeting_fields` (which
of its fields are the meeting's date, attendees, decisions, outcome and next due date); the
meeting is then kept in the case's meeting history (app/meetings/services.py), not only in
the workflow. Review fields have the same names every round, so each review overwrites the
last one's keys in the workflow data instead of adding new ones.
"""

from __future__ import annotations

from typing import Any

from forms.base import TaskForm
from forms.fields import GovDateField, radio, registered, required_if, textarea

HINTS = {
    "planning_attendees": "Name and role, for example Sam Jones, mother; Jo Smith, Head of Year 8.",
    "planning_decisions": "What each person will do, by when, and how you will know it has worked.",
    "first_review_date": "Within 3 months of the plan starting. For example, 27 3 2026",
    "review_attendees": "Name and role, for example Sam Jones, mother; Jo Smith, Head of Year 8.",
    "review_child_views": "In the child's own words where you can.",
    "review_progress": "Progress against each outcome in the plan since the last review.",
    "review_decisions": "Changes to the plan, who will do what, and by when.",
    "next_review_date": "Within 3 months of this review. For example, 27 3 2026",
    "cin_end_summary": "What has changed for the child, and what support continues.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


@form("cin.planning_meeting")
class PlanningMeetingForm(TaskForm):
    meeting_kind = "cin_planning"
    meeting_fields = {
        "held_on": "planning_held_on",
        "attendees": "planning_attendees",
        "decisions": ("planning_child_views", "planning_decisions"),
        "next_due": "first_review_date",
    }

    planning_held_on = GovDateField(
        "Date of the planning meeting", "Enter the date of the planning meeting", limit="past"
    )
    planning_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    planning_child_views = textarea("What does the child think?", "Enter the child's views")
    planning_decisions = textarea("What was agreed?", "Enter what was agreed")
    first_review_date = GovDateField("Date of the first review", "Enter the date of the first review")


@form("cin.review")
class ReviewForm(TaskForm):
    meeting_kind = "cin_review"
    meeting_fields = {
        "held_on": "review_held_on",
        "attendees": "review_attendees",
        "decisions": ("review_child_views", "review_progress", "review_decisions"),
        "outcome": "review_outcome",
        "next_due": "next_review_date",
    }

    review_held_on = GovDateField("Date of the review", "Enter the date of the review", limit="past")
    review_attendees = textarea("Who came to the review?", "Enter who came to the review")
    review_child_views = textarea("What does the child think?", "Enter the child's views")
    review_progress = textarea("What progress has been made?", "Enter the progress made")
    review_decisions = textarea("What was decided?", "Enter what was decided")
    review_outcome = radio(
        "What is the outcome of the review?",
        "continue=Continue the plan as it is | change=Continue with changes to the plan | end=End the plan",
        "Select the outcome of the review",
    )
    next_review_date = GovDateField("Date of the next review")

    validate_next_review_date = required_if(
        "review_outcome", ("continue", "change"), "Enter the date of the next review"
    )


@form("cin.end_plan")
class EndPlanForm(TaskForm):
    cin_end_reason = radio(
        "Why is the child in need plan ending?",
        "outcomes_met=The outcomes of the plan have been met"
        " | step_down=The family will be supported by Early Help"
        " | step_up=The child needs a child protection plan",
        "Select why the plan is ending",
    )
    cin_end_date = GovDateField("Date the plan ends", "Enter the date the plan ends")
    cin_end_summary = textarea("Summary", "Enter a summary")
