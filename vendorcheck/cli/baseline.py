"""``vendorcheck baseline show|set``: the practice's own billing figures and readiness checklist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import baseline as service
from vendorcheck.audit import Actor
from vendorcheck.cli.common import JSON_HELP, fail, friendly_errors, instance_session
from vendorcheck.models import Organization
from vendorcheck.scoring.economics import BASELINE_FIELDS, CHECKLIST, readiness

MAX_FILE = 64 * 1024  # a baseline file is a few hundred bytes


@click.group("baseline")
def baseline_group() -> None:
    """The practice's own billing today ("In-house today" in comparisons); format in docs/cli.md."""


def _organization(session: Session, name: str | None) -> Organization:
    orgs = session.scalars(select(Organization).order_by(Organization.name)).all()
    chosen = [o for o in orgs if name is None or o.name == name]
    if len(chosen) != 1:
        names = ", ".join(repr(o.name) for o in orgs) or "none yet: run `vendorcheck init --admin-email ...`"
        fail(f"choose the organization with --organization (organizations: {names})")
    return chosen[0]


@baseline_group.command("show")
@click.option("--organization", metavar="NAME", help="The organization (needed when there are several).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def baseline_show(organization: str | None, as_json: bool) -> None:
    """The recorded figures, checklist answers and what they point to."""
    with instance_session(read_only=True) as session:
        row = service.get_baseline(session, _organization(session, organization).id)
        data = service.baseline_json(row)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for key, label, unit, *_ in BASELINE_FIELDS:
        value = data["figures"][key]
        click.echo(f"{label}: {'needs your figure' if value is None else f'{value:g} {unit}'}")
    for key, question, _ in CHECKLIST:
        click.echo(f"{question} {data['checklist'].get(key, 'not answered')}")
    click.echo(readiness(data["figures"], data["checklist"]).headline)


@baseline_group.command("set")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organization", metavar="NAME", help="The organization (needed when there are several).")
@friendly_errors
def baseline_set(path: Path, organization: str | None) -> None:
    """Replace the figures and checklist with those of F.json (missing keys become "needs your figures")."""
    if path.stat().st_size > MAX_FILE:
        fail(f"{path} is larger than {MAX_FILE // 1024} KiB; a baseline file is a few hundred bytes")
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path} is not JSON: {error}")
    if not isinstance(data, dict) or not isinstance(data.get("figures", {}), dict):
        fail(f'{path}: expected an object with "figures" and "checklist" objects (see docs/cli.md)')
    figures, checklist = data.get("figures", {}), data.get("checklist", {})
    if not isinstance(checklist, dict):
        fail(f'{path}: "checklist" must be an object (see docs/cli.md)')
    unknown = sorted(set(figures) - {k for k, *_ in BASELINE_FIELDS}) + sorted(
        set(checklist) - {k for k, *_ in CHECKLIST}
    )
    if unknown:
        fail(f"{path}: unknown keys: {', '.join(unknown)}")
    with instance_session() as session:
        org = _organization(session, organization)
        try:
            service.save_baseline(session, Actor.cli(), org.id, figures, checklist)
        except service.BaselineError as error:
            fail("; ".join(f"{key}: {message}" for key, message in error.problems.items()))
    click.echo(f"Saved the billing baseline of {org.name}.")
