"""Commands: flask --app wsgi <command>."""

from __future__ import annotations

import signal
import time
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import Role

users_cli = AppGroup("users", help="People and their API tokens.")
working_days_cli = AppGroup(
    "working-days", help="Working days: weekends and England and Wales bank holidays do not count."
)
school_calendar_cli = AppGroup("school-calendar", help="School term dates, for counting school days.")


class IsoDate(click.ParamType):
    """A date on the command line, written YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            message = f"'{value}' is not a date; write dates as YYYY-MM-DD, for example 2026-12-01"
            self.fail(message, param, ctx)


ISO_DATE = IsoDate()


@users_cli.command("create-token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, e.g. the system using it.")
def create_token(email: str, label: str) -> None:
    """Create an API token for EMAIL and print it (shown once; only a hash is kept)."""
    from app.auth.services import create_api_token

    token = create_api_token(_user(email), label)
    db.session.commit()
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email: str) -> None:
    """Revoke every API token of EMAIL (for a lost token, or someone who has left)."""
    from app.auth.services import revoke_api_tokens

    user = _user(email)
    count = revoke_api_tokens(user)
    db.session.commit()
    click.echo(f"Revoked {count} token{'' if count == 1 else 's'} of {user.email}")


def _user(email: str) -> Any:
    from app.auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no user with the email address {email}")
    return user


def _prompt_password(email: str) -> str:
    """Ask for a password twice, without echoing it, until it meets the rules."""
    from flask import current_app

    from app.auth.password_rules import password_problem

    minimum = current_app.extensions["settings"].password_min_length
    while True:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        problem = password_problem(password, email=email, min_length=minimum)
        if problem is None:
            return str(password)
        click.echo(problem, err=True)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--team", "team_names", multiple=True, help="Team name; repeat for several.")
def create_user_command(email: str, name: str, role: str, team_names: tuple[str, ...]) -> None:
    """Create a user (asks for the password twice; it must meet the password rules)."""
    from sqlalchemy import select

    from app.accounts.services import AccountProblem, create_account, set_password_from_command_line
    from app.models import Team

    teams = list(db.session.scalars(select(Team).where(Team.name.in_(team_names))))
    missing = set(team_names) - {t.name for t in teams}
    if missing:
        raise click.ClickException(f"No such team: {', '.join(sorted(missing))}")
    try:
        user, _ = create_account(email, name, Role(role), [t.id for t in teams], None)
    except AccountProblem as problem:
        raise click.ClickException(problem.message) from problem
    set_password_from_command_line(user, _prompt_password(user.email), temporary=False)
    db.session.commit()
    click.echo(f"Created {user.email}")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--temporary", is_flag=True, help="They must choose their own password at next sign-in.")
def set_password_command(email: str, temporary: bool) -> None:
    """Set the password of EMAIL (asks twice); signs them out everywhere."""
    from app.accounts.services import set_password_from_command_line

    user = _user(email)
    set_password_from_command_line(user, _prompt_password(user.email), temporary=temporary)
    db.session.commit()
    click.echo(f"Password set for {user.email}" + (" (to be changed at next sign-in)" if temporary else ""))


@users_cli.command("deactivate")
@click.argument("emails", metavar="EMAIL...", nargs=-1, required=True)
def deactivate_command(emails: tuple[str, ...]) -> None:
    """Deactivate each EMAIL: signed out everywhere, no sign-in, no API tokens."""
    from app.accounts.services import AccountProblem, deactivate

    users = [_user(email) for email in emails]
    for user in users:
        try:
            deactivate(user, None)
        except AccountProblem as problem:
            raise click.ClickException(f"{user.email}: {problem.message}; nothing was changed") from problem
    db.session.commit()
    for user in users:
        click.echo(f"Deactivated {user.email}")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    """Let EMAIL sign in again."""
    from app.accounts.services import reactivate

    user = _user(email)
    reactivate(user, None)
    db.session.commit()
    click.echo(f"Reactivated {user.email}")


@users_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift the lock that too many failed sign-ins put on EMAIL."""
    from app.accounts.services import unlock

    user = _user(email)
    unlocked = unlock(user, None)
    db.session.commit()
    click.echo(f"Unlocked {user.email}" if unlocked else f"{user.email} was not locked")


