"""The ``vendorcheck`` command: a thin layer of Click over the services, one module per command group.

``common`` holds what every command shares (one-line errors, the instance's database session, finding a
vendor); each other module is one group of the CLI contract in ``docs/cli.md``. Errors a user can fix print
one line on stderr (``vendorcheck: error: ...``) and exit 2; nothing is half-written because every command
that writes does so in one transaction.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from vendorcheck.cli import (
    answers,
    audit,
    baseline,
    contracts,
    evidence,
    instance,
    packets,
    reminders,
    scoring,
    screening,
    users,
    vendors,
)
from vendorcheck.cli.common import EXIT_BUG


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


for command in (
    instance.init,
    instance.demo_command,
    instance.serve,
    instance.db_group,
    users.users,
    audit.audit_group,
    packets.packet_group,
    instance.sessions,
    evidence.keys,
    evidence.evidence_group,
    vendors.vendors,
    answers.answers,
    scoring.score_command,
    scoring.compare_command,
    answers.questionnaires_group,
    screening.screening_group,
    baseline.baseline_group,
    reminders.reminders_group,
    contracts.contracts_group,
):
    cli.add_command(command)


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
