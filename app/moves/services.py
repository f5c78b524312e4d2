"""Moving running cases between versions of a process: a dry run that says, instance by instance,
whether each can move and why not, then the move of a batch (all instances of a version, or the
ones chosen), one transaction per instance, with its progress kept on a MigrationRun row. One
batch at a time per process; publishing that process waits for it too.

Moving back is the same move, from the newer version to the older.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update

from app import audit
from app.extensions import db, table_of
from app.formkit.definitions import FormBundle
from app.jobs import Each
from app.models import (
    Case,
    MigrationRun,
    MigrationStatus,
    ProcessInstance,
    ProcessVersion,
    User,
)
from app.processes.publishing import MOVING_STALE_AFTER
from app.transactions import Refusal
from app.workflow import ParsedDiagram
from app.workflow.migration import MOVABLE, MoveCheck, Mover, instances_on

RUNS = table_of(MigrationRun)
STALE_AFTER = MOVING_STALE_AFTER  # a running batch with no progress for this long has died
REFUSED_KEPT = 1000  # instances listed with their reason on the batch's page; the rest counted
DRY_RUN_SHOWN = 500


class MigrationRefused(Refusal):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InstanceCheck:
    instance_id: int
    case_id: int
    reference: str
    check: MoveCheck


def running_counts(process_id: str) -> dict[int, int]:
    """Running instances per version id of a process."""
    rows = db.session.execute(
        select(ProcessInstance.process_version_id, func.count())
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessVersion.process_id == process_id, ProcessInstance.status.in_(MOVABLE))
        .group_by(ProcessInstance.process_version_id)
    )
    return {version_id: count for version_id, count in rows}


def _chosen(
    source: ProcessVersion, references: list[str], instance_ids: list[int] | None = None
) -> list[int]:
    """Running instances of the source version: those given, or on the cases named, or all."""
    if instance_ids is not None:
        return list(
            db.session.scalars(
                select(ProcessInstance.id)
                .where(
                    ProcessInstance.id.in_(instance_ids),
                    ProcessInstance.process_version_id == source.id,
                    ProcessInstance.status.in_(MOVABLE),
                )
                .order_by(ProcessInstance.id)
            )
        )
    if not references:
        return instances_on(source)
    ids = db.session.scalars(
        select(ProcessInstance.id)
        .join(Case, Case.id == ProcessInstance.case_id)
        .where(
            ProcessInstance.process_version_id == source.id,
            ProcessInstance.status.in_(MOVABLE),
            Case.reference.in_(references),
        )
        .order_by(ProcessInstance.id)
    )
    return list(ids)


def dry_run(source: ProcessVersion, target: ProcessVersion, references: list[str]) -> list[InstanceCheck]:
    """Instance by instance: could it move, why not, what would change (nothing is written)."""
    return _checks(Mover(source, target), source, references)


def dry_run_against(
    source: ProcessVersion, diagram: ParsedDiagram, forms: FormBundle, label: str
) -> list[InstanceCheck]:
    """The same for a draft: could the source's running cases move to it, once published?"""
    return _checks(Mover.against(source, diagram, forms, label), source, [])


def _checks(mover: Mover, source: ProcessVersion, references: list[str]) -> list[InstanceCheck]:
    ids = _chosen(source, references)[:DRY_RUN_SHOWN]
    found = []
    for instance in db.session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_(ids)).order_by(ProcessInstance.id)
    ):
        found.append(
            InstanceCheck(instance.id, instance.case_id, instance.case.reference, mover.check(instance))
        )
    return found


def in_progress(process_id: str) -> MigrationRun | None:
    """The batch moving this process's instances now, if any (one that stopped moving is failed)."""
    run = db.session.scalar(
        select(MigrationRun).where(
            MigrationRun.process_id == process_id, MigrationRun.status == MigrationStatus.RUNNING
        )
    )
    if run is not None and run.updated_at < datetime.now(UTC) - STALE_AFTER:
        run.status, run.finished_at = MigrationStatus.FAILED, datetime.now(UTC)
        return None
    return run


