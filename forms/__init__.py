"""WTForms classes for human tasks, one module per process, registered by form key.

A user task names its form in the diagram:

    <spiffworkflow:property name="formKey" value="referral.triage" />

and a class here registers under that key with @task_form("referral.triage").
Start-up refuses to run if any user task names a key that has no form.
"""

from __future__ import annotations

import importlib
import pkgutil

from forms.base import FORMS, TaskForm, get_form_class, task_form


def load_all() -> dict[str, type[TaskForm]]:
    """Import every form module so each registers its classes; return the registry."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return FORMS


__all__ = ["FORMS", "TaskForm", "get_form_class", "load_all", "task_form"]
