"""Commands: flask --app wsgi <command>."""

from __future__ import annotations

import signal
import time

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import Role

users_cli = AppGroup("users", help="People and their API tokens.")
processes_cli = AppGroup("processes", help="The process library.")


@users_cli.command("create-token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, e.g. the system using it.")
def create_token(email: str, label: str) -> None:
    """Create an API token for EMAIL and print it (shown once; only a hash is kept)."""
    from app.auth.services import create_api_token, find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no user with the email address {email}")
    token = create_api_token(user, label)
    db.session.commit()
    click.echo(token)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--team", "team_names", multiple=True, help="Team name; repeat for several.")
@click.password_option()
def create_user_command(email: str, name: str, role: str, team_names: tuple[str, ...], password: str) -> None:
    """Create a user (asks for the password)."""
    from sqlalchemy import select

    from app.auth.services import create_user, find_user_by_email
    from app.models import Team

    if find_user_by_email(email) is not None:
        raise click.ClickException(f"{email} already has an account")
    teams = list(db.session.scalars(select(Team).where(Team.name.in_(team_names))))
    missing = set(team_names) - {t.name for t in teams}
    if missing:
        raise click.ClickException(f"No such team: {', '.join(sorted(missing))}")
    create_user(email, name, password, Role(role), teams)
    db.session.commit()
    click.echo(f"Created {email}")


@processes_cli.command("publish")
def publish() -> None:
    """Publish every diagram in processes/ whose content is new."""
    from app.engine import InvalidDiagram
    from app.workflow.library import publish_shipped

    try:
        published = publish_shipped()
    except InvalidDiagram as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc
    db.session.commit()
    for version in published:
        click.echo(f"Published {version.name} version {version.number}")
    if not published:
        click.echo("Every process is up to date")


@click.command("seed-demo")
@click.option("--cases", default=24, show_default=True, help="How many demo children to refer.")
def seed_demo(cases: int) -> None:
    """Load demo teams, users (password 'demo') and a caseload. Refused in production."""
    from flask import current_app

    from app.demo import load_demo

    if current_app.extensions["settings"].is_production:
        raise click.ClickException("Demo data is never loaded in production")
    summary = load_demo(cases)
    db.session.commit()
    click.echo(summary)


@click.command("scheduler")
def run_scheduler() -> None:
    """Run only the timer scheduler, for production (the web processes need not run one)."""
    from flask import current_app

    from app.scheduling import start_scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_scheduler(app)
    click.echo("Scheduler running; Ctrl+C to stop")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    app.extensions["timers"].scheduler.shutdown()


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(processes_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(run_scheduler)
