"""``vendorcheck users``: accounts from the command line (the web's Users page does the same for admins)."""

from __future__ import annotations

import json

import click

from vendorcheck import accounts
from vendorcheck.audit import Actor
from vendorcheck.cli.common import JSON_HELP, friendly_errors, instance_session
from vendorcheck.models import Role
from vendorcheck.passwords import generate_password

ROLE_HELP = "One of: " + ", ".join(r.value for r in Role) + "."


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise accounts.AccountError(f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}") from None


@click.group()
def users() -> None:
    """Manage user accounts (the web's Users page does the same for admins)."""


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help=ROLE_HELP)
@click.option("--organization", metavar="NAME", required=True, help="The user's organization (created if new).")
@click.option("--name", "display_name", metavar="NAME", help="Display name (default: from the email).")
@friendly_errors
def users_create(email: str, role: str, organization: str, display_name: str | None) -> None:
    """Create a user with a one-time password, printed once; they choose their own at first sign-in."""
    password = generate_password()
    with instance_session() as session:
        org, _ = accounts.get_or_create_organization(session, organization)
        user = accounts.create_user(
            session, org, email, _role(role), password, display_name=display_name, must_change_password=True
        )
        click.echo(f"Created {user.email} ({user.role.value}) in {org.name!r}.")
    click.echo(f"One-time password (shown once, change it at first sign-in): {password}")


@users.command("list")
@click.option("--organization", metavar="NAME", help="Only this organization's users.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def users_list(organization: str | None, as_json: bool) -> None:
    """List users: email, role, organization, status, two-step sign-in."""
    with instance_session() as session:
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
    with instance_session() as session:
        user = accounts.find_user(session, email)
        if user is None:
            raise accounts.AccountError(f"no user with the email {email}: see `vendorcheck users list`")
        accounts.set_role(session, user, _role(role), Actor.cli())
        click.echo(f"{user.email} is now {user.role.value}.")
