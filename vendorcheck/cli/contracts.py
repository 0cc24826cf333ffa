"""``vendorcheck contracts``: the contract register (agreements, their end and notice dates, missing clauses)."""

from __future__ import annotations

import json
from datetime import date

import click

from vendorcheck import contracts
from vendorcheck.cli.common import JSON_HELP, friendly_errors, instance_session


@click.group("contracts")
def contracts_group() -> None:
    """The contract register."""


@contracts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@friendly_errors
def contracts_list(as_json: bool) -> None:
    """Every agreement: vendor, kind, term end, notice date and the required BAA clauses not confirmed."""
    today = date.today()
    with instance_session() as session:
        document = contracts.register_json(contracts.register(session, None, today), today)
    if as_json:
        click.echo(json.dumps(document, indent=2))
        return
    if not document["agreements"]:
        click.echo("No agreement recorded.")
    for row in document["agreements"]:
        end = row["current_term_ends_on"] or "no fixed end"
        notice = f"  notice by {row['notice_by']}" if row["notice_by"] else ""
        missing = f"  MISSING {', '.join(row['missing_required'])}" if row["missing_required"] else ""
        state = "" if row["in_force"] else "  (not in force)"
        click.echo(
            f"{row['id']:>4}  {row['vendor']['name']:<28} {row['kind']:<15} {row['title'][:36]:<36} "
            f"ends {end}{notice}{state}{missing}"
        )
