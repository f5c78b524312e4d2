"""Forms for Referral to Early Help (processes/referral_to_early_help.bpmn), one per formKey.

Field names are task-data keys, unique in the process except `next_review_date` (TAF meeting and reviews).
No list (checkbox) key is written twice: the engine's own merge of a looping task's data still splices lists
element by element (a submitted form replaces them; see app/engine/runtime.py).
"""

from __future__ import annotations

from typing import Any

import wtforms
from wtforms import ValidationError

from app.timescales.settings import local_setting
from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    number,
    radio,
    registered,
    require,
    required_if,
    text,
    textarea,
)

NOT_GIVEN = ("refused", "no_response")
SUPPORT = (
    "attendance_meeting=An attendance meeting with the family | attendance_plan=An individual attendance plan"
    " | pastoral_support=Pastoral support or mentoring | send_review=A review of special educational needs"
    " support | health_referral=A referral to the school nurse | practical_help=Help with transport, uniform"
    " | other=Something else"
)
NEEDS = (
    "school_attendance=School attendance | emotional_wellbeing=The child's emotional wellbeing"
    " | send=Special educational needs or disability | physical_health=The child's physical health"
    " | parental_mental_health=A parent's or carer's mental health | domestic_abuse=Domestic abuse"
    " | substance_misuse=Drug or alcohol use | housing=Housing | money=Money or debt | parenting=Parenting"
    " | young_carer=The child is a young carer | bullying=Bullying or friendships | other=Something else"
)
SHARE = "school=The child's school | health=Health services | housing=Housing | voluntary=Voluntary services"
HINTS = {
    "triage_decision": "Step up without waiting for consent if you suspect significant harm.",
    "triage_reasons": "What you checked, what the school told you, and anything that points to harm.",
    "consent": "Early Help is voluntary: the family can withdraw consent at any time.",
    "consent_given_by": "Full name and relationship to the child, for example Sam Jones, mother.",
    "consent_notes": "Needed if the family refused or did not respond: each attempt, and how.",
    "family_had_say": "Families should have a say in who their lead practitioner is.",
    "allocation_notes": "Needed if the family did not have a say: explain why.",
    "child_voice": "In the child's own words where you can: school, home, and what would help.",
    "assessment_summary": "Why the child is missing school, and what needs to change.",
    "taf_attendees": "Name and role, for example Jo Smith, Head of Year 8.",
    "plan_outcomes": "Specific and measurable, for example attendance above 90% by the end of term.",
    "next_review_date": "Within 6 weeks of the meeting, then every 6 to 8 weeks. For example, 27 3 2026",
    "review_outcome_reasons": "Needed if you step up or refer for legal planning.",
    "school_contact_name": "Name and role, for example Alex Patel, attendance lead.",
    "safeguarding_concern": "Select yes if anything suggests the child may be at risk of harm.",
    "school_review_date": "Usually within 6 weeks. For example, 27 3 2026",
    "school_outcome_reasons": "Needed if you refer to ACE or CAS.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


# -- the forms -----------------------------------------------------------------------------------
@form("referral.triage")
class TriageForm(TaskForm):
    existing_involvement = radio(
        "Is anyone already working with the family?",
        "none=No one | early_help_plan=An open Early Help plan | social_worker=A social worker (or the child"
        " is looked after) | other_service=Another service",
        "Select whether anyone is already working with the family",
    )
    triage_decision = radio(
        "What should happen next?",
        "seek_consent=Offer Early Help and ask for consent | school_support=Advise school-led support"
        " | step_up=Step up to CAS (children's social care)",
        "Select what should happen next",
    )
    triage_reasons = textarea("Reasons for your decision", "Enter the reasons for your decision")


@form("referral.consent")
class ConsentForm(TaskForm):
    consent = radio(
        "Did the family give consent to Early Help?",
        "given=Yes, they gave consent | refused=No, they refused | no_response=They did not respond",
        "Select whether the family gave consent",
    )
    consent_date = GovDateField("Date consent was given", limit="past")
    consent_given_by = text("Who gave consent?")
    consent_share_with = checkboxes("Who did the family agree can see their Early Help record?", SHARE)
    consent_notes = textarea("How you contacted the family and what they said")

    validate_consent_date = required_if("consent", "given", "Enter the date consent was given")
    validate_consent_given_by = required_if("consent", "given", "Enter who gave consent")
    validate_consent_share_with = required_if("consent", "given", "Select who can see the record")
    validate_consent_notes = required_if("consent", NOT_GIVEN, "Enter how you tried to contact the family")


@form("referral.allocate")
class AllocateForm(TaskForm):
    lead_practitioner_name = text("Lead practitioner's name", "Enter the lead practitioner's name")
    lead_practitioner_service = text("Their service or organisation", "Enter the lead practitioner's service")
    family_had_say = radio("Did the family have a say?", YES_NO, "Select whether the family had a say")
    allocation_date = GovDateField("Date of allocation", "Enter the date of allocation", limit="past")
    allocation_notes = textarea("Notes")

    validate_allocation_notes = required_if("family_had_say", "no", "Enter why the family did not have a say")


@form("referral.assessment")
class AssessmentForm(TaskForm):
    assessment_date = GovDateField("Date of the assessment", "Enter the date of the assessment", limit="past")
    needs_identified = checkboxes("What needs did it identify?", NEEDS, "Select the needs it identified")
    other_needs = text("Other needs")
    child_voice = textarea("What does the child say?", "Enter what the child says")
    family_strengths = textarea("The family's strengths", "Enter the family's strengths")
    assessment_summary = textarea("Summary and analysis", "Enter a summary of the assessment")

    validate_other_needs = required_if("needs_identified", "other", "Enter the other needs")


@form("referral.taf_meeting")
class TafMeetingForm(TaskForm):
    meeting_kind = "taf_meeting"
    meeting_fields = {
        "held_on": "taf_meeting_date",
        "attendees": "taf_attendees",
        "decisions": "plan_outcomes",
        "actions": "plan_actions",
        "next_due": "next_review_date",
    }

    taf_meeting_date = GovDateField("Date of the meeting", "Enter the date of the meeting", limit="past")
    family_attended = radio("Did the family attend?", YES_NO, "Select whether the family attended")
    taf_attendees = textarea("Who else attended?", "Enter who else attended")
    plan_outcomes = textarea("What will the plan achieve?", "Enter what the plan will achieve")
    plan_actions = textarea("Actions: who will do what, by when", "Enter the actions in the plan")
    next_review_date = GovDateField("Date of the first review", "Enter the date of the first review")

    def validate_next_review_date(self, field: wtforms.Field) -> None:
        meeting = self.taf_meeting_date.data
        if field.data and meeting and field.data <= meeting:
            raise ValidationError("Date of the first review must be after the meeting")
        weeks = local_setting("taf_review_weeks")
        if field.data and meeting and (field.data - meeting).days > 7 * weeks:
            raise ValidationError(
                f"Date of the first review must be no more than {weeks} weeks after the meeting"
            )


@form("referral.review")
class ReviewForm(TaskForm):
    meeting_kind = "taf_review"
    meeting_fields = {
        "held_on": "review_date",
        "decisions": ("review_progress", "review_child_views", "review_outcome_reasons"),
        "outcome": "review_outcome",
        "next_due": "next_review_date",
    }

    review_date = GovDateField("Date of the review", "Enter the date of the review", limit="past")
    review_attendance_percent = number(
        "Attendance since the last review (%)", "Enter the attendance since the last review"
    )
    review_progress = textarea("What has changed since the last review?", "Enter what has changed")
    review_child_views = textarea("What does the child say now?", "Enter what the child says now")
    review_outcome = radio(
        "What is the outcome of the review?",
        "close_improved=Close: the outcomes are met | continue=Continue the plan and review it again"
        " | step_up=Step up to CAS: risk has increased | refer_legal=Refer to ACE for legal planning",
        "Select the outcome of the review",
    )
    next_review_date = GovDateField("Date of the next review")
    review_outcome_reasons = textarea("Reasons for the outcome")

    def validate_next_review_date(self, field: wtforms.Field) -> None:
        review, going_on = self.review_date.data, self.review_outcome.data == "continue"
        if going_on:
            require(field, "Enter the date of the next review")
        if going_on and field.data and review and field.data <= review:
            raise ValidationError("Date of the next review must be after the review")
        if going_on and field.data and review and (field.data - review).days > 92:
            raise ValidationError("Date of the next review must be no more than 3 months after the review")

    def validate_review_outcome_reasons(self, field: wtforms.Field) -> None:
        if self.review_outcome.data == "step_up":
            require(field, "Enter why the family is being stepped up to CAS")
        if self.review_outcome.data == "refer_legal":
            require(field, "Enter why the family is being referred for legal planning")


@form("referral.advise_school")
class AdviseSchoolForm(TaskForm):
    school_contact_name = text("Who at the school did you advise?", "Enter who at the school you advised")
    advice_given = textarea("Advice you gave", "Enter the advice you gave the school")
    school_support_recommended = checkboxes("What support did you recommend?", SUPPORT)
    safeguarding_concern = radio(
        "Is there a safeguarding concern?", YES_NO, "Select yes if there is a safeguarding concern"
    )
    safeguarding_details = textarea("Details of the safeguarding concern")
    school_review_date = GovDateField("Date the school will review progress", limit="future")

    validate_school_support_recommended = required_if(
        "safeguarding_concern", "no", "Select the support you recommended"
    )
    validate_safeguarding_details = required_if(
        "safeguarding_concern", "yes", "Enter details of the safeguarding concern"
    )
    validate_school_review_date = required_if(
        "safeguarding_concern", "no", "Enter the date the school will review progress"
    )


@form("referral.school_support")
class SchoolSupportForm(TaskForm):
    school_support_provided = checkboxes(
        "What support did the school provide?", SUPPORT, "Select the support the school provided"
    )
    school_support_details = textarea("Details of the support", "Enter details of the support")
    family_engagement = radio(
        "How did the family engage?",
        "engaged=Fully | partly=Partly | not_engaged=Not at all",
        "Select how the family engaged",
    )
    school_attendance_percent = number("Attendance now (%)", "Enter the child's attendance now")
    school_review_held_date = GovDateField(
        "Date of the school's review", "Enter the date of the review", limit="past"
    )
    school_outcome = radio(
        "What is the outcome?",
        "improved=Attendance has improved: close | not_improving=Not improved despite support: refer to ACE"
        " | safeguarding_concern=A safeguarding concern: refer to CAS",
        "Select the outcome of school-led support",
    )
    school_outcome_reasons = textarea("Reasons for the outcome")

    def validate_school_outcome_reasons(self, field: wtforms.Field) -> None:
        if self.school_outcome.data == "not_improving":
            require(field, "Enter why the support has not worked")
        if self.school_outcome.data == "safeguarding_concern":
            require(field, "Enter details of the safeguarding concern")
