"""Command-line verbs (`flask --app wsgi ...`): each area adds its own here."""
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from .api.cli import create_api_token_command, revoke_api_token_command
from .config import SECRETS_FILE
from .domain.limits import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from .extensions import db
from .jobs import run_jobs_command, sweep_command
from .models import MANAGER, ROLES
from .services import accounts, demo, report_counts
from .webhooks.cli import reprocess_events_command, simulate_inbound_command


@click.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Full name shown to colleagues.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", required=True,
              help=f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters.")
def create_user_command(email, name, role, password):
    """Create a manager or pre-seller."""
    try:
        user = accounts.create_user(email, name, role, password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(email, role):
    """Make someone a manager or a pre-seller; for recovery, a manager is also reactivated.

    A team left without an active manager is given one back this way; the last active
    manager is never demoted (make someone else a manager first).
    """
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the e-mail {email}.")
    reactivate = role == MANAGER and not user.active
    if role == user.role and not reactivate:
        click.echo(f"{user.email} is already {'an active' if user.active else 'a'} {role}.")
        return
    try:
        accounts.change_role(user, role, actor=None)
        if reactivate:
            accounts.set_active(user, True, actor=None)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{user.email} is now {'an active' if reactivate else 'a'} {user.role}.")


@click.command("seed-demo")
def seed_demo_command():
    """Seed a demo team once (1 manager, 6 pre-sellers in 2 groups); safe to rerun."""
    credentials_file = Path(current_app.instance_path) / demo.CREDENTIALS_FILE
    created = demo.seed_demo(credentials_file)
    db.session.commit()
    click.echo("Seeded the demo team." if created else "The demo team already exists.")
    if credentials_file.exists():
        click.echo(credentials_file.read_text().rstrip())
        click.echo(f"(These credentials are kept in {credentials_file}.)")
    click.echo(f"Generated secrets, unless given by environment: "
               f"{Path(current_app.instance_path) / SECRETS_FILE}")


@click.command("reset-demo")
def reset_demo_command():
    """Forget the demo data: the embedded SQLite database and the demo sign-ins (secrets stay)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise click.ClickException("reset-demo only removes the embedded SQLite database, and "
                                   "DATABASE_URL names another one: nothing was removed.")
    db.engine.dispose()
    database = Path(url.database)
    instance = Path(current_app.instance_path)
    doomed = [path for path in (database, database.with_name(database.name + "-wal"),
                                database.with_name(database.name + "-shm"),
                                instance / demo.CREDENTIALS_FILE) if path.exists()]
    if not doomed:
        click.echo("There is no demo data to remove.")
    for path in doomed:
        click.echo(f"Removing {path}")
        path.unlink()
    click.echo(f"Kept {instance / SECRETS_FILE}. The next `make run` makes a new database and "
               "demo team, with new passwords.")


@click.command("rebuild-report-counts")
def rebuild_report_counts_command():
    """Recompute the dashboard's report counts from the chats' facts (one transaction)."""
    report_counts.rebuild()
    db.session.commit()
    click.echo("The report counts were rebuilt from the chats' facts.")


def register_cli(app: Flask) -> None:
    """Attach every CLI command to the app."""
    for command in (create_user_command, set_role_command, seed_demo_command, reset_demo_command,
                    reprocess_events_command, simulate_inbound_command,
                    create_api_token_command, revoke_api_token_command, run_jobs_command,
                    sweep_command, rebuild_report_counts_command):
        app.cli.add_command(command)
