"""Education for children with health needs (processes/medical_needs.bpmn): the rules of its
forms; its meetings use `record_meeting`."""

from app.pathways.medical import rules  # noqa: F401 - registers its functions
