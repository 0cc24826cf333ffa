"""``vendorcheck keys`` and ``vendorcheck evidence``: the key ring and the stored files."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from vendorcheck import db, evidence
from vendorcheck.audit import Actor
from vendorcheck.cli.common import friendly_errors, instance_engine, instance_session
from vendorcheck.config import load_settings
from vendorcheck.evidence import Vault, migration
from vendorcheck.evidence import keys as key_ring


@click.group()
def keys() -> None:
    """The evidence key ring: status, rotation, rewrapping (files are never re-encrypted)."""


@keys.command("status")
@friendly_errors
def keys_status() -> None:
    """Show the key versions, which is active, which may still decrypt, and how many files each wraps."""
    settings = load_settings()
    with instance_session(settings, read_only=True) as session:
        status = key_ring.key_status(session, settings.home, settings.keyring)
    click.echo(f"Key ring: {status.source}")
    click.echo(f"Active version {status.active_version}; versions below {status.min_decrypt_version} are retired.")
    for entry in status.versions:
        created = entry.created_at or "unknown"
        click.echo(f"  v{entry.version:<3} {entry.state:<13} created {created:<32} wraps {entry.files} file(s)")
    if status.stale:
        click.echo(f"{status.stale} file(s) are wrapped under older versions: run `vendorcheck keys rewrap`.")


@keys.command("rotate")
@friendly_errors
def keys_rotate() -> None:
    """Add a new key version and make it active for new uploads. Then run `vendorcheck keys rewrap`."""
    settings = load_settings()
    with instance_session(settings) as session:
        version = key_ring.rotate(session, settings.home, settings.keyring, Actor.cli())
    click.echo(f"Key version {version} is now active for new uploads.")
    click.echo("Run `vendorcheck keys rewrap` to move existing files' data keys under it (files are not re-encrypted).")


@keys.command("rewrap")
@click.option("--batch-size", default=500, show_default=True, help="Data keys re-wrapped per transaction.")
@click.option("--retire", is_flag=True, help="When done, stop older key versions from decrypting at all.")
@friendly_errors
def keys_rewrap(batch_size: int, retire: bool) -> None:
    """Re-wrap every file's data key under the active key version, in batches; safe to interrupt and re-run.

    Downloads keep working throughout: each file's row switches to the new wrap in one transaction.
    """
    settings = load_settings()

    def progress(p: key_ring.RewrapProgress) -> None:
        click.echo(f"Re-wrapped {p.done}/{p.total} data keys under key version {p.active_version}.")

    with instance_engine(settings) as engine:
        done = key_ring.rewrap(
            lambda: db.transaction(engine),
            settings.home,
            settings.keyring,
            Actor.cli(),
            batch_size=batch_size,
            on_batch=progress,
        )
        click.echo(f"Every file's data key is wrapped under key version {done.active_version}.")
        if retire:
            with db.transaction(engine) as session:
                below = key_ring.retire_older(session, settings.home, settings.keyring, Actor.cli())
            if below:
                click.echo(f"Key versions below {below} are retired: they no longer decrypt anything.")


@click.group("evidence")
def evidence_group() -> None:
    """Stored evidence files."""


@evidence_group.command("verify")
@click.option("--all", "everything", is_flag=True, help="Every stored version, not only each document's newest.")
@friendly_errors
def evidence_verify(everything: bool) -> None:
    """Decrypt and re-hash stored evidence, naming every item that fails. Writes nothing.

    Exits 0 when every file checks out, 1 when any fails.
    """
    settings = load_settings()
    vault = Vault.for_settings(settings)
    failures = checked = 0
    with instance_session(settings, read_only=True) as session:
        for result in evidence.verify_stored(vault, evidence.versions_to_verify(session, everything)):
            checked += 1
            if result.error:
                failures += 1
                click.echo(f"FAILED {result.label}: {result.error}", err=True)
    if failures:
        click.echo(f"vendorcheck: {failures} of {checked} evidence file(s) failed verification.", err=True)
        sys.exit(1)
    click.echo(f"All {checked} evidence file(s) decrypted and matched their recorded SHA-256.")


@evidence_group.command("sweep")
@click.option(
    "--older-than-hours", default=6.0, show_default=True, help="Leave younger uploads alone (may be running)."
)
@friendly_errors
def evidence_sweep(older_than_hours: float) -> None:
    """Remove what crashed uploads left behind: unfinished records and blobs nothing refers to."""
    settings = load_settings()
    vault = Vault.for_settings(settings)
    with instance_session(settings) as session:
        removed = evidence.sweep(session, vault, Actor.cli(), timedelta(hours=older_than_hours))
    for item in removed:
        click.echo(f"removed {item}")
    click.echo(f"Swept {len(removed)} leftover(s).")


@evidence_group.command("migrate-store")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Choice(migration.TARGETS),
    help="s3: from the instance folder to VENDORCHECK_BLOB_STORE; local: back into the folder.",
)
@click.option("--delete-source", is_flag=True, help="Remove each blob from the source once its copy checks out.")
@friendly_errors
def evidence_migrate_store(target: str, delete_source: bool) -> None:
    """Move evidence blobs between the local folder and the S3-compatible store.

    Each blob is copied as ciphertext and checked in the destination by decrypting it against the size and
    SHA-256 recorded at upload; blobs already there and good are skipped, so an interrupted run can simply
    be started again. Exits 1 naming every blob that failed. Then set VENDORCHECK_BLOB_STORE accordingly.
    """
    settings = load_settings()
    vault = Vault.for_settings(settings)
    source, destination = migration.stores_for(settings, vault.blobs, target)
    click.echo(f"Copying evidence blobs from {source.location} to {destination.location}")

    def progress(index: int, total: int, result: migration.BlobOutcome) -> None:
        click.echo(f"[{index}/{total}] {result.label}", err=result.outcome == migration.FAILED)

    with instance_engine(settings) as engine:
        report = migration.migrate_store(
            lambda: db.transaction(engine),
            vault.keys,
            source,
            destination,
            Actor.cli(),
            delete_source=delete_source,
            on_blob=progress,
        )
    click.echo(
        f"{report.count(migration.COPIED)} copied, {report.count(migration.PRESENT)} already there, "
        f"{len(report.failures)} failed, of {report.total} blob(s); each checked by decrypting it in the destination."
    )
    if report.failures:
        click.echo(f"vendorcheck: {len(report.failures)} blob(s) failed: fix them and run the command again.", err=True)
        sys.exit(1)
