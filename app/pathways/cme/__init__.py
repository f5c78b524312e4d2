"""Children missing education (processes/children_missing_education.bpmn): the CME register
(register.py), the rules of its forms and the effects that keep the register."""

from app.pathways.cme import effects, rules  # noqa: F401 - each registers its functions