@users_cli.command("list")
def list_command() -> None:
    """List every account: email, role, teams, status and last sign-in."""
    from app.accounts.services import list_accounts

    for account in list_accounts():
        user = account.user
        status = "deactivated" if not user.active else "locked" if account.locked_until else "active"
        if user.active and user.must_change_password:
            status += ", must change password"
        seen = user.last_signed_in_at.strftime("%Y-%m-%d %H:%M") if user.last_signed_in_at else "never"
        teams = ", ".join(sorted(t.name for t in user.teams)) or "-"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{teams}\t{status}\tlast signed in {seen}")


@working_days_cli.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("start", type=ISO_DATE)
@click.argument("days", type=int)
def working_days_add(start: date, days: int) -> None:
    """Print the date DAYS working days after START (START is day 0; DAYS may be negative)."""
    from app.timescales.working_days import TooFar, add_working_days

    try:
        click.echo(add_working_days(start, days).isoformat())
    except TooFar as exc:
        raise click.ClickException(str(exc)) from exc


@working_days_cli.command("between")
@click.argument("start", type=ISO_DATE)
@click.argument("end", type=ISO_DATE)
def working_days_between_command(start: date, end: date) -> None:
    """Print how many working days END is after START (START is day 0)."""
    from app.timescales.working_days import TooFar, working_days_between

    try:
        click.echo(working_days_between(start, end))
    except TooFar as exc:
        raise click.ClickException(str(exc)) from exc


@school_calendar_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", default="", help="The school the dates are for; leave out for the LA default.")
def import_school_calendar(file: Path, school: str) -> None:
    """Load term dates from FILE, a CSV file with a header row and one row per term.

    \b
    Columns:
      term          a name for the term, e.g. "Autumn 1 2026" (may be empty)
      starts_on     the first day of the term, YYYY-MM-DD or DD/MM/YYYY
      ends_on       the last day of the term
      closure_days  INSET and other closure days inside the term, separated by ";" (may be empty)

    Half-terms and holidays are the gaps between terms, so a year is usually six rows. Lines
    starting with # are ignored. The file replaces that calendar's terms between its first and
    last dates; other terms are kept. If any line is wrong, nothing is changed.
    """
    from app.timescales.term_dates import TermDatesInvalid, import_term_dates

    try:
        summary = import_term_dates(file.read_text(encoding="utf-8"), school or None, None)
    except TermDatesInvalid as exc:
        db.session.rollback()
        raise click.ClickException(
            f"{file} was not imported; nothing was changed:\n" + "\n".join(exc.problems)
        ) from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not a UTF-8 CSV file; nothing was changed") from exc
    db.session.commit()
    click.echo(
        f"Imported {summary.added} terms with {summary.closures} closure days for {summary.calendar} "
        f"(replacing {summary.replaced} terms)"
    )


@school_calendar_cli.command("show")
@click.option("--school", default="", help="The school; leave out for the LA default.")
def show_school_calendar(school: str) -> None:
    """List the terms a school's school days are counted from."""
    from app.timescales.school_days import calendar_for

    calendar = calendar_for(school or None)
    click.echo(f"Terms of {calendar.label}:")
    for term in calendar.terms:
        closures = ", ".join(d.isoformat() for d in sorted(term.closures)) or "none"
        click.echo(f"  {term.name or 'Term'}: {term.starts_on} to {term.ends_on}; closed {closures}")
    if not calendar.terms:
        click.echo("  none (import some with: flask school-calendar import FILE)")


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

    # The scheduler's threads outlive this context: they need the app itself, not the proxy.
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as the app
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
    from app.processes.commands import processes_cli

    app.cli.add_command(processes_cli)
    app.cli.add_command(working_days_cli)
    app.cli.add_command(school_calendar_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(run_scheduler)
