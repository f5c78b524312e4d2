"""Saving and loading workflows.

One serializer per thread: SpiffWorkflow's registry keeps an encoder flag that races
when shared. Dates and decimals in task data get converters of their own.
"""

from __future__ import annotations

import gzip
import threading
from datetime import date
from decimal import Decimal

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER_VERSION: str = SPIFF_SERIALIZER_VERSION
_local = threading.local()


def _serializer() -> BpmnWorkflowSerializer:
    serializer: BpmnWorkflowSerializer | None = getattr(_local, "serializer", None)
    if serializer is None:
        registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
        registry.register(date, lambda d: {"value": d.isoformat()}, lambda d: date.fromisoformat(d["value"]))
        registry.register(Decimal, lambda d: {"value": str(d)}, lambda d: Decimal(d["value"]))
        serializer = BpmnWorkflowSerializer(registry)
        _local.serializer = serializer
    return serializer


def dump(workflow: BpmnWorkflow) -> bytes:
    """Serialize a workflow to compressed JSON bytes."""
    text: str = _serializer().serialize_json(workflow)
    return gzip.compress(text.encode("utf-8"), compresslevel=5)


def load(blob: bytes) -> BpmnWorkflow:
    """Restore a workflow saved by dump(); the caller attaches the script engine."""
    workflow: BpmnWorkflow = _serializer().deserialize_json(gzip.decompress(blob).decode("utf-8"))
    return workflow
