"""``vendorcheck vendors``: list vendors, add one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.cli.common import JSON_HELP, fail, friendly_errors, instance_session
from vendorcheck.models import Organization, PhiVolume, Vendor

PROFILE_FIELDS = {
    "website": str,
    "description": str,
    "services": list,
    "phi_volume": str,
    "stores_phi": bool,
    "processes_phi": bool,
    "transmits_phi": bool,
    "offshore": bool,
    "offshore_countries": str,
    "uses_subcontractors": bool,
    "subcontractors": str,
}


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
            for v in session.scalars(select(Vendor).order_by(Vendor.id))
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['name']:<36} {row['status']:<12} {row['organization']}")


@vendors.command("add")
@click.argument("name")
@click.option("--organization", metavar="NAME", help="The organization (needed when there are several).")
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Vendor profile JSON.")
@friendly_errors
def vendors_add(name: str, organization: str | None, profile: Path | None) -> None:
    """Add a vendor; --profile FILE.json sets what it handles (see docs/cli.md for the fields)."""
    values: dict[str, Any] = {}
    if profile is not None:
        try:
            values = json.loads(profile.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            fail(f"{profile}: not valid JSON ({error})")
        if not isinstance(values, dict):
            fail(f"{profile}: expected a JSON object of profile fields")
        for key, value in values.items():
            if key not in PROFILE_FIELDS:
                fail(f"{profile}: unknown field {key!r}; known: {', '.join(PROFILE_FIELDS)}")
            if not isinstance(value, PROFILE_FIELDS[key]):
                fail(f"{profile}: {key} must be a {PROFILE_FIELDS[key].__name__}")
        if "phi_volume" in values:
            try:
                values["phi_volume"] = PhiVolume(values["phi_volume"])
            except ValueError:
                fail(f"{profile}: phi_volume must be one of {', '.join(p.value for p in PhiVolume)}")
    if not name.strip() or len(name) > 200:
        fail("give the vendor a name of 1 to 200 characters")
    with instance_session() as session:
        orgs = session.scalars(select(Organization)).all()
        chosen = [o for o in orgs if organization is None or o.name == organization]
        if len(chosen) != 1:
            names = ", ".join(repr(o.name) for o in orgs) or "none yet: run `vendorcheck init --admin-email ...`"
            fail(f"choose the organization with --organization (organizations: {names})")
        vendor = Vendor(org_id=chosen[0].id, name=name.strip(), **values)
        session.add(vendor)
        session.flush()
        audit.record(
            session,
            "vendor.created",
            Actor.cli(),
            org_id=vendor.org_id,
            vendor_id=vendor.id,
            target_type="vendor",
            target_id=vendor.id,
            details={"name": vendor.name},
        )
        click.echo(f"Added vendor {vendor.id}: {vendor.name} ({chosen[0].name}).")
