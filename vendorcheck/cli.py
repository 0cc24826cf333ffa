"""The ``vendorcheck`` command: a thin layer of Click over the services.

Errors a user can fix print one line on stderr (``vendorcheck: error: ...``) and exit 2; nothing is
half-written because every command that writes does so in one transaction.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine

from vendorcheck import accounts, audit, db, demo, signing
from vendorcheck.audit import Actor
from vendorcheck.config import ConfigError, Settings, default_home, load_settings
from vendorcheck.instance import InitReport, initialize, rotate_session_key
from vendorcheck.models import Role
from vendorcheck.passwords import generate_password

EXIT_USAGE = 2
EXIT_BUG = 70


def _fail(message: str) -> None:
    click.echo(f"vendorcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can fix into one clear line and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ConfigError, accounts.AccountError, signing.SigningKeyError) as exc:
            _fail(str(exc))

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vendorcheck")
def cli() -> None:
    """vendorcheck: vendor security due diligence for medical practices.

    \b
    First time here? Run `vendorcheck demo` and open http://127.0.0.1:5000
    To set up your own instance: `vendorcheck init --admin-email you@practice.example`

    Every command uses the instance folder in VENDORCHECK_HOME (database, keys, evidence);
    `vendorcheck init` creates it.
    """


def _print_report(report: InitReport) -> None:
    for line in report.created:
        click.echo(f"  created  {line}")
    for line in report.kept:
        click.echo(f"  kept     {line}")


@cli.command()
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
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        if accounts.find_user(session, email) is not None:
            return None
        org, _ = accounts.get_or_create_organization(session, organization)
        password = generate_password()
        accounts.create_user(session, org, email, Role.ADMIN, password, must_change_password=True)
    engine.dispose()
    return password


def demo_home() -> Path:
    """Where the demo lives: VENDORCHECK_HOME if set, else a folder of its own beside the default home."""
    if os.environ.get("VENDORCHECK_HOME"):
        return load_settings(require_instance=False).home
    return default_home().with_name("vendorcheck-demo")


@cli.command("demo")
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit without starting the server.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
@friendly_errors
def demo_command(no_serve: bool, host: str, port: int) -> None:
    """Set up a demo practice with sample vendors and serve it.

    Creates (or reuses) a demo instance: one practice, a user for each role and four shortlisted
    billing companies. Running it again duplicates nothing and prints the same sign-in details.
    """
    home = demo_home()
    settings = load_settings({"home": home}, require_instance=False)
    click.echo(f"Demo instance: {home}")
    _print_report(initialize(settings))
    settings = load_settings({"home": home})
    passwords = demo.load_or_create_credentials(home)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        logins = demo.seed(session, passwords)
        audit.write_checkpoint(session, signing.load_signer(home), "demo setup")
    engine.dispose()
    click.echo(f"\nSign in to {demo.ORGANIZATION} as any of these demo users:")
    for login in logins:
        click.echo(f"  {login.role.value:<9} {login.email:<32} {login.password}")
    click.echo("The admin and the auditor set up two-step sign-in (an authenticator app) when they first sign in.")
    if not no_serve:
        _serve(settings, host, port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
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

    app = create_app({"home": settings.home})
    if not _is_loopback(host):
        click.echo("warning: serving beyond this machine without TLS; put a TLS proxy in front.", err=True)
    click.echo(f"\nvendorcheck is running at http://{host}:{port}  (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@cli.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply migrations to bring the database up to this version of vendorcheck."""
    settings = load_settings(require_instance=False)
    engine = db.make_engine(settings.database_url)
    current, head = db.schema_state(engine)
    if current == head:
        click.echo(f"Database {db.safe_url(engine)} is up to date (revision {head}).")
    else:
        db.upgrade(engine)
        click.echo(f"Database {db.safe_url(engine)} upgraded from {current or 'empty'} to {head}.")
    engine.dispose()


@cli.group()
def users() -> None:
    """Manage user accounts (the web's Users page does the same for admins)."""


def _instance_engine() -> Engine:
    """The engine of the instance in VENDORCHECK_HOME."""
    return db.make_engine(load_settings().database_url)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise accounts.AccountError(f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}") from None


