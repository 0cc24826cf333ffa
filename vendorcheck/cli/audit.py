"""``vendorcheck audit``: verify the audit trail, sign a checkpoint now."""

from __future__ import annotations

import sys

import click

from vendorcheck import audit, db, signing
from vendorcheck.cli.common import friendly_errors, instance_engine, instance_session
from vendorcheck.config import load_settings


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@friendly_errors
def audit_verify() -> None:
    """Recompute every chain (each organization's, the system's, the legacy one): every entry's hash and link
    and every signed checkpoint; name the first bad entry of each chain that fails.

    Exits 0 when the trail is intact, 1 when it is not. Writes nothing.
    """
    settings = load_settings()
    keys = signing.verification_keys(settings.home)
    with instance_session(settings, read_only=True) as session:
        report = audit.verify(session, keys)
        unsigned = [chain.name for chain in report.chains if audit.latest_checkpoint(session, chain.chain) is None]
    if not report.ok:
        for problem in report.problems:
            click.echo(f"vendorcheck: audit trail FAILED verification: {problem}", err=True)
        intact = [chain.name for chain in report.chains if chain.ok]
        if intact:
            click.echo(f"Intact: {'; '.join(intact)}.", err=True)
        sys.exit(1)
    click.echo(
        f"Audit trail intact: {len(report.chains)} chain(s), {report.entries} entries and {report.checkpoints} "
        "signed checkpoint(s) verified."
    )
    if unsigned:
        click.echo(
            f"No checkpoint yet for: {'; '.join(unsigned)}. The running app signs within "
            f"{settings.checkpoint_minutes} minutes, or run `vendorcheck audit checkpoint` now."
        )
    elif not keys:
        click.echo("warning: no signing key in the instance folder, so checkpoint signatures were not checked.")


@audit_group.command("checkpoint")
@friendly_errors
def audit_checkpoint() -> None:
    """Sign the current size and Merkle root of every chain with entries no checkpoint covers yet (the running
    app also signs them on a schedule)."""
    settings = load_settings()
    signer = signing.load_signer(settings.home)
    with instance_engine(settings) as engine:
        with db.transaction(engine) as session:
            waiting = audit.chains_waiting(session)
        for chain in waiting:  # a transaction each: never two chains' locks at once
            with db.transaction(engine) as session:
                checkpoint = audit.write_checkpoint(session, signer, "scheduled", chain)
                click.echo(
                    f"Checkpoint signed for the {audit.chain_name(chain)}: {checkpoint.tree_size} entries, "
                    f"root {checkpoint.root_hash}."
                )
    if not waiting:
        click.echo("Nothing to sign: each chain's newest checkpoint covers all its entries.")
