"""Children's social care pathways: the child and family assessment (cas_assessment), the
strategy discussion and section 47 enquiry (child_protection_enquiry), child protection and
child in need plans, and care planning. Their named rules; meetings use `record_meeting`."""

from app.pathways.social_care import (  # noqa: F401 - each registers its functions
    assessment,
    care_proceedings,
    enquiry,
    protection_plan,
)
