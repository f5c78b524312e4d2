"""`flask --app wsgi processes …`: check and publish diagrams from files, as the pages do.

    processes validate FILE...          every problem of each file; exit 1 if any has an error
    processes publish FILE... --note N  check, then publish them all (or none); exit 1 if refused
    processes publish                   publish the diagrams the product ships (processes/)

Each FILE is a .bpmn; its decision tables are the .dmn beside it, and its forms the .json beside
it or forms/<name>.json beside its folder (as the product's own pathways are kept), unless
--dmn and --forms name them (with one FILE).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.processes.checks import Bundle, Checked, check
from app.processes.publishing import PublishRefused, clean_note, publish
from app.workflow import InvalidDiagram, Problem, Unreadable, with_called_diagrams

processes_cli = AppGroup("processes", help="The process library: check and publish diagrams.")

FILES = click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
DMN = click.option(
    "--dmn", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Decision tables."
)
FORMS = click.option(
    "--forms", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Task forms."
)
CALLED = click.option(
    "--called",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A diagram of a process the FILE calls (repeat for several).",
)


def read_bundle(
    path: Path, dmn: Path | None = None, forms: Path | None = None, called: tuple[Path, ...] = ()
) -> Bundle:
    dmn = dmn or next((p for p in [path.with_suffix(".dmn")] if p.exists()), None)
    if forms is None:
        beside = [path.with_suffix(".json"), path.parent.parent / "forms" / f"{path.stem}.json"]
        forms = next((p for p in beside if p.exists()), None)
    try:
        forms_text = forms.read_bytes().decode("utf-8-sig") if forms else ""
    except UnicodeDecodeError:
        raise click.ClickException(f"{forms}: the forms file is not UTF-8 text; save it as UTF-8") from None
    bpmn = path.read_bytes()
    if called:
        limit = current_app.extensions["settings"].diagram_max_bytes
        try:
            bpmn = with_called_diagrams(bpmn, path.name, [(p.name, p.read_bytes()) for p in called], limit)
        except Unreadable as exc:
            raise click.ClickException(str(exc.problem)) from None
    return Bundle(path.name, bpmn, dmn.read_bytes() if dmn else b"", forms_text)


def _say(problem: Problem) -> str:
    where = f"line {problem.line}: " if problem.line else ""
    kind = "warning, " if problem.severity == "warning" else ""
    return f"  {kind}{where}{problem.message}"


def _report(path: Path, checked: Checked) -> None:
    errors, warnings = checked.errors, checked.warnings
    if errors:
        click.echo(f"{path}: cannot be published ({len(errors)} problem{'s' * (len(errors) != 1)})")
    else:
        extra = f" ({len(warnings)} warning{'s' * (len(warnings) != 1)})" if warnings else ""
        click.echo(f"{path}: ready to publish{extra}")
    for problem in errors + warnings:
        click.echo(_say(problem))


def _check_all(
    files: tuple[Path, ...], dmn: Path | None, forms: Path | None, called: tuple[Path, ...] = ()
) -> list[Checked]:
    if (dmn or forms or called) and len(files) != 1:
        raise click.UsageError("--dmn, --forms and --called go with one FILE")
    results = []
    for path in files:
        checked = check(read_bundle(path, dmn, forms, called))
        _report(path, checked)
        results.append(checked)
    return results


@processes_cli.command("validate")
@FILES
@DMN
@FORMS
@CALLED
def validate(files: tuple[Path, ...], dmn: Path | None, forms: Path | None, called: tuple[Path, ...]) -> None:
    """Check each FILE as publishing would, and list every problem."""
    if not files:
        raise click.UsageError("Name at least one .bpmn file")
    results = _check_all(files, dmn, forms, called)
    if any(not r.publishable for r in results):
        raise SystemExit(1)


@processes_cli.command("publish")
@FILES
@DMN
@FORMS
@CALLED
@click.option("--note", default="", help="What changed and why (required with FILE).")
def publish_command(
    files: tuple[Path, ...], dmn: Path | None, forms: Path | None, called: tuple[Path, ...], note: str
) -> None:
    """Publish each FILE as its process's next version (all or none), or with no FILE, the
    diagrams the product ships in processes/."""
    if not files:
        _publish_shipped()
        return
    try:
        clean_note(note)
    except PublishRefused as exc:
        raise click.UsageError(exc.problems[0].message) from None
    if (dmn or forms or called) and len(files) != 1:
        raise click.UsageError("--dmn, --forms and --called go with one FILE")
    # Each file is checked with the ones before it already published (in this transaction), so
    # two files cannot both take the same hand-off message; any refusal publishes none.
    published = []
    for path in files:
        checked = check(read_bundle(path, dmn, forms, called))
        _report(path, checked)
        if not checked.publishable:
            db.session.rollback()
            click.echo("Nothing was published.")
            raise SystemExit(1)
        try:
            published.append(publish(checked, None, note))
        except PublishRefused as exc:
            db.session.rollback()
            click.echo("\n".join(_say(p) for p in exc.problems) + "\nNothing was published.")
            raise SystemExit(1) from None
        db.session.flush()
    db.session.commit()
    for each in published:
        verb = "Made current again" if each.restored else "Published"
        click.echo(f"{verb}: {each.version.name} version {each.version.number}")


def _publish_shipped() -> None:
    from app.workflow.library import publish_shipped

    try:
        published = publish_shipped()
    except InvalidDiagram as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc
    db.session.commit()
    for publication in published:
        version = publication.version
        if publication.restored:
            click.echo(f"Restored {version.name} version {version.number} as the current version")
        else:
            click.echo(f"Published {version.name} version {version.number}")
    if not published:
        click.echo("Every process is up to date")
