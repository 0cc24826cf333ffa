"""Setting up and running an instance: ``init``, ``demo``, ``serve``, ``db upgrade``, ``sessions rotate-key``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from vendorcheck import accounts, db, demo, signing
from vendorcheck.accounts.passwords import generate_password
from vendorcheck.cli.common import fail, friendly_errors, instance_engine
from vendorcheck.config import Settings, default_home, load_settings
from vendorcheck.evidence import Vault
from vendorcheck.instance import InitReport, initialize, rotate_session_key
from vendorcheck.models import Role
from vendorcheck.network import is_loopback
from vendorcheck.questionnaire.loader import load_library
from vendorcheck.resources import questionnaires_dir

PORT = click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
HOST = click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")


def _print_report(report: InitReport) -> None:
    for line in report.created:
        click.echo(f"  created  {line}")
    for line in report.kept:
        click.echo(f"  kept     {line}")


@click.command()
@click.option("--admin-email", metavar="EMAIL", help="Create the first administrator with this email.")
@click.option(
    "--organization",
    metavar="NAME",
    default="My practice",
    show_default=True,
    help="Name of the first organization (used with --admin-email).",
)
@friendly_errors
def init(admin_email: str | None, organization: str) -> None:
    """Create the instance folder, its secrets, the database and the first admin.

    Safe to run again: existing secrets and data are never overwritten. The admin's one-time
    password is printed once; they choose their own at first sign-in.
    """
    settings = load_settings(require_instance=False)
    click.echo(f"Instance folder: {settings.home}")
    _print_report(initialize(settings))
    if admin_email:
        password = _create_first_admin(settings, admin_email, organization)
        if password:
            click.echo(f"\nAdministrator {accounts.normalize_email(admin_email)} of {organization!r} created.")
            click.echo(f"One-time password (shown once, change it at first sign-in): {password}")
        else:
            click.echo(f"\nAdministrator {accounts.normalize_email(admin_email)} already exists: left unchanged.")
    click.echo("\nNext: `vendorcheck serve`, then open http://127.0.0.1:5000")


def _create_first_admin(settings: Settings, email: str, organization: str) -> str | None:
    with instance_engine(settings) as engine, db.transaction(engine) as session:
        if accounts.find_user(session, email) is not None:
            return None
        org, _ = accounts.get_or_create_organization(session, organization)
        password = generate_password()
        accounts.create_user(session, org, email, Role.ADMIN, password, must_change_password=True)
    return password


def demo_home() -> Path:
    """Where the demo lives: VENDORCHECK_HOME if set, else a folder of its own beside the default home."""
    if os.environ.get("VENDORCHECK_HOME"):
        return load_settings(require_instance=False).home
    return default_home().with_name("vendorcheck-demo")


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit without starting the server.")
@HOST
@PORT
@friendly_errors
def demo_command(no_serve: bool, host: str, port: int) -> None:
    """Set up a demo practice with sample vendors and serve it.

    Creates (or reuses) a demo instance: one practice, a user for each role, four shortlisted
    billing companies and their evidence (generated PDFs, stored encrypted). Running it again
    duplicates nothing and prints the same sign-in details.
    """
    home = demo_home()
    settings = load_settings({"home": home}, require_instance=False)
    click.echo(f"Demo instance: {home}")
    _print_report(initialize(settings))
    settings = load_settings({"home": home})
    vault = Vault.for_settings(settings)
    with instance_engine(settings) as engine:
        report = demo.seed_all(
            engine,
            vault,
            load_library(questionnaires_dir()),
            demo.load_or_create_credentials(home),
            signing.load_signer(home),
        )
    if report.documents_added:
        click.echo(f"Stored {report.documents_added} demo evidence document(s), encrypted, in {vault.blobs.location}.")
    if report.assessments_created:
        click.echo(f"Created {report.assessments_created} demo assessment(s) with the vendors' answers.")
    click.echo(f"\nSign in to {demo.ORGANIZATION} as any of these demo users:")
    for login in report.logins:
        click.echo(f"  {login.role.value:<9} {login.email:<32} {login.password}")
    click.echo("The admin and the auditor set up two-step sign-in (an authenticator app) when they first sign in.")
    if not no_serve:
        _serve(settings, host, port)


@click.command()
@HOST
@PORT
@friendly_errors
def serve(host: str, port: int) -> None:
    """Run the app with the built-in server (one machine; for production use gunicorn).

    \b
    Production: gunicorn "vendorcheck:create_app()" behind a TLS-terminating proxy.
    """
    _serve(load_settings(), host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from vendorcheck import create_app

    overrides: dict[str, object] = {"home": settings.home}
    if not settings.public_url:  # links name the address this server listens on, which only this machine reaches
        if not is_loopback(host):
            fail(f"set VENDORCHECK_PUBLIC_URL to the address people use to reach this server (it listens on {host})")
        overrides["public_url"] = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    app = create_app(overrides)
    if not is_loopback(host):
        click.echo("warning: serving beyond this machine without TLS; put a TLS proxy in front.", err=True)
    click.echo(f"\nvendorcheck is running at http://{host}:{port}  (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port")


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply migrations to bring the database up to this version of vendorcheck."""
    settings = load_settings(require_instance=False)
    with instance_engine(settings) as engine:
        current, head = db.schema_state(engine)
        if current == head:
            click.echo(f"Database {db.safe_url(engine)} is up to date (revision {head}).")
        else:
            db.upgrade(engine)
            click.echo(f"Database {db.safe_url(engine)} upgraded from {current or 'empty'} to {head}.")


@click.group()
def sessions() -> None:
    """Session signing key."""


@sessions.command("rotate-key")
@friendly_errors
def sessions_rotate_key() -> None:
    """Make a new session-signing key active; the previous one keeps verifying, so nobody is signed out.

    Restart the app afterwards. A key rotated out twice stops working.
    """
    settings = load_settings()
    dropped = rotate_session_key(settings.home)
    click.echo(f"New session key active in {settings.home / 'secret_key'}; {dropped} old key(s) dropped.")
    click.echo("Restart vendorcheck (or gunicorn) to use it.")
