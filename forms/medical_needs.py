"""Forms for education for children with health needs (processes/medical_needs.bpmn), one per formKey.

Section 19 of the Education Act 1996 and the DfE guidance of December 2023.
Dates the diagram counts school days from (the first day missed, the expected and planned
return) must be school days in the council's loaded term dates, so the count never fails
later. No form asks the named officer to wait for specialist medical evidence: a decision
is valid on medical advice and other evidence alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import wtforms
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError
from wtforms.validators import Optional, StopValidation

from app.timescales.school_days import NoTermDates, is_school_day
from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    number,
    radio,
    registered,
    required_if,
    text,
    textarea,
)

STEP_UP_HINT = "What worries you, and what the child or family said. CAS will decide within 1 working day."
HINTS = {
    "health_absence_days": "Count the school days marked I (illness), and M where an appointment"
    " took the whole day.",
    "earlier_health_absence_days": "Only if the days missed were spread across the school year. Do not count"
    " the current absence.",
    "first_health_absence": "The first school day of the current absence, or of the last one if the child"
    " is back. For example, 2 11 2026",
    "expected_return_date": "Leave blank if nobody knows yet. For example, 11 1 2027",
    "will_miss_15_days": "The council should arrange education as soon as this is clear,"
    " not after the 15th day.",
    "school_support": "Include any individual healthcare plan and what the school sends home.",
    "medical_advice": "Select all that apply.",
    "other_evidence": "Select all that apply. These count as evidence:"
    " you do not need a consultant's letter.",
    "specialist_evidence": "Do not wait for specialist medical evidence before deciding.",
    "fifteen_day_test": "Consecutive or added up over the school year: the days missed in earlier absences"
    " and the days this absence is expected to last.",
    "medical_decision": "Decide on the evidence you have."
    " Cost is never a reason to refuse or reduce provision.",
    "school_continuing_support": "What the school will do under its duty to support pupils"
    " with medical conditions.",
    "step_up_reasons": STEP_UP_HINT,
    "decision_by_date": "For example, 4 12 2026",
    "provision_hours": "Full-time is usually about 25 hours a week for secondary-age children.",
    "part_time_health_reason": "The medical reason part-time is in the child's interests."
    " Not cost or capacity.",
    "school_told": "The child stays on the school's roll and is marked K while attending this education.",
    "exam_arrangements": "Entries, access arrangements and where the child will sit exams.",
    "review_child_views": "In the child's own words where you can.",
    "review_progress": "The education received against what was agreed, and the child's health.",
    "review_step_up_reasons": STEP_UP_HINT,
    "planned_return_date": "A school day. The reintegration meeting is due the school day before.",
    "reintegration_plan": "Phased timetable, who the child can go to, catch-up support,"
    " changes to the healthcare plan.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def _school_day(label: str) -> Any:
    """A validate_<field> rule: the date, if given, is a school day in the loaded term dates."""

    def validate(form: Any, field: wtforms.Field) -> None:
        if not isinstance(field.data, date):
            return
        try:
            ok = is_school_day(field.data)
        except NoTermDates:
            raise ValidationError(
                f"{label} is outside the term dates we hold: ask an administrator to add the term dates"
            ) from None
        if not ok:
            raise ValidationError(f"{label} must be a school day")

    return validate


EARLIER_DAYS = "School days missed in earlier absences"


def _earlier_days_needed(form: Any, field: wtforms.Field) -> None:
    """Asked only when the days missed are spread across the school year."""
    if form.absence_pattern.data == "cumulative" and not (field.raw_data or [""])[0].strip():
        field.errors[:] = []  # the empty box's typing error: say what to do instead
        raise StopValidation("Enter the number of school days missed in earlier absences")


@form("medical.school_return")
class SchoolReturnForm(TaskForm):
    absence_pattern = radio(
        "Were the days missed in one absence or spread across the school year?",
        "consecutive=In one continuous absence | cumulative=Spread across the school year",
        "Select whether the days missed were consecutive or cumulative",
    )
    health_absence_days = number(
        "How many school days has the child missed because of their health this school year?",
        "Enter the number of school days missed",
        "School days missed",
        whole=True,
    )
    earlier_health_absence_days = wtforms.IntegerField(
        "How many school days did the child miss because of their health in earlier absences"
        " this school year?",
        [_earlier_days_needed, Optional()],
        invalid_value_message=f"{EARLIER_DAYS} must be a whole number, like 12",
        widget=gov.GovTextInput(),
    )
    first_health_absence = GovDateField(
        "First school day missed in this absence", "Enter the first school day missed", limit="past"
    )
    expected_return_date = GovDateField("When is the child expected back at school?")
    will_miss_15_days = radio(
        "Is it clear the child will miss 15 school days or more because of their health this school year?",
        "yes=Yes | no=No | not_known=Not known yet",
        "Select whether it is clear the child will miss 15 school days or more",
    )
    health_needs = textarea("What are the child's health needs?", "Enter the child's health needs")
    school_support = textarea(
        "What is the school doing to support the child?", "Enter what the school is doing"
    )
    healthcare_plan = radio(
        "Does the child have an individual healthcare plan?",
        YES_NO,
        "Select whether the child has an individual healthcare plan",
    )

    validate_first_health_absence = _school_day("First school day missed")

    def validate_earlier_health_absence_days(self, field: wtforms.Field) -> None:
        if field.data is None:
            return
        if field.data < 0:
            raise ValidationError(f"{EARLIER_DAYS} must be 0 or more")
        total = self.health_absence_days.data
        if isinstance(total, int) and field.data > total:
            raise ValidationError(
                f"{EARLIER_DAYS} must be no more than the school days missed this school year"
            )

    def validate_expected_return_date(self, field: wtforms.Field) -> None:
        first = self.first_health_absence.data
        if isinstance(field.data, date) and isinstance(first, date) and field.data <= first:
            raise ValidationError("Expected return must be after the first school day missed")
        _school_day("Expected return")(self, field)


@form("medical.evidence")
class EvidenceForm(TaskForm):
    medical_advice = checkboxes(
        "What medical advice do you have?",
        "gp=GP | school_nurse=School nurse | camhs=Child and adolescent mental health services (CAMHS)"
        " | hospital=Hospital team | consultant=Consultant or other specialist",
    )
    other_evidence = checkboxes(
        "What other evidence do you have?",
        "appointment_letters=Appointment letters or cards | prescriptions=Prescriptions"
        " | nhs_app=NHS App records | discharge=Hospital discharge summary"
        " | family=What the child and family told us | school_records=School records",
    )
    specialist_evidence = radio(
        "Has specialist medical evidence been received?",
        "received=Yes, it has been received | requested=It has been asked for and not received yet"
        " | not_needed=It is not needed",
        "Select whether specialist medical evidence has been received",
    )
    evidence_summary = textarea("What does the evidence say?", "Enter what the evidence says")
    child_views = textarea("What does the child think?", "Enter the child's views")

    def validate_other_evidence(self, field: wtforms.Field) -> None:
        if not self.medical_advice.data and not field.data:
            raise ValidationError("Select the medical advice or other evidence you have")


@form("medical.decision")
class DecisionForm(TaskForm):
    fifteen_day_test = radio(
        "Is it clear the child will miss 15 school days or more because of their health?",
        YES_NO,
        "Select whether it is clear the child will miss 15 school days or more",
    )
    can_attend_school = radio(
        "Is it reasonably practicable for the child to attend school, with support?",
        YES_NO,
        "Select whether the child can attend school with support",
    )
    medical_decision = radio(
        "What is your decision?",
        "eligible=The council will arrange education (section 19)"
        " | not_eligible=Not eligible: the school continues to support the child",
        "Select your decision",
    )
    decision_reasons = textarea("Reasons for your decision", "Enter the reasons for your decision")
    school_continuing_support = textarea("How will the school continue to support the child?")
    family_told = radio(
        "Have you told the family your decision?", YES_NO, "Select whether you have told the family"
    )
    family_not_told_reason = textarea("Why have you not told the family?")
    safeguarding_concern = radio(
        "Do you have a safeguarding concern about the child?",
        YES_NO,
        "Select whether you have a safeguarding concern",
    )
    step_up_reasons = textarea("What is the safeguarding concern?")

    validate_school_continuing_support = required_if(
        "medical_decision", "not_eligible", "Enter how the school will continue to support the child"
    )
    validate_family_not_told_reason = required_if(
        "family_told", "no", "Enter why you have not told the family"
    )
    validate_step_up_reasons = required_if("safeguarding_concern", "yes", "Enter the safeguarding concern")

    def validate_medical_decision(self, field: wtforms.Field) -> None:
        if field.data == "eligible" and self.can_attend_school.data == "yes":
            raise ValidationError(
                "The council arranges education only when the child cannot reasonably attend school: "
                "change your answer about attending school, or decide not eligible"
            )


@form("medical.late_decision")
class LateDecisionForm(TaskForm):
    late_reason = textarea("Why is the decision late?", "Enter why the decision is late")
    decision_by_date = GovDateField(
        "Date the decision will be made", "Enter the date the decision will be made", limit="future"
    )
    late_action_agreed = textarea("What has been agreed?", "Enter what has been agreed")


@form("medical.arrange")
class ArrangeForm(TaskForm):
    provision_types = checkboxes(
        "What education has been arranged?",
        "alternative_provision=Alternative provision | outreach=Specialist outreach teaching at home"
        " | hospital=Hospital education | online=Online learning",
        "Select the education arranged",
    )
    provider_name = text("Who will provide it?", "Enter who will provide the education")
    provision_hours = number(
        "Hours of education a week", "Enter the hours of education a week", "Hours a week", whole=True
    )
    provision_full_time = radio(
        "Is the education full-time?",
        "full_time=Full-time | part_time=Part-time, because of the child's health",
        "Select whether the education is full-time",
    )
    part_time_health_reason = textarea("Why is part-time in the child's interests?")
    provision_start_date = GovDateField("Start date", "Enter the start date")
    school_told = checkboxes(
        "What have you told the school?",
        "stays_on_roll=The child stays on the school's roll | code_k=Mark the child K while attending",
        "Tell the school the child stays on its roll and is marked K",
    )
    exam_arrangements = textarea("Exam arrangements")
    family_agreed = radio(
        "Has the family agreed the arrangements?", YES_NO, "Select whether the family has agreed"
    )

    validate_part_time_health_reason = required_if(
        "provision_full_time", "part_time", "Enter why part-time is in the child's interests"
    )

    def validate_school_told(self, field: wtforms.Field) -> None:
        if field.data and set(field.data) != {"stays_on_roll", "code_k"}:
            raise ValidationError("Tell the school the child stays on its roll and is marked K")


@form("medical.review")
class ReviewForm(TaskForm):
    meeting_kind = "medical_needs_review"
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
    review_progress = textarea("How is the child getting on?", "Enter how the child is getting on")
    review_outcome = radio(
        "What is the outcome of the review?",
        "continue=Continue the education as it is | change=Change the education"
        " | plan_return=Start planning a return to school",
        "Select the outcome of the review",
    )
    review_decisions = textarea("What was decided?", "Enter what was decided")
    next_review_date = GovDateField("Date of the next review")
    review_safeguarding_concern = radio(
        "Do you have a safeguarding concern about the child?",
        YES_NO,
        "Select whether you have a safeguarding concern",
    )
    review_step_up_reasons = textarea("What is the safeguarding concern?")

    validate_next_review_date = required_if(
        "review_outcome", ("continue", "change"), "Enter the date of the next review"
    )
    validate_review_step_up_reasons = required_if(
        "review_safeguarding_concern", "yes", "Enter the safeguarding concern"
    )


@form("medical.end_provision")
class EndProvisionForm(TaskForm):
    provision_end_reason = radio(
        "Why is the education ending?",
        "ready_to_return=The child is well enough to return to school"
        " | other=Another reason, for example a move away or a new school place",
        "Select why the education is ending",
    )
    planned_return_date = GovDateField("Planned date of return to school", limit="future")
    provision_end_details = textarea("Details", "Enter the details")

    def validate_planned_return_date(self, field: wtforms.Field) -> None:
        if self.provision_end_reason.data == "ready_to_return" and field.data is None and not field.errors:
            raise ValidationError("Enter the planned date of return to school")
        _school_day("Planned date of return")(self, field)


@form("medical.reintegration")
class ReintegrationForm(TaskForm):
    meeting_kind = "reintegration_meeting"
    meeting_fields = {
        "held_on": "reintegration_held_on",
        "attendees": "reintegration_attendees",
        "decisions": ("reintegration_child_views", "reintegration_plan"),
        "outcome": "reintegration_outcome",
        "next_due": "return_date",
    }

    reintegration_held_on = GovDateField("Date of the meeting", "Enter the date of the meeting", limit="past")
    reintegration_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    reintegration_child_views = textarea("What does the child think?", "Enter the child's views")
    reintegration_plan = textarea("The reintegration plan", "Enter the reintegration plan")
    healthcare_plan_updated = radio(
        "Has the individual healthcare plan been updated?",
        "yes=Yes | no=No | not_needed=The child does not need one",
        "Select whether the healthcare plan has been updated",
    )
    reintegration_outcome = radio(
        "Is the child returning to school?",
        "returned=Yes, on the date agreed | not_ready=No, the child is not ready: arrange education again",
        "Select whether the child is returning to school",
    )
    return_date = GovDateField("Date of return")
    not_ready_reason = textarea("Why is the child not ready?")

    validate_return_date = required_if("reintegration_outcome", "returned", "Enter the date of return")
    validate_not_ready_reason = required_if(
        "reintegration_outcome", "not_ready", "Enter why the child is not ready"
    )
