"""Local settings for family help and children's social care: Early Help, the CAS assessment,
child in need and child protection plans, strategy discussions and conferences, care planning."""

from __future__ import annotations

from app.timescales.setting_types import SettingDefinition

FAMILY_SETTINGS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        "assessment_reminder_working_days",
        "Assessment deadline reminder",
        "Working days before the 45-day assessment deadline that the worker is reminded",
        10,
        1,
        44,
        "working days",
    ),
    SettingDefinition(
        "taf_review_weeks",
        "Team around the family review interval",
        "Weeks between reviews of an Early Help plan at a team around the family (TAF) meeting; "
        "local practice is commonly 6 to 12 weeks",
        6,
        1,
        13,
        "weeks",
    ),
    SettingDefinition(
        "cin_review_months",
        "Child in need review interval",
        "Months between reviews of a child in need plan (there is no national figure)",
        3,
        1,
        6,
        "months",
    ),
    SettingDefinition(
        "cp_first_review_months",
        "First child protection review",
        "Months from the initial child protection conference to the first review conference "
        "(Working Together: within 3 months)",
        3,
        1,
        3,
        "months",
    ),
    SettingDefinition(
        "cp_review_months",
        "Later child protection reviews",
        "Months between later review child protection conferences (Working Together: at most 6 months)",
        6,
        1,
        6,
        "months",
    ),
    SettingDefinition(
        "core_group_interval_weeks",
        "Core group meetings",
        "The longest gap between core group meetings under a child protection plan (local practice: "
        "every 4 to 6 weeks)",
        6,
        2,
        8,
        "weeks",
    ),
    SettingDefinition(
        "strategy_discussion_working_days",
        "Strategy discussion",
        "Working days from the decision to hold a strategy discussion to holding it; 0 means the same day "
        "(Working Together: immediately; local practice, e.g. within 24 hours)",
        1,
        0,
        3,
        "working days",
    ),
    SettingDefinition(
        "s47_enquiry_working_days",
        "Section 47 enquiry",
        "Working days from the last strategy discussion to finishing the section 47 enquiry, so the "
        "conference can be held within 15 working days (local practice)",
        10,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "icpc_decision_working_days",
        "Decision to convene a conference",
        "Working days the team manager has to decide whether to convene an initial child protection "
        "conference once the section 47 enquiry is finished (local practice)",
        1,
        0,
        5,
        "working days",
    ),
    SettingDefinition(
        "icpc_convene_working_days",
        "Convening a conference",
        "Working days the child protection chairs have to book an initial child protection conference and "
        "send the invitations after the manager decides to convene one (local practice)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "icpc_report_notice_days",
        "Conference report to parents",
        "Days before an initial child protection conference that the parents must have the social "
        "worker's report (local practice: at least 48 hours)",
        2,
        2,
        10,
        "days",
    ),
    SettingDefinition(
        "care_legal_planning_working_days",
        "Care planning: legal planning meeting",
        "Working days from the decision that a child needs to become looked after to the legal planning "
        "meeting with Legal Services (local practice; for immediate protection it is the same day)",
        5,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "plo_letter_working_days",
        "Pre-proceedings: letter before proceedings",
        "Working days from the decision to start pre-proceedings to sending the letter before proceedings "
        "(local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "plo_meeting_working_days",
        "Pre-proceedings meeting",
        "Working days from the letter before proceedings to the pre-proceedings meeting (local practice: "
        "about 7 working days)",
        7,
        3,
        15,
        "working days",
    ),
    SettingDefinition(
        "plo_review_weeks",
        "Pre-proceedings review",
        "Weeks from the pre-proceedings meeting to the review that decides whether to issue care "
        "proceedings or de-escalate (Public Law Outline: about 16 weeks)",
        16,
        6,
        26,
        "weeks",
    ),
    SettingDefinition(
        "care_proceedings_issue_working_days",
        "Issuing care proceedings",
        "Working days from the decision to issue care proceedings to issuing the application "
        "(local practice; after emergency protection, before the protection ends)",
        5,
        1,
        20,
        "working days",
    ),
)
