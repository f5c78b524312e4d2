"""Referral to Early Help (processes/referral_to_early_help.bpmn): its named rules; its meetings
use `record_meeting`."""

from app.pathways.early_help import reviews  # noqa: F401 - registers its functions
