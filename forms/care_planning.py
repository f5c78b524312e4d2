"""Forms for care planning: legal action and children becoming looked after
(processes/care_planning.bpmn), one per formKey.

Field names are task-data keys: `care_decision` routes the process, `protection_ends_on` sets when
care proceedings must be issued after emergency protection, `letter_sent_on` and `ppm_held_on`
start the pre-proceedings clocks. The two placement tasks share one form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import wtforms
from wtforms import ValidationError

from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    optional_radio,
    radio,
    registered,
    require,
    required_if,
    text,
    textarea,
)

CARE_PROCEEDINGS_WEEKS = 26  # Children Act 1989 s32(1)(a), as amended by the Children and Families Act 2014
EPO_MAX_DAYS = 8  # Children Act 1989 s45(1)
POLICE_PROTECTION_MAX_DAYS = 3  # Children Act 1989 s46(6): 72 hours

HINTS = {
    "lpm_attendees": "Name and role, including the solicitor from Legal Services.",
    "lpm_evidence": "What has happened to the child, and what the assessments and enquiries found.",
    "legal_advice": "Whether the threshold is met, and what the solicitor recommends.",
    "care_decision_reasons": "Write them so the family could read them.",
    "s20_consent_given_by": "Name, and relationship to the child. They must hold parental responsibility.",
    "protection_ends_on": "An emergency protection order lasts at most 8 days; police protection 72 hours.",
    "protection_notes": "The court's reasons and directions, or what the police did.",
    "placement_details": "The carer's name and what the child needs from the placement. Not the address.",
    "school_change_reason": "Needed if the child must change school.",
    "letter_concerns": "The concerns, in plain words, as the letter sets them out.",
    "ppm_agreement": "What must change, the help the local authority will give, and by when.",
    "ppm_assessments": "For example, a parenting assessment or a family group conference.",
    "plo_progress": "What has changed for the child since the pre-proceedings meeting.",
    "final_hearing_target": "Within 26 weeks of the date the application was issued.",
    "final_hearing_extension_reason": "Needed if the target is more than 26 weeks after issue.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


ROUTES = (
    "emergency_protection=Emergency protection: apply for an emergency protection order now"
    " | issue_proceedings=Issue care proceedings"
    " | pre_proceedings=Pre-proceedings under the Public Law Outline: send a letter before proceedings"
    " | section_20=Accommodation with parental consent (section 20)"
    " | no_order=No order needed"
)


@form("cpl.legal_planning_meeting")
class LegalPlanningMeetingForm(TaskForm):
    meeting_kind = "legal_planning_meeting"
    meeting_fields = {
        "held_on": "lpm_date",
        "attendees": "lpm_attendees",
        "decisions": ("lpm_evidence", "legal_advice"),
        "outcome": "lpm_recommendation",
    }

    lpm_date = GovDateField(
        "Date of the legal planning meeting", "Enter the date of the legal planning meeting", limit="past"
    )
    lpm_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    lpm_evidence = textarea("What are the concerns and the evidence?", "Enter the concerns and the evidence")
    threshold_met = radio(
        "Is the threshold for care proceedings met?",
        "yes=Yes | no=No | not_yet=Not yet known",
        "Select whether the threshold for care proceedings is met",
    )
    legal_advice = textarea("What is the legal advice?", "Enter the legal advice")
    lpm_recommendation = radio(
        "What does the meeting recommend?", ROUTES, "Select what the meeting recommends"
    )


@form("cpl.decision")
class DecisionForm(TaskForm):
    care_decision = radio(
        "Which legal route will the local authority take?", ROUTES, "Select the legal route"
    )
    care_decision_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")
    s20_consent_given_by = text("Who gave consent?")
    s20_consent_informed = optional_radio(
        "Did they understand what they agreed to, and that they can remove the child at any time?", YES_NO
    )

    validate_s20_consent_given_by = required_if(
        "care_decision", "section_20", "Enter who gave consent to the child being accommodated"
    )

    def validate_s20_consent_informed(self, field: wtforms.Field) -> None:
        if self.care_decision.data != "section_20":
            return
        require(field, "Select whether the consent was informed")
        if field.data not in ("yes", "no"):
            raise ValidationError("Select whether the consent was informed")
        if field.data == "no":
            raise ValidationError("Section 20 needs informed consent: choose another route")


@form("cpl.emergency_protection")
class EmergencyProtectionForm(TaskForm):
    protection_outcome = radio(
        "What happened?",
        "epo_made=The court made an emergency protection order"
        " | police_protection=The police took the child into police protection"
        " | refused=The court refused the application",
        "Select what happened",
    )
    protection_decided_on = GovDateField(
        "Date of the order or police protection", "Enter the date of the order", limit="past"
    )
    protection_ends_on = GovDateField("Date the protection ends")
    protection_notes = textarea("Details", "Enter the details")

    def validate_protection_ends_on(self, field: wtforms.Field) -> None:
        outcome = self.protection_outcome.data
        if outcome not in ("epo_made", "police_protection"):
            return
        require(field, "Enter the date the protection ends")
        start = self.protection_decided_on.data
        if not (field.data and start):
            return
        longest = EPO_MAX_DAYS if outcome == "epo_made" else POLICE_PROTECTION_MAX_DAYS
        if field.data < start:
            raise ValidationError("The date the protection ends must be on or after the date it began")
        if field.data > start + timedelta(days=longest):
            what = "An emergency protection order" if outcome == "epo_made" else "Police protection"
            raise ValidationError(f"{what} lasts at most {longest} days")


@form("cpl.placement")
class PlacementForm(TaskForm):
    placement_start_date = GovDateField(
        "Date the placement started", "Enter the date the placement started", limit="past"
    )
    placement_type = radio(
        "Where is the child living?",
        "connected_person=With a family or friends foster carer (connected person)"
        " | foster_la=With a local authority foster carer | foster_agency=With an agency foster carer"
        " | childrens_home=In a children's home | other=Somewhere else",
        "Select where the child is living",
    )
    placement_details = textarea("About the placement", "Enter about the placement")
    legal_status = radio(
        "Under what legal status is the child looked after?",
        "section_20=Accommodated with parental consent (section 20)"
        " | emergency_protection=Emergency protection order | police_protection=Police protection"
        " | interim_care_order=Interim care order",
        "Select the legal status",
    )
    same_school = radio(
        "Is the child staying at the same school?", YES_NO, "Select whether the child is staying"
    )
    school_change_reason = textarea("Why must the child change school?")
    vsh_told = radio(
        "Have you told the Virtual School Head?",
        YES_NO,
        "Select whether you have told the Virtual School Head",
    )
    vsh_told_on = GovDateField("Date you told the Virtual School Head", limit="past")
    vsh_not_told_reason = textarea("Why have you not told the Virtual School Head?")

    validate_school_change_reason = required_if("same_school", "no", "Enter why the child must change school")
    validate_vsh_told_on = required_if("vsh_told", "yes", "Enter the date you told the Virtual School Head")
    validate_vsh_not_told_reason = required_if(
        "vsh_told", "no", "Enter why you have not told the Virtual School Head"
    )


@form("cpl.letter_before_proceedings")
class LetterBeforeProceedingsForm(TaskForm):
    letter_sent_on = GovDateField(
        "Date the letter was sent", "Enter the date the letter was sent", limit="past"
    )
    letter_sent_to = text("Who was the letter sent to?", "Enter who the letter was sent to")
    letter_concerns = textarea("What does the letter say must change?", "Enter what the letter says")
    ppm_planned_date = GovDateField(
        "Date of the pre-proceedings meeting", "Enter the date of the pre-proceedings meeting"
    )
    legal_help_explained = radio(
        "Have you told the parents they can get free legal advice?",
        YES_NO,
        "Select whether you have told the parents about free legal advice",
    )

    def validate_ppm_planned_date(self, field: wtforms.Field) -> None:
        if field.data and self.letter_sent_on.data and field.data <= self.letter_sent_on.data:
            raise ValidationError("The pre-proceedings meeting must be after the letter is sent")

    def validate_legal_help_explained(self, field: wtforms.Field) -> None:
        if field.data == "no":
            raise ValidationError(
                "Tell the parents they can get free legal advice before you send the letter"
            )


@form("cpl.pre_proceedings_meeting")
class PreProceedingsMeetingForm(TaskForm):
    meeting_kind = "pre_proceedings_meeting"
    meeting_fields = {
        "held_on": "ppm_held_on",
        "attendees": "ppm_attendees",
        "decisions": "ppm_assessments",
        "actions": "ppm_agreement",
    }

    ppm_held_on = GovDateField(
        "Date of the pre-proceedings meeting", "Enter the date of the pre-proceedings meeting", limit="past"
    )
    ppm_attendees = textarea("Who came to the meeting?", "Enter who came to the meeting")
    parents_represented = radio(
        "Did the parents have a solicitor?", YES_NO, "Select whether the parents had a solicitor"
    )
    parents_not_represented_note = textarea("What has been done to help them get one?")
    ppm_agreement = textarea("What was agreed?", "Enter what was agreed")
    ppm_assessments = textarea("Assessments and support arranged")

    validate_parents_not_represented_note = required_if(
        "parents_represented", "no", "Enter what has been done to help the parents get a solicitor"
    )


@form("cpl.plo_review")
class PreProceedingsReviewForm(TaskForm):
    plo_review_date = GovDateField("Date of the review", "Enter the date of the review", limit="past")
    plo_progress = textarea("What has changed?", "Enter what has changed")
    plo_outcome = radio(
        "What happens now?",
        "issue_proceedings=Issue care proceedings: not enough has changed"
        " | de_escalate_cp=De-escalate: the child protection plan continues"
        " | de_escalate_cin=De-escalate to a child in need plan",
        "Select what happens now",
    )
    plo_review_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")


@form("cpl.issue_proceedings")
class IssueProceedingsForm(TaskForm):
    proceedings_issued_on = GovDateField(
        "Date the application was issued", "Enter the date the application was issued", limit="past"
    )
    court_name = text("Court", "Enter the court")
    court_case_number = text("Court case number")
    interim_order = radio(
        "What interim order is sought?",
        "care_away_from_home=Interim care order: the child lives away from home"
        " | care_at_home=Interim care order: the child stays at home"
        " | supervision=Interim supervision order | none=No interim order",
        "Select the interim order sought",
    )
    final_hearing_target = GovDateField(
        "Target date for the final hearing", "Enter the target date for the final hearing"
    )
    final_hearing_extension_reason = textarea("Why is the target more than 26 weeks away?")

    def validate_final_hearing_target(self, field: wtforms.Field) -> None:
        if field.data and self.proceedings_issued_on.data and field.data <= self.proceedings_issued_on.data:
            raise ValidationError("The final hearing must be after the application was issued")

    def validate_final_hearing_extension_reason(self, field: wtforms.Field) -> None:
        issued, target = self.proceedings_issued_on.data, self.final_hearing_target.data
        if issued and target and target > issued + timedelta(weeks=CARE_PROCEEDINGS_WEEKS):
            require(field, "Enter why the final hearing is more than 26 weeks after issue")