def start(
    source: ProcessVersion,
    target: ProcessVersion,
    references: list[str],
    actor: User,
    reason: str,
    instance_ids: list[int] | None = None,
) -> MigrationRun:
    """Record a batch to move; run_batch() moves it. Refused while another batch of the process runs."""
    reason = " ".join(reason.split())
    if not reason:
        raise MigrationRefused("Enter the reason for moving these cases")
    if in_progress(source.process_id) is not None:
        raise MigrationRefused("Cases of this process are being moved already: wait for that to finish")
    ids = _chosen(source, references, instance_ids)
    if not ids:
        raise MigrationRefused(f"No running case of version {source.number} matches: nothing to move")
    run = MigrationRun(
        process_id=source.process_id,
        source_version=source,
        target_version=target,
        started_by=actor,
        reason=reason,
        total=len(ids),
        instance_ids_json=json.dumps(ids),
    )
    db.session.add(run)
    db.session.flush()
    audit.record(
        "process.migration_started",
        actor,
        detail=f"{source.name}: {len(ids)} cases from version {source.number} to {target.number}. {reason}",
    )
    return run


def run_batch(run_id: int, each: Each[int]) -> None:
    """Move every instance of the batch, each in its own unit of work (`each`), counting as it goes."""
    run = db.session.get(MigrationRun, run_id)
    if run is None or run.status != MigrationStatus.RUNNING:
        return
    mover = Mover(run.source_version, run.target_version)
    actor, reason = run.started_by, run.reason
    ids: list[int] = json.loads(run.instance_ids_json)

    def count(moved: int, refused: dict[str, object] | None) -> None:
        values: dict[str, object] = {
            "done": RUNS.c.done + 1,
            "moved": RUNS.c.moved + moved,
            "updated_at": datetime.now(UTC),
        }
        db.session.execute(update(RUNS).where(RUNS.c.id == run_id).values(**values))
        if refused is not None:
            row = db.session.get(MigrationRun, run_id)
            assert row is not None
            kept = json.loads(row.refused_json)
            if len(kept) < REFUSED_KEPT:
                row.refused_json = json.dumps([*kept, refused])

    def work(instance_id: int) -> None:
        moved = mover.move(instance_id, actor, reason)
        refused = (
            None if moved.check.can_move else {"instance_id": instance_id, "reasons": moved.check.reasons}
        )
        count(1 if moved.check.can_move else 0, refused)

    def failed(instance_id: int, exc: Exception) -> None:
        count(0, {"instance_id": instance_id, "reasons": [f"It could not be moved: {exc}"]})

    each(ids, work, failed)
    run = db.session.get(MigrationRun, run_id)
    if run is not None:
        run.status, run.finished_at = MigrationStatus.FINISHED, datetime.now(UTC)
        audit.record(
            "process.migration_finished",
            actor,
            detail=(
                f"{run.process_id}: {run.moved} of {run.total} moved to version {run.target_version.number}"
            ),
        )
    db.session.flush()


def moved_ids(run: MigrationRun) -> list[int]:
    """The instances a finished batch moved (to move them back)."""
    refused = {r["instance_id"] for r in json.loads(run.refused_json)}
    return [i for i in json.loads(run.instance_ids_json) if i not in refused]


def refused_of(run: MigrationRun) -> list[dict[str, object]]:
    """The instances that could not move, with the case they are on and the reasons."""
    refused = json.loads(run.refused_json)
    ids = [r["instance_id"] for r in refused]
    rows = db.session.execute(
        select(ProcessInstance.id, Case.reference)
        .join(Case, Case.id == ProcessInstance.case_id)
        .where(ProcessInstance.id.in_(ids))
    )
    cases = {instance_id: reference for instance_id, reference in rows}
    return [{**r, "reference": cases.get(r["instance_id"], "")} for r in refused]


def find_run(run_id: int) -> MigrationRun | None:
    return db.session.get(MigrationRun, run_id) if 0 < run_id < 2**31 else None
