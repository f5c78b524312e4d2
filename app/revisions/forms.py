"""What a process owner fills in: the files of an upload, and the change note of a publish."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired, MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovTextArea
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.formkit.base import GovForm
from app.processes.publishing import NOTE_MAX


class UploadForm(GovForm):
    bpmn = FileField(
        "Diagram (.bpmn)",
        widget=GovFileInput(),
        validators=[FileRequired("Choose the diagram file (.bpmn)")],
        description="Made in Camunda Modeler, bpmn.io or another modelling tool, or downloaded from here.",
    )
    dmn = FileField(
        "Decision tables (.dmn), if it has any",
        widget=GovFileInput(),
        description="The tables its business rule tasks call.",
    )
    called = MultipleFileField(
        "Diagrams it calls (.bpmn), if they are in other files",
        widget=GovFileInput(),
        description="The processes its call activities call, drawn in files of their own (one or more).",
    )
    forms = FileField(
        "Task forms (.json), if they change",
        widget=GovFileInput(),
        description=(
            "Forms made with the form editor (form-js). Leave empty to keep the forms of the current version."
        ),
    )


class NoteForm(GovForm):
    note = TextAreaField(
        "Change note",
        widget=GovTextArea(),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description="What changed and why, for the people who read the version history.",
        validators=[
            DataRequired("Enter a change note: what changed, and why"),
            Length(max=NOTE_MAX, message=f"The change note must be {NOTE_MAX} characters or fewer"),
        ],
    )
