"""Forms for attendance support (processes/attendance_support.bpmn), one per formKey.

Field names are task-data keys the diagram reads: `next_step` and `review_outcome` route the case,
`meeting_date`, `next_review_date` and `tsm_date` set later tasks' due dates, `support_offered`
and `support_result` guard the legal-planning outcome (support first), and
`referral_reasons`, `barriers_detail` and `attendance_now_percent` travel with a hand-off.
A meeting, its repeat and each plan review write the same keys every round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import wtforms
from wtforms import ValidationError

from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    number,
    optional_radio,
    radio,
    registered,
    required_if,
    text,
    textarea,
)

BARRIERS = (
    "health=Physical or mental health | send=Special educational needs or disability not being met"
    " | anxiety=Anxiety or emotionally based school avoidance | bullying=Bullying or friendship problems"
    " | caring=Caring for someone at home | family=Family circumstances, such as bereavement or separation"
    " | housing=Housing or money worries | transport=Getting to school"
    " | engagement=The family does not see regular attendance as important | other=Something else"
)
SUPPORT = (
    "first_day_calling=First-day calling | pastoral=Pastoral support or a mentor"
    " | adjustments=Reasonable adjustments, such as a soft start | health=School nurse or a health referral"
    " | send=SEND support or a review of the child's needs | early_help=An offer of Early Help"
    " | transport=Help getting to school | breakfast_club=Breakfast club | other=Other support"
)
TAKEN_UP = "accepted=Yes, all of it | partly=Some of it | declined=No, the family declined it"
NEXT_STEP = (
    "plan=Agree an attendance plan"
    " | safeguarding=Refer to children's social care now: there is a safeguarding concern"
    " | health=Refer to the medical needs pathway: the child cannot attend because of their health"
    " | child_not_found=Notify the local authority that the child is missing education: we cannot find them"
)
REFER_ON = ("safeguarding", "health", "child_not_found")

HINTS = {
    "first_day_calling": "Someone should call the family on the first day of every unexplained absence.",
    "meeting_date": "The date you met, or the date of your last attempt to arrange the meeting.",
    "meeting_attendees": "Name and role, for example Sam Begum, mother; Jo Smith, Head of Year 8.",
    "meeting_not_held_reason": "What you tried, and how you told the family about the support on offer.",
    "attendance_now_percent": "The pupil's attendance this school year, for example 84.5",
    "child_views": "In the child's own words where you can.",
    "barriers": "Select all that apply, in school and at home.",
    "barriers_detail": "What the child and family told you, and what you have seen in school.",
    "support_offered": "Select all the support you have offered.",
    "support_declined_reason": "What the family said, and what else you could offer.",
    "plan_actions": "What the school, the family and anyone else will do, and by when.",
    "next_review_date": "Give the plan long enough to work. For example, 27 3 2027",
    "next_step": "Choose a referral only if it is needed now; otherwise agree a plan.",
    "referral_reasons": "What you are worried about, what support has been tried and why this is needed.",
    "plan_lead": "The person who coordinates the plan and is the family's main contact.",
    "target_attendance_percent": "For example, 92",
    "needs_multi_agency": "For example, health, housing or SEND services need to be involved.",
    "tsm_date": "Leave blank if not yet known: ACE will arrange the discussion.",
    "tsm_attendees": "Include the school's attendance lead and the Early Help single point of contact.",
    "tsm_school_update": (
        "Contact with the family, the barriers, strategies tried, and whether Early Help was offered."
    ),
    "tsm_actions": "Who will do what, and by when.",
    "lead_practitioner": "Name and service, for example Jo Smith, Riverside Primary (usually the school).",
    "review_progress": "Attendance since the plan started, and whether each action was done.",
    "support_result": "Legal planning is possible only when support was not taken up or did not work.",
    "review_outcome": "Support comes first: refer for legal planning only after support has been tried.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def _labels(form_cls: Any, name: str, values: Any) -> str:
    words = form_cls.choice_labels().get(name, {})
    items = values if isinstance(values, list) else [values]
    return ", ".join(words.get(str(v), str(v)) for v in items if v)


class _FamilyMeeting(TaskForm):
    """What every meeting with the family records: who came, the barriers, the support, what next."""

    meeting_kind = "attendance_meeting"

    meeting_held = radio("Did you meet the family?", YES_NO, "Select whether you met the family")
    meeting_date = GovDateField(
        "Date of the meeting", "Enter the date of the meeting or of your last attempt", limit="past"
    )
    meeting_attendees = textarea("Who came to the meeting?")
    meeting_not_held_reason = textarea("Why did the meeting not happen?")
    attendance_now_percent = number(
        "Attendance now (%)", "Enter the pupil's attendance now", "Attendance now"
    )
    barriers = checkboxes("What is getting in the way of attendance?", BARRIERS)
    barriers_detail = textarea("Tell us more about the barriers")
    support_offered = checkboxes("What support have you offered?", SUPPORT)
    support_taken_up = optional_radio("Has the family taken up the support?", TAKEN_UP)
    support_declined_reason = textarea("Why did the family not take up the support?")

    validate_meeting_attendees = required_if("meeting_held", "yes", "Enter who came to the meeting")
    validate_meeting_not_held_reason = required_if(
        "meeting_held", "no", "Enter why the meeting did not happen"
    )
    validate_barriers = required_if("next_step", "plan", "Select what is getting in the way of attendance")
    validate_barriers_detail = required_if("next_step", "plan", "Enter more about the barriers")
    validate_support_offered = required_if("next_step", "plan", "Select the support you have offered")
    validate_support_declined_reason = required_if(
        "support_taken_up", ("partly", "declined"), "Enter why the family did not take up the support"
    )
    validate_referral_reasons = required_if("next_step", REFER_ON, "Enter why you are referring the child on")

    def validate_support_taken_up(self, field: wtforms.Field) -> None:
        if self.next_step.data == "plan" and field.data not in ("accepted", "partly", "declined"):
            raise ValidationError("Select whether the family has taken up the support")

    @classmethod
    def meeting_record(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        labels = cls.field_labels()
        parts = [
            f"{labels['barriers']}\n{_labels(cls, 'barriers', data.get('barriers'))}",
            f"{labels['barriers_detail']}\n{data.get('barriers_detail') or ''}",
            f"{labels['support_offered']}\n{_labels(cls, 'support_offered', data.get('support_offered'))}",
            f"{labels['support_taken_up']}\n{_labels(cls, 'support_taken_up', data.get('support_taken_up'))}",
        ]
        return {
            "held_on": data.get("meeting_date") if data.get("meeting_held") == "yes" else None,
            "attendees": data.get("meeting_attendees") or "",
            "decisions": "\n\n".join(p for p in parts if not p.endswith("\n")),
            "outcome": _labels(cls, "next_step", data.get("next_step")),
            "next_due": data.get("next_review_date"),
        }


# registered() gives hints to a class's own fields; the shared meeting fields get theirs here.
for _name, _field in vars(_FamilyMeeting).items():
    if isinstance(_field, wtforms.fields.core.UnboundField) and _name in HINTS:
        _field.kwargs["description"] = HINTS[_name]


@form("attendance.early_actions")
class EarlyActionsForm(_FamilyMeeting):
    first_day_calling = radio(
        "Is the school calling the family on each first day of absence?",
        YES_NO,
        "Select whether the school is calling on each first day of absence",
    )
    plan_actions = textarea("What is in the attendance plan?")
    next_review_date = GovDateField("Date to review the plan", limit="future")
    next_step = radio("What happens next?", NEXT_STEP, "Select what happens next")
    referral_reasons = textarea("Why are you referring the child on?")

    validate_plan_actions = required_if("next_step", "plan", "Enter what is in the attendance plan")
    validate_next_review_date = required_if("next_step", "plan", "Enter the date to review the plan")


@form("attendance.meeting")
class AttendanceMeetingForm(_FamilyMeeting):
    child_views = textarea("What does the child say?")
    next_step = radio("What happens next?", NEXT_STEP, "Select what happens next")
    referral_reasons = textarea("Why are you referring the child on?")

    validate_child_views = required_if("meeting_held", "yes", "Enter what the child says")


@form("attendance.plan")
class AttendancePlanForm(TaskForm):
    plan_actions = textarea("What will each person do?", "Enter what each person will do")
    plan_lead = text("Who leads the plan?", "Enter who leads the plan")
    target_attendance_percent = number(
        "Attendance the plan aims for (%)", "Enter the attendance the plan aims for", "Target attendance"
    )
    next_review_date = GovDateField(
        "Date of the first plan review", "Enter the date of the first plan review", limit="future"
    )
    needs_multi_agency = radio(
        "Do the barriers need help from other agencies?",
        YES_NO,
        "Select whether the barriers need help from other agencies",
    )
    tsm_date = GovDateField("Date of the next targeting support meeting", limit="future")


@form("attendance.tsm")
class TargetingSupportMeetingForm(TaskForm):
    meeting_kind = "targeting_support_meeting"
    meeting_fields = {
        "held_on": "tsm_held_on",
        "attendees": "tsm_attendees",
        "decisions": ("tsm_school_update", "lead_practitioner"),
        "actions": "tsm_actions",
        "outcome": "tsm_decision",
    }

    tsm_held_on = GovDateField(
        "Date of the targeting support meeting", "Enter the date of the meeting", limit="past"
    )
    tsm_attendees = textarea("Who was at the meeting?", "Enter who was at the meeting")
    attendance_now_percent = number(
        "Attendance now (%)", "Enter the pupil's attendance now", "Attendance now"
    )
    tsm_school_update = textarea("What did the school report?", "Enter what the school reported")
    tsm_actions = textarea("What actions were agreed?", "Enter the actions agreed")
    lead_practitioner = text("Lead practitioner", "Enter the lead practitioner")
    tsm_decision = radio(
        "What did the meeting decide?",
        "continue=Continue the attendance plan with the agreed actions"
        " | early_help=Refer the family for whole-family Early Help support"
        " | safeguarding=Refer to children's social care: there is a safeguarding concern",
        "Select what the meeting decided",
    )
    referral_reasons = textarea("Why are you referring the family?")

    validate_referral_reasons = required_if(
        "tsm_decision", ("early_help", "safeguarding"), "Enter why you are referring the family"
    )


@form("attendance.review")
class AttendancePlanReviewForm(TaskForm):
    meeting_kind = "attendance_plan_review"
    meeting_fields = {
        "held_on": "review_held_on",
        "attendees": "review_attendees",
        "decisions": ("review_child_views", "review_progress", "referral_reasons"),
        "outcome": "review_outcome",
        "next_due": "next_review_date",
    }

    review_held_on = GovDateField("Date of the review", "Enter the date of the review", limit="past")
    review_attendees = textarea("Who came to the review?", "Enter who came to the review")
    attendance_now_percent = number(
        "Attendance now (%)", "Enter the pupil's attendance now", "Attendance now"
    )
    review_child_views = textarea("What does the child say?", "Enter what the child says")
    review_progress = textarea("What progress has been made?", "Enter the progress made")
    support_result = radio(
        "How has the family responded to the support?",
        "working=The family has engaged and the support is working"
        " | not_working=The family has engaged but the support is not working"
        " | not_engaged=The family has not engaged with the support offered",
        "Select how the family has responded to the support",
    )
    review_outcome = radio(
        "What happens next?",
        "improved=Attendance has improved: close the plan"
        " | continue=Continue the plan, with any changes agreed"
        " | meet_again=Meet the family again and agree a revised plan"
        " | tsm=Discuss at the targeting support meeting: the barriers need other agencies"
        " | early_help=Refer for whole-family Early Help support"
        " | legal_planning=Refer for legal planning: support was not engaged with or did not work"
        " | health=Refer to the medical needs pathway"
        " | child_not_found=Notify as missing education: we cannot find the child"
        " | safeguarding=Refer to children's social care: there is a safeguarding concern",
        "Select what happens next",
    )
    next_review_date = GovDateField("Date of the next review", limit="future")
    tsm_date = GovDateField("Date of the next targeting support meeting", limit="future")
    referral_reasons = textarea("Why are you referring the child on?")

    validate_next_review_date = required_if(
        "review_outcome", ("continue", "tsm"), "Enter the date of the next review"
    )
    validate_referral_reasons = required_if(
        "review_outcome",
        ("early_help", "legal_planning", "health", "child_not_found", "safeguarding"),
        "Enter why you are referring the child on",
    )

    def validate_review_outcome(self, field: wtforms.Field) -> None:
        if field.data == "legal_planning" and self.support_result.data == "working":
            raise ValidationError(
                "Legal planning comes only after support was not engaged with or did not work:"
                " select another outcome"
            )
