"""``vendorcheck screening``: import a public list, screen vendors, list and decide candidates (through the
screening service, which audits every step)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select

from vendorcheck import screening
from vendorcheck.audit import Actor
from vendorcheck.cli.common import JSON_HELP, fail, find_vendor, friendly_errors, instance_session
from vendorcheck.models import Candidate, ListVersion, Vendor


@click.group("screening")
def screening_group() -> None:
    """Screen vendors against OIG LEIE, SAM.gov exclusions and the HHS OCR breach portal."""


@screening_group.command("import")
@click.argument("source", type=click.Choice(["leie", "sam", "ocr"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@friendly_errors
def import_command(source: str, file: Path) -> None:
    """Import a downloaded list FILE as a dated version, then re-screen every vendor against it."""
    try:
        with instance_session() as session, file.open("rb") as stream:
            imported = screening.import_and_screen(session, Actor.cli(), source, stream, file.name)
            click.echo(f"{file.name}: {imported.summary}.")
    except screening.ListImportError as error:
        fail(f"{file}: {error}; nothing was imported")


@screening_group.command("run")
@click.argument("vendor", required=False)
@friendly_errors
def run_command(vendor: str | None) -> None:
    """Screen VENDOR (or every vendor) against the newest version of each imported list."""
    with instance_session() as session:
        chosen = [find_vendor(session, vendor)] if vendor else list(session.scalars(select(Vendor).order_by(Vendor.id)))
        done = screening.run(session, Actor.cli(), chosen)
        if not done:
            fail("no list has been imported yet: run `vendorcheck screening import leie|sam|ocr FILE` first")
        for item in done:
            click.echo(f"{item.vendor_id:>4}  {screening.SourceStatus(item.version.source, '', item).sentence}")


@screening_group.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def list_command(as_json: bool) -> None:
    """Every imported list version and every candidate, open ones first."""
    with instance_session(read_only=True) as session:
        versions = session.scalars(select(ListVersion).order_by(ListVersion.id)).all()
        candidates = sorted(
            session.scalars(select(Candidate)), key=lambda c: (c.status != screening.CandidateStatus.OPEN, c.id)
        )
        names = {v.id: v.name for v in session.scalars(select(Vendor))}
        doc = {
            "format": "vendorcheck-screening-list/1",
            "lists": [screening.version_json(v) for v in versions],
            "candidates": [
                screening.candidate_json(c) | {"vendor": {"id": c.vendor_id, "name": names.get(c.vendor_id)}}
                for c in candidates
            ],
        }
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    for v in doc["lists"]:
        older = "  (older than the newest)" if v["older_than_newest"] else ""
        click.echo(f"list {v['list']:<5} {v['version_date']}  sha256 {v['sha256'][:12]}…  {v['rows']} rows{older}")
    if not doc["candidates"]:
        click.echo("no candidates")
    for c in doc["candidates"]:
        why = ", ".join(f"{r['field']} {r.get('score', '')}".strip() for r in c["reasons"])
        click.echo(
            f"{c['id']:>4}  {c['status']:<9} {c['vendor']['name']}: {c['subject']} ~ {c['listed']['name']} "
            f"({c['list']}, score {c['score']}; {why})"
        )


def _decide(candidate_id: int, note: str, confirm: bool) -> None:
    try:
        with instance_session() as session:
            found = screening.decide(
                session, Actor.cli(), screening.find_candidate(session, candidate_id), confirm, note
            )
            click.echo(f"Candidate {found.id} {found.status.value}: {found.subject} ~ {found.row.name}.")
    except screening.ScreeningError as error:
        fail(str(error))


@screening_group.command("confirm")
@click.argument("candidate_id", metavar="ID", type=click.IntRange(1, 2**63 - 1))
@click.option("--note", required=True, help="Why it is a match (kept in the audit trail).")
def confirm_command(candidate_id: int, note: str) -> None:
    """Confirm candidate ID as a real match."""
    _decide(candidate_id, note, True)


@screening_group.command("dismiss")
@click.argument("candidate_id", metavar="ID", type=click.IntRange(1, 2**63 - 1))
@click.option("--note", required=True, help="Why it is not a match (kept in the audit trail).")
def dismiss_command(candidate_id: int, note: str) -> None:
    """Dismiss candidate ID as not a match."""
    _decide(candidate_id, note, False)
