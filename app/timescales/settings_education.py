"""Local settings for education: attendance support, legal planning for attendance, the
medical-needs pathway, children missing education and school attendance orders."""

from __future__ import annotations

from app.timescales.setting_types import SettingDefinition

EDUCATION_SETTINGS: tuple[SettingDefinition, ...] = (
    SettingDefinition(
        "at_risk_attendance_percent",
        "At risk of persistent absence",
        "Upper bound of the 'at risk of persistent absence' band: attendance above 90% and at or "
        "below this percentage",
        95,
        91,
        100,
        "percent",
    ),
    SettingDefinition(
        "medical_needs_return_working_days",
        "Medical needs: school's sickness return",
        "Working days from a medical needs referral for the school to complete its sickness return "
        "(local practice; the guidance sets no figure)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "medical_needs_decision_working_days",
        "Medical needs: named officer's decision",
        "Working days from a medical needs referral to the named officer's decision on arranging "
        "education; a later decision is escalated to a manager (local practice; the guidance says "
        "as soon as it is clear the child will miss 15 school days)",
        5,
        1,
        15,
        "working days",
    ),
    SettingDefinition(
        "medical_needs_start_school_days",
        "Medical needs: provision arranged",
        "School days from the named officer's decision to education being arranged and started "
        "(local practice)",
        5,
        1,
        15,
        "school days",
    ),
    SettingDefinition(
        "medical_needs_review_weeks",
        "Medical needs provision review interval",
        "Weeks between reviews of education arranged for a child with health needs (local practice, "
        "commonly every half term)",
        6,
        2,
        13,
        "weeks",
    ),
    SettingDefinition(
        "medical_needs_review_notice_days",
        "Medical needs review notice",
        "Days before a medical needs provision review is due that the review task arrives (local practice)",
        7,
        0,
        28,
        "days",
    ),
    SettingDefinition(
        "cme_record_working_days",
        "Children missing education: recording a notification",
        "Working days from a notification of a child missing education for ACE to record it and add "
        "the child to the CME register (local practice)",
        1,
        1,
        5,
        "working days",
    ),
    SettingDefinition(
        "cme_enquiry_working_days",
        "Children missing education: reasonable enquiries",
        "Working days from the notification for the school and the local authority to make and record "
        "their reasonable enquiries about a child at standard risk; also the time to record what the "
        "enquiries found (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "cme_high_risk_enquiry_working_days",
        "Children missing education: enquiries for a child at high risk",
        "Working days from the notification for the school and the local authority to make and record "
        "their enquiries when the child is judged at high risk (local practice: enquiries are prioritised "
        "by risk)",
        1,
        1,
        5,
        "working days",
    ),
    SettingDefinition(
        "cme_review_weeks",
        "Children missing education: register review interval",
        "Weeks between reviews of a child who has not been found and stays on the CME register "
        "(local practice)",
        4,
        1,
        13,
        "weeks",
    ),
    SettingDefinition(
        "sao_informal_contact_working_days",
        "School attendance order: informal contact",
        "Working days from the start of the school attendance order process to contact the family "
        "(local practice, commonly 5 to 7 working days)",
        5,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "sao_letter_response_working_days",
        "School attendance order: reply to the informal letter",
        "Working days the informal letter gives the family to register the child at a school or show "
        "suitable education at home (local practice)",
        7,
        5,
        20,
        "working days",
    ),
    SettingDefinition(
        "sao_step_working_days",
        "School attendance order: each formal step",
        "Working days for ACE to take each formal step of the school attendance order process once the "
        "last one is done: serving a notice, deciding, serving the order, referring for prosecution "
        "(local practice; the statutory notice periods are fixed in the diagram)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "sao_compliance_check_working_days",
        "School attendance order: compliance check",
        "Working days after a school attendance order is served (or a revocation is refused) to check "
        "that the child is registered at the named school and attending (local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "sao_legal_review_working_days",
        "School attendance order: Legal Services' decision to prosecute",
        "Working days for Legal Services to review a section 443 referral and decide whether to lay an "
        "information (local practice; the information must be laid within 6 months of the offence)",
        20,
        5,
        60,
        "working days",
    ),
    SettingDefinition(
        "legal_support_check_working_days",
        "Legal planning: support check",
        "Working days from a referral for legal planning to ACE's check that support was offered first "
        "(local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "legal_planning_meeting_working_days",
        "Legal planning meeting",
        "Working days from the support check to the legal planning meeting with the parent (local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "legal_decision_working_days",
        "Legal planning: manager's decisions",
        "Working days a manager has to decide the legal route, or what to do about an unpaid penalty "
        "notice (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "legal_action_working_days",
        "Legal planning: carrying out a route",
        "Working days ACE has to carry out the route a manager decided: agree an attendance contract, "
        "issue a notice to improve or a penalty notice, prepare a prosecution, apply for an ESO "
        "(local practice)",
        10,
        1,
        30,
        "working days",
    ),
    SettingDefinition(
        "attendance_contract_review_weeks",
        "Attendance contract review",
        "Weeks from an attendance contract (or its last review) to its next review; local practice is "
        "about 4 to 6 weeks",
        6,
        4,
        6,
        "weeks",
    ),
    SettingDefinition(
        "nti_improvement_school_weeks",
        "Notice to improve: improvement period",
        "School weeks a parent is given to improve attendance after a notice to improve; guidance "
        "says 3 to 6 weeks, the number is local practice",
        6,
        3,
        6,
        "school weeks",
    ),
    SettingDefinition(
        "school_evidence_working_days",
        "Prosecution: the school's register evidence",
        "Working days a school has to provide the register printout, certificate and chronology for "
        "a prosecution (local practice)",
        5,
        1,
        20,
        "working days",
    ),
    SettingDefinition(
        "prosecution_limit_warning_days",
        "Prosecution: time limit warning",
        "Days before the 6-month limit for laying an information (s127 Magistrates' Courts Act 1980) "
        "that a Legal Services manager is alerted (local practice)",
        28,
        7,
        90,
        "days",
    ),
    SettingDefinition(
        "court_outcome_working_days",
        "Recording a court's decision",
        "Working days after a hearing by which Legal Services record the court's decision (local practice)",
        2,
        1,
        10,
        "working days",
    ),
    SettingDefinition(
        "attendance_meeting_school_days",
        "Attendance support: meeting the family",
        "School days from a school's request for attendance support (or a review deciding to meet "
        "again) to the school's meeting with the family to understand the barriers (local practice)",
        10,
        1,
        30,
        "school days",
    ),
    SettingDefinition(
        "attendance_plan_school_days",
        "Attendance support: written plan",
        "School days from the attendance meeting with the family to agreeing the written attendance "
        "plan (local practice)",
        5,
        1,
        20,
        "school days",
    ),
    SettingDefinition(
        "tsm_discussion_school_weeks",
        "Targeting support meeting discussion",
        "School weeks within which a pupil put forward for the termly targeting support meeting is "
        "discussed there, when no meeting date has been entered (local practice)",
        6,
        1,
        14,
        "school weeks",
    ),
)