ROLE_HELP = "One of: " + ", ".join(r.value for r in Role) + "."


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help=ROLE_HELP)
@click.option("--organization", metavar="NAME", required=True, help="The user's organization (created if new).")
@click.option("--name", "display_name", metavar="NAME", help="Display name (default: from the email).")
@friendly_errors
def users_create(email: str, role: str, organization: str, display_name: str | None) -> None:
    """Create a user with a one-time password, printed once; they choose their own at first sign-in."""
    password = generate_password()
    engine = _instance_engine()
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, organization)
        user = accounts.create_user(
            session, org, email, _role(role), password, display_name=display_name, must_change_password=True
        )
        click.echo(f"Created {user.email} ({user.role.value}) in {org.name!r}.")
    engine.dispose()
    click.echo(f"One-time password (shown once, change it at first sign-in): {password}")


@users.command("list")
@click.option("--organization", metavar="NAME", help="Only this organization's users.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/cli.md).")
@friendly_errors
def users_list(organization: str | None, as_json: bool) -> None:
    """List users: email, role, organization, status, two-step sign-in."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
        rows = [
            {
                "email": u.email,
                "name": u.display_name,
                "role": u.role.value,
                "organization": u.organization.name,
                "active": u.is_active,
                "mfa": u.has_mfa,
                "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in accounts.all_users(session)
            if organization is None or u.organization.name == organization
        ]
    engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        status = "active" if row["active"] else "deactivated"
        mfa_state = "mfa" if row["mfa"] else "no-mfa"
        click.echo(f"{row['email']:<36} {row['role']:<9} {status:<12} {mfa_state:<7} {row['organization']}")


@users.command("set-role")
@click.argument("email")
@click.argument("role")
@friendly_errors
def users_set_role(email: str, role: str) -> None:
    """Change a user's role (ROLE: admin, assessor, viewer or auditor); their sessions end."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
        user = accounts.find_user(session, email)
        if user is None:
            raise accounts.AccountError(f"no user with the email {email}: see `vendorcheck users list`")
        accounts.set_role(session, user, _role(role), Actor.cli())
        click.echo(f"{user.email} is now {user.role.value}.")
    engine.dispose()


@cli.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@friendly_errors
def audit_verify() -> None:
    """Recompute every entry's hash and link and every signed checkpoint; name the first bad entry.

    Exits 0 when the trail is intact, 1 when it is not. Writes nothing.
    """
    settings = load_settings()
    keys = signing.verification_keys(settings.home)
    engine = db.make_engine(settings.database_url, sqlite_immediate=False)
    with db.transaction(engine) as session:
        report = audit.verify(session, keys)
        latest = audit.latest_checkpoint(session)
    engine.dispose()
    if not report.ok:
        click.echo(f"vendorcheck: audit trail FAILED verification: {report.problems[0]}", err=True)
        sys.exit(1)
    click.echo(f"Audit trail intact: {report.entries} entries and {report.checkpoints} signed checkpoint(s) verified.")
    if latest is None:
        click.echo("No checkpoint yet: run `vendorcheck audit checkpoint` (for example hourly, from cron).")
    elif not keys:
        click.echo("warning: no signing key in the instance folder, so checkpoint signatures were not checked.")


@audit_group.command("checkpoint")
@friendly_errors
def audit_checkpoint() -> None:
    """Sign the trail's current size and Merkle root (run it on a schedule, for example hourly from cron)."""
    settings = load_settings()
    signer = signing.load_signer(settings.home)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        checkpoint = audit.write_checkpoint(session, signer, "scheduled")
        click.echo(f"Checkpoint signed: {checkpoint.tree_size} entries, root {checkpoint.root_hash}.")
    engine.dispose()


@cli.group()
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


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: unexpected errors become one line, never a stack trace."""
    os.umask(0o077)  # the database, keys and evidence blobs are for this account's eyes only
    try:
        cli.main(args=argv, prog_name="vendorcheck", standalone_mode=True)
    except Exception as exc:  # a bug: say so in one line
        click.echo(
            f"vendorcheck: unexpected error: {type(exc).__name__}: {exc}. "
            "This is a bug; please report it with the command you ran.",
            err=True,
        )
        sys.exit(EXIT_BUG)
