"""Saving and loading workflows.

The saved form holds the instance's tasks and data but not the diagram: the diagram is
the instance's process version, parsed once per thread and handed back on load. That
halves what is stored and the time to save and load (a copy of the spec per instance
and per save is most of SpiffWorkflow's default output).

One serializer per thread: SpiffWorkflow's registry keeps an encoder flag that races
when shared. Dates and decimals in task data get converters of their own.
"""

from __future__ import annotations

import gzip
import threading
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER_VERSION: str = f"{SPIFF_SERIALIZER_VERSION}+spec-by-ref"
_local = threading.local()


class SpecByReference(BpmnWorkflowConverter):
    """Leaves the specs out of the saved dict; load() supplies them from the process version."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["spec_ref"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = _local.specs
        if dct.pop("spec_ref") != spec.name:
            raise ValueError(f"The saved workflow is not an instance of {spec.name}")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _serializer() -> BpmnWorkflowSerializer:
    serializer: BpmnWorkflowSerializer | None = getattr(_local, "serializer", None)
    if serializer is None:
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = SpecByReference
        registry = BpmnWorkflowSerializer.configure(config)
        registry.register(date, lambda d: {"value": d.isoformat()}, lambda d: date.fromisoformat(d["value"]))
        registry.register(Decimal, lambda d: {"value": str(d)}, lambda d: Decimal(d["value"]))
        serializer = BpmnWorkflowSerializer(registry)
        _local.serializer = serializer
    return serializer


def dump(workflow: BpmnWorkflow) -> bytes:
    """Serialize a workflow, without its specs, to compressed JSON bytes."""
    text: str = _serializer().serialize_json(workflow)
    return gzip.compress(text.encode("utf-8"), compresslevel=1)


def load(blob: bytes, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow saved by dump() onto the specs of its process version."""
    _local.specs = (spec, subprocess_specs)
    try:
        workflow: BpmnWorkflow = _serializer().deserialize_json(gzip.decompress(blob).decode("utf-8"))
    finally:
        _local.specs = None
    return workflow


def registry() -> Any:
    """This thread's serializer registry, which SpiffWorkflow's spec comparison reads attributes through."""
    return _serializer().registry
