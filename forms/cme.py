"""Forms for children missing education (processes/children_missing_education.bpmn), one per formKey.

Submitting a form also keeps the CME register up to date (app/cme/services.py), in the same
transaction as the task: the notification adds the child, the enquiries and the deletion
decision are noted, and recording where the child is closes the entry or sets its review date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import wtforms
from flask import has_request_context, request
from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import ValidationError

from app.cme import services as register
from app.timescales.school_days import NoTermDates
from forms.base import TaskForm
from forms.fields import (
    YES_NO,
    GovDateField,
    checkboxes,
    options,
    radio,
    registered,
    require,
    required_if,
    text,
    textarea,
)

HINTS = {
    "notifying_organisation": "The person's name, role and organisation, for example Jo Patel, "
    "attendance lead, Hammond Academy.",
    "notice_received_on": "The day the local authority received the notification.",
    "reason_details": "What the notification says about why the child may be missing education.",
    "school_name": "The school the child is on roll at, or was last on roll at.",
    "first_absence_date": "The first day of the continuous absence: the 20-school-day rule counts from it. "
    "Only school days count, so if the school was closed that day, day 1 is the next school day.",
    "register_change_date": "The date the pupil was added to the admission register, or was or will be "
    "deleted from it. A school must tell the local authority within 5 days of adding a pupil, and no later "
    "than the day it deletes one.",
    "last_known_address": "Include the postcode.",
    "date_last_seen": "Your best information: who saw the child, and when.",
    "risk_level": "High risk: a young child, a child with a social worker or on a plan, known safeguarding "
    "concerns, or a sudden unexplained move. High-risk enquiries are due sooner.",
    "school_enquiries_made": "Select every enquiry you have made.",
    "school_enquiries_details": "Who you contacted, when, and what they said.",
    "school_safeguarding_concern": "If you are worried about the child's safety, follow your safeguarding "
    "procedures now as well.",
    "la_enquiries_made": "Select every enquiry you have made. Prioritise by risk.",
    "la_enquiries_details": "Who you contacted, when, and what they said.",
    "la_safeguarding_details": "This is sent to CAS as the referral: say what you are worried about and why.",
    "all_sessions_gno": "Ground (i) applies only if every session of the absence was coded G, N or O.",
    "sickness_grounds": "For example, a parent has said the child is ill, or there is medical evidence.",
    "deletion_decision_reasons": "For a deletion, what the enquiries found; otherwise why the pupil stays "
    "on roll.",
    "found_on": "The date you confirmed where the child is.",
    "current_address": "Include the postcode.",
    "new_school_confirmed": "Close the register entry only when the school confirms the child is on its "
    "roll.",
    "information_passed_on": "The date you sent the other local authority everything we know.",
    "parent_names": "Everyone with parental responsibility the notices must be served on.",
    "education_concerns": "What education the child is receiving now, and why it is not suitable.",
    "tracking_notes": "What you did and found since the notification or the last review.",
}


def form(form_key: str) -> Any:
    return registered(form_key, HINTS)


def _case_of_current_task() -> int | None:
    """On a task page, the case the task belongs to (None elsewhere, e.g. a test's bare form)."""
    if not has_request_context() or not request.view_args or "task_id" not in request.view_args:
        return None
    from app.extensions import db
    from app.models import HumanTask

    task = db.session.get(HumanTask, str(request.view_args["task_id"]))
    return task.case_id if task is not None else None


@form("cme.notification")
class NotificationForm(TaskForm):
    notification_source = radio(
        "Who told the local authority?",
        "school=A school | other_la=Another local authority | health=Health | police=Police"
        " | housing=Housing or benefits | social_care=Children's social care"
        " | public=A parent, relative or member of the public | other=Another agency",
        "Select who told the local authority",
    )
    notifying_organisation = text("Who sent the notification?", "Enter who sent the notification")
    notice_received_on = GovDateField(
        "Date the notification was received", "Enter the date the notification was received", limit="past"
    )
    notification_reason = radio(
        "Why may the child be missing education?",
        "deleted_from_roll=Deleted from a school's roll | never_registered=Never registered at a school"
        " | continuous_absence=On a school's roll but absent without permission for 10 school days or more"
        " | moved_away=Moved away, destination not known | other=Another reason",
        "Select why the child may be missing education",
    )
    reason_details = textarea("Details of the reason")
    school_name = text("School")
    first_absence_date = GovDateField("First day of the continuous absence", limit="past")
    register_notice = radio(
        "Is this a school's notice of a change to its admission register?",
        "deletion=Yes, a deletion from the register | new_registration=Yes, a new registration | no=No",
        "Select whether this is a school's notice of a change to its admission register",
    )
    # Not limited to the past: a school gives notice of a deletion before it deletes the pupil.
    register_change_date = GovDateField("Date of the change to the register")
    last_known_address = textarea("Last known address", "Enter the last known address")
    date_last_seen = GovDateField(
        "Date the child was last seen", "Enter the date the child was last seen", limit="past"
    )
    risk_level = radio(
        "What is the risk to the child?",
        "high=High | standard=Standard",
        "Select the risk to the child",
    )
    risk_reasons = textarea(
        "Why have you judged the risk this way?", "Enter why you have judged the risk this way"
    )

    validate_reason_details = required_if("notification_reason", "other", "Enter the details of the reason")
    validate_school_name = required_if(
        "notification_reason", ("deleted_from_roll", "continuous_absence"), "Enter the school"
    )

    def validate_first_absence_date(self, field: wtforms.Field) -> None:
        if self.notification_reason.data != "continuous_absence":
            return
        require(field, "Enter the first day of the continuous absence")
        if isinstance(field.data, date):
            try:
                # The deletion decision is timed from it: the school's term dates must cover it.
                register.deletion_possible_on(field.data, self.school_name.data or "")
            except NoTermDates:
                raise ValidationError(
                    "The 20 school days from the first day of the continuous absence are outside the "
                    "term dates we hold for the school: ask an administrator to add the term dates"
                ) from None

    def validate_register_change_date(self, field: wtforms.Field) -> None:
        notice = self.register_notice.data
        if notice in ("deletion", "new_registration"):
            require(field, "Enter the date of the change to the register")
        if notice != "new_registration" or not isinstance(field.data, date):
            return  # a deletion may be notified before it is made, so its date may be later
        received = self.notice_received_on.data
        if received and field.data > received:
            raise ValidationError(
                "The date of a new registration must be on or before the date the notification was received"
            )
        if field.data > date.today():
            raise ValidationError("The date of a new registration must be today or in the past")

    def to_task_data(self) -> dict[str, Any]:
        data = super().to_task_data()
        data["register_notice_late"] = register.notice_is_late(
            data.get("register_notice"), data.get("register_change_date"), data.get("notice_received_on")
        )
        return data

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        register.add_to_register(task.case_id, task.instance_id, task.case.child.full_name, data)


@form("cme.school_enquiries")
class SchoolEnquiriesForm(TaskForm):
    school_enquiries_made = checkboxes(
        "Which enquiries has the school made?",
        "parents=Phoned and wrote to every parent and emergency contact | home_visit=Home visit"
        " | siblings=Asked the schools of any brothers or sisters | friends=Asked the child's friends"
        " | s2s=Searched School2School | professionals=Asked the social worker or other professionals"
        " | other=Other enquiries",
        "Select the enquiries the school has made",
    )
    school_enquiries_details = textarea("What did the enquiries find?", "Enter what the enquiries found")
    school_enquiries_completed_on = GovDateField(
        "Date the enquiries were completed", "Enter the date the enquiries were completed", limit="past"
    )
    school_safeguarding_concern = radio(
        "Does the school have safeguarding concerns about the child?",
        YES_NO,
        "Select whether the school has safeguarding concerns",
    )
    school_safeguarding_details = textarea("What are the safeguarding concerns?")

    validate_school_safeguarding_details = required_if(
        "school_safeguarding_concern", "yes", "Enter the safeguarding concerns"
    )

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        register.record_enquiries(
            task.case_id,
            "school",
            data["school_enquiries_completed_on"],
            data["school_enquiries_made"],
            data["school_enquiries_details"],
        )


@form("cme.la_enquiries")
class LaEnquiriesForm(TaskForm):
    la_enquiries_made = checkboxes(
        "Which enquiries has the local authority made?",
        "home_visit=Home visit to the last known address | s2s=School2School and the lost pupil database"
        " | other_las=Other local authorities | health=Health (NHS records) | housing=Housing and benefits"
        " | police=Police | home_office=Home Office border checks"
        " | social_care=Children's social care records | other=Other enquiries",
        "Select the enquiries the local authority has made",
    )
    la_enquiries_details = textarea("What did the enquiries find?", "Enter what the enquiries found")
    la_enquiries_completed_on = GovDateField(
        "Date the enquiries were completed", "Enter the date the enquiries were completed", limit="past"
    )
    la_safeguarding_concern = radio(
        "Are there safeguarding concerns that need a referral to CAS?",
        YES_NO,
        "Select whether there are safeguarding concerns",
    )
    la_safeguarding_details = textarea("What are the safeguarding concerns?")

    validate_la_safeguarding_details = required_if(
        "la_safeguarding_concern", "yes", "Enter the safeguarding concerns"
    )

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        register.record_enquiries(
            task.case_id,
            "la",
            data["la_enquiries_completed_on"],
            data["la_enquiries_made"],
            data["la_enquiries_details"],
        )


class DeletionRefused(ValueError):
    """The 20-school-day rule does not allow the deletion yet."""


@form("cme.deletion_decision")
class DeletionDecisionForm(TaskForm):
    deletion_decision = radio(
        "May the school delete the pupil from its roll?",
        "approve=Yes, delete under the 20-school-day rule (regulation 9(1)(i))"
        " | refuse=No, the pupil stays on roll",
        "Select whether the school may delete the pupil from its roll",
    )
    all_sessions_gno = radio(
        "Was every session of the absence coded G, N or O?",
        YES_NO,
        "Select whether every session was coded G, N or O",
    )
    sickness_grounds = radio(
        "Are there reasonable grounds to believe the absence is because of sickness or another "
        "unavoidable cause?",
        YES_NO,
        "Select whether there are reasonable grounds to believe the absence is because of sickness",
    )
    deletion_date = GovDateField("Date of deletion")
    deletion_decision_reasons = textarea("Reasons for the decision", "Enter the reasons for the decision")

    def validate_deletion_decision(self, field: wtforms.Field) -> None:
        if field.data != "approve":
            return
        case_id = _case_of_current_task()
        if case_id is not None:
            problems = register.deletion_problems(case_id, date.today())
            if problems:
                raise ValidationError(f"The pupil cannot be deleted yet. {'. '.join(problems)}.")

    def validate_all_sessions_gno(self, field: wtforms.Field) -> None:
        if self.deletion_decision.data == "approve" and field.data == "no":
            raise ValidationError(
                "The pupil can be deleted under this rule only if every session was G, N or O"
            )

    def validate_sickness_grounds(self, field: wtforms.Field) -> None:
        if self.deletion_decision.data == "approve" and field.data == "yes":
            raise ValidationError(
                "The pupil cannot be deleted under this rule while there are grounds to believe they are ill"
            )

    def validate_deletion_date(self, field: wtforms.Field) -> None:
        if self.deletion_decision.data != "approve":
            return
        require(field, "Enter the date of deletion")
        case_id = _case_of_current_task()
        earliest = register.earliest_deletion(case_id) if case_id is not None else None
        if isinstance(field.data, date) and earliest is not None and field.data < earliest:
            raise ValidationError(
                f"The date of deletion must be on or after {earliest.day} {earliest:%b %Y}, the school day "
                f"after the {register.DELETION_SCHOOL_DAYS}th school day of absence"
            )

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        if data.get("deletion_decision") == "approve":
            # Both the decision (today) and the deletion itself must come after the 20 school days.
            deleted = register.as_day(data.get("deletion_date")) or date.today()
            problems = register.deletion_problems(task.case_id, min(date.today(), deleted))
            if problems:
                # The product refuses, whatever sent the answer: the whole submission rolls back.
                from app.tasks.services import NotAllowed

                raise NotAllowed(f"The pupil cannot be deleted yet. {'. '.join(problems)}.")
        register.record_deletion(task.case_id, data)


@form("cme.chase_school")
class ChaseSchoolForm(TaskForm):
    school_chased_on = GovDateField(
        "Date you contacted the school", "Enter the date you contacted the school", limit="past"
    )
    school_chase_agreed = textarea(
        "What did the school agree to do, and by when?", "Enter what the school agreed"
    )


@form("cme.outcome")
class WhereaboutsForm(TaskForm):
    cme_outcome = radio(
        "Where is the child?",
        "on_roll=Found: on roll at a school"
        " | moved_la=Found: moved to another local authority"
        " | ehe=Found: electively home educated"
        " | not_suitable=Found: not receiving suitable education"
        " | not_found=Not found: keep on the register and review",
        "Select where the child is",
    )
    found_on = GovDateField("Date the child was found", limit="past")
    current_address = textarea("The child's current address")
    new_school = text("School the child is on roll at")
    new_school_confirmed = wtforms.RadioField(
        "Has the school confirmed the child is on its roll?",
        choices=options(YES_NO),
        validate_choice=False,  # answered only for a school; checked below
        widget=gov.GovRadioInput(),
    )
    new_local_authority = text("Local authority the child has moved to")
    information_passed_on = GovDateField("Date the information was passed on", limit="past")
    ehe_team_told_on = GovDateField("Date the elective home education team was told", limit="past")
    parent_names = text("Names of the parents")
    education_concerns = textarea("Why is the child's education not suitable?")
    tracking_notes = textarea("What have you done and found?", "Enter what you have done and found")

    validate_found_on = required_if(
        "cme_outcome", ("on_roll", "moved_la", "ehe", "not_suitable"), "Enter the date the child was found"
    )
    validate_current_address = required_if(
        "cme_outcome", ("on_roll", "ehe", "not_suitable"), "Enter the child's current address"
    )
    validate_new_school = required_if("cme_outcome", "on_roll", "Enter the school the child is on roll at")
    validate_new_local_authority = required_if(
        "cme_outcome", "moved_la", "Enter the local authority the child has moved to"
    )
    validate_information_passed_on = required_if(
        "cme_outcome", "moved_la", "Enter the date the information was passed on"
    )
    validate_ehe_team_told_on = required_if(
        "cme_outcome", "ehe", "Enter the date the elective home education team was told"
    )
    validate_parent_names = required_if("cme_outcome", "not_suitable", "Enter the names of the parents")
    validate_education_concerns = required_if(
        "cme_outcome", "not_suitable", "Enter why the child's education is not suitable"
    )

    def validate_new_school_confirmed(self, field: wtforms.Field) -> None:
        if self.cme_outcome.data != "on_roll":
            return
        if field.data not in ("yes", "no"):
            raise ValidationError("Select whether the school has confirmed the child is on its roll")
        if field.data == "no":
            raise ValidationError(
                "Ask the school to confirm the child is on its roll before closing the entry"
            )

    @classmethod
    def on_completed(cls, task: Any, data: dict[str, Any], actor: Any) -> None:
        register.record_whereabouts(task.case_id, data, date.today())
