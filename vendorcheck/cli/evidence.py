"""``vendorcheck keys`` and ``vendorcheck evidence``: the key ring and the stored files."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from vendorcheck import audit, blobmigration, db, evidence
from vendorcheck.audit import Actor
from vendorcheck.cli.common import friendly_errors, instance_engine, instance_session
from vendorcheck.config import KEYRING_FILE, ConfigError, Settings, load_settings
from vendorcheck.evidence import Vault
from vendorcheck.vault.keyring import LocalKeyRing, load_keyring


@click.group()
def keys() -> None:
    """The evidence key ring: status, rotation, rewrapping (files are never re-encrypted)."""


def _local_ring(settings: Settings) -> LocalKeyRing:
    if settings.keyring:
        raise ConfigError(
            "the key ring comes from VENDORCHECK_KEYRING: add the new key where that value is kept, "
            "then run `vendorcheck keys rewrap`"
        )
    return LocalKeyRing.load(settings.home / KEYRING_FILE)


@keys.command("status")
@friendly_errors
def keys_status() -> None:
    """Show the key versions, which is active, which may still decrypt, and how many files each wraps."""
    settings = load_settings()
    ring = load_keyring(settings.home, settings.keyring)
    with instance_session(settings, read_only=True) as session:
        counts = evidence.count_by_key_version(session)
    source = "VENDORCHECK_KEYRING" if settings.keyring else str(settings.home / KEYRING_FILE)
    click.echo(f"Key ring: {source}")
    click.echo(f"Active version {ring.active_version}; versions below {ring.min_decrypt_version} are retired.")
    for version in sorted(ring.keys):
        state = (
            "active"
            if version == ring.active_version
            else ("retired" if version < ring.min_decrypt_version else "decrypt only")
        )
        created = ring.created_at.get(version) or "unknown"
        click.echo(f"  v{version:<3} {state:<13} created {created:<32} wraps {counts.get(version, 0)} file(s)")
    stale = sum(n for v, n in counts.items() if v != ring.active_version)
    if stale:
        click.echo(f"{stale} file(s) are wrapped under older versions: run `vendorcheck keys rewrap`.")


@keys.command("rotate")
@friendly_errors
def keys_rotate() -> None:
    """Add a new key version and make it active for new uploads. Then run `vendorcheck keys rewrap`."""
    settings = load_settings()
    ring = _local_ring(settings)
    with instance_session(settings) as session:
        version = ring.rotate()
        audit.record(session, "keys.rotated", Actor.cli(), target_type="key_ring", target_id=version)
        ring.save()  # inside the transaction: if saving fails, no event claims a rotation
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
    ring = load_keyring(settings.home, settings.keyring)
    with instance_engine(settings) as engine:
        with db.transaction(engine) as session:
            total = sum(n for v, n in evidence.count_by_key_version(session).items() if v != ring.active_version)
        done = 0
        while True:
            with db.transaction(engine) as session:
                count = evidence.rewrap_batch(session, ring, ring.active_version, batch_size)
                if count:
                    audit.record(
                        session,
                        "keys.rewrapped",
                        Actor.cli(),
                        target_type="key_ring",
                        target_id=ring.active_version,
                        details={"files": count},
                    )
            if not count:
                break
            done += count
            click.echo(f"Re-wrapped {done}/{total} data keys under key version {ring.active_version}.")
        click.echo(f"Every file's data key is wrapped under key version {ring.active_version}.")
        if retire and ring.min_decrypt_version < ring.active_version:
            local = _local_ring(settings)
            with db.transaction(engine) as session:
                local.retire(local.active_version)
                audit.record(
                    session,
                    "keys.retired",
                    Actor.cli(),
                    target_type="key_ring",
                    details={"below": local.active_version},
                )
                local.save()
            click.echo(f"Key versions below {local.active_version} are retired: they no longer decrypt anything.")


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
    type=click.Choice(blobmigration.TARGETS),
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
    source, destination = blobmigration.stores_for(settings, vault.blobs, target)
    click.echo(f"Copying evidence blobs from {source.location} to {destination.location}")

    def progress(index: int, total: int, result: blobmigration.BlobOutcome) -> None:
        click.echo(f"[{index}/{total}] {result.label}", err=result.outcome == blobmigration.FAILED)

    with instance_engine(settings) as engine:
        report = blobmigration.migrate_store(
            lambda: db.transaction(engine),
            vault.keys,
            source,
            destination,
            Actor.cli(),
            delete_source=delete_source,
            on_blob=progress,
        )
    click.echo(
        f"{report.count(blobmigration.COPIED)} copied, {report.count(blobmigration.PRESENT)} already there, "
        f"{len(report.failures)} failed, of {report.total} blob(s); each checked by decrypting it in the destination."
    )
    if report.failures:
        click.echo(f"vendorcheck: {len(report.failures)} blob(s) failed: fix them and run the command again.", err=True)
        sys.exit(1)
