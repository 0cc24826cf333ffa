"""``vendorcheck vendors``: list vendors, add one (through the vendor service, which audits it), what is due."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from vendorcheck import vendors as service
from vendorcheck.audit import Actor
from vendorcheck.cli.common import JSON_HELP, fail, friendly_errors, instance_session
from vendorcheck.lifecycle.due import due_items
from vendorcheck.lifecycle.listing import FORMAT, item_json, when
from vendorcheck.models import Organization, utcnow


@click.group()
def vendors() -> None:
    """List and add vendors."""


@vendors.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def vendors_list(as_json: bool) -> None:
    """Every vendor: id, name, status, organization, assessments."""
    with instance_session() as session:
        rows = [
            {
                "id": v.id,
                "name": v.name,
                "status": v.status.value,
                "organization": v.organization.name,
                "assessments": [{"id": a.id, "title": a.title, "status": a.status.value} for a in v.assessments],
            }
            for v in service.list_for(session, None, order="added")
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['name']:<36} {row['status']:<12} {row['organization']}")


def _read_profile(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path}: not valid JSON ({error})")
    found = service.read_profile(data)
    if isinstance(found, list):
        fail("; ".join(f"{path}: {problem}" for problem in found))
    return found


@vendors.command("add")
@click.argument("name")
@click.option("--organization", metavar="NAME", help="The organization (needed when there are several).")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Vendor profile JSON.")
@friendly_errors
def vendors_add(name: str, organization: str | None, profile: Path | None) -> None:
    """Add a vendor; --profile FILE.json sets what it handles (see docs/cli.md for the fields)."""
    values = _read_profile(profile) if profile is not None else {}
    with instance_session() as session:
        orgs = session.scalars(select(Organization)).all()
        chosen = [o for o in orgs if organization is None or o.name == organization]
        if len(chosen) != 1:
            names = ", ".join(repr(o.name) for o in orgs) or "none yet: run `vendorcheck init --admin-email ...`"
            fail(f"choose the organization with --organization (organizations: {names})")
        vendor = service.create(session, Actor.cli(), chosen[0].id, name, values)
        click.echo(f"Added vendor {vendor.id}: {vendor.name} ({chosen[0].name}).")


@vendors.command("due")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def vendors_due(as_json: bool) -> None:
    """What is due and overdue across the vendors: reassessments, expiring documents, answers, reviews."""
    today = utcnow().date()
    with instance_session(read_only=True) as session:
        found = [
            (item, org.name)
            for org in session.scalars(select(Organization).order_by(Organization.name))
            for item in due_items(session, org.id, today)
        ]
    if as_json:
        items = [item_json(item, today, org) for item, org in found]
        click.echo(json.dumps({"format": FORMAT, "today": today.isoformat(), "items": items}, indent=2))
        return
    if not found:
        click.echo("Nothing is due.")
        return
    for item, _org in found:
        dated = item.due_on.isoformat() if item.due_on else ""
        click.echo(f"{when(item, today):<18} {dated:<10}  {item.kind.value:<16} {item.vendor_name:<30} {item.what}")
