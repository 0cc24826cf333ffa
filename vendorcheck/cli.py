"""The ``vendorcheck`` command: a thin layer of Click over the services.

Errors a user can fix print one line on stderr (``vendorcheck: error: ...``) and exit 2; nothing is
half-written because every command that writes does so in one transaction.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vendorcheck import (
    accounts,
    assessments,
    audit,
    blobmigration,
    db,
    demo,
    demo_answers,
    demo_evidence,
    evidence,
    packet,
    packets,
    scores,
    signing,
    spreadsheet,
)
from vendorcheck.audit import Actor
from vendorcheck.cells import csv_writer
from vendorcheck.config import KEYRING_FILE, ConfigError, Settings, default_home, load_settings
from vendorcheck.evidence import Vault
from vendorcheck.instance import InitReport, initialize, rotate_session_key
from vendorcheck.models import Assessment, AssessmentStatus, Organization, PhiVolume, Role, Vendor
from vendorcheck.passwords import generate_password
from vendorcheck.questionnaire.loader import load_library, validate_paths
from vendorcheck.resources import questionnaires_dir
from vendorcheck.scoring import LEVELS
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.keyring import LocalKeyRing, load_keyring

EXIT_USAGE = 2
EXIT_BUG = 70


def _fail(message: str) -> None:
    click.echo(f"vendorcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the errors a user can fix into one clear line and a non-zero exit."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (
            ConfigError,
            accounts.AccountError,
            signing.SigningKeyError,
            VaultError,
            evidence.EvidenceError,
            assessments.AssessmentError,
        ) as exc:
            _fail(str(exc))

    return wrapper


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


def _print_report(report: InitReport) -> None:
    for line in report.created:
        click.echo(f"  created  {line}")
    for line in report.kept:
        click.echo(f"  kept     {line}")


@cli.command()
@click.option("--admin-email", metavar="EMAIL", help="Create the first administrator with this email.")
@click.option(
    "--organization",
    metavar="NAME",
    default="My practice",
    show_default=True,
    help="Name of the first organization (used with --admin-email).",
)
@friendly_errors
def init(admin_email: str | None, organization: str) -> None:
    """Create the instance folder, its secrets, the database and the first admin.

    Safe to run again: existing secrets and data are never overwritten. The admin's one-time
    password is printed once; they choose their own at first sign-in.
    """
    settings = load_settings(require_instance=False)
    click.echo(f"Instance folder: {settings.home}")
    _print_report(initialize(settings))
    if admin_email:
        password = _create_first_admin(settings, admin_email, organization)
        if password:
            click.echo(f"\nAdministrator {accounts.normalize_email(admin_email)} of {organization!r} created.")
            click.echo(f"One-time password (shown once, change it at first sign-in): {password}")
        else:
            click.echo(f"\nAdministrator {accounts.normalize_email(admin_email)} already exists: left unchanged.")
    click.echo("\nNext: `vendorcheck serve`, then open http://127.0.0.1:5000")


def _create_first_admin(settings: Settings, email: str, organization: str) -> str | None:
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        if accounts.find_user(session, email) is not None:
            return None
        org, _ = accounts.get_or_create_organization(session, organization)
        password = generate_password()
        accounts.create_user(session, org, email, Role.ADMIN, password, must_change_password=True)
    engine.dispose()
    return password


def demo_home() -> Path:
    """Where the demo lives: VENDORCHECK_HOME if set, else a folder of its own beside the default home."""
    if os.environ.get("VENDORCHECK_HOME"):
        return load_settings(require_instance=False).home
    return default_home().with_name("vendorcheck-demo")


@cli.command("demo")
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit without starting the server.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
@friendly_errors
def demo_command(no_serve: bool, host: str, port: int) -> None:
    """Set up a demo practice with sample vendors and serve it.

    Creates (or reuses) a demo instance: one practice, a user for each role, four shortlisted
    billing companies and their evidence (generated PDFs, stored encrypted). Running it again
    duplicates nothing and prints the same sign-in details.
    """
    home = demo_home()
    settings = load_settings({"home": home}, require_instance=False)
    click.echo(f"Demo instance: {home}")
    _print_report(initialize(settings))
    settings = load_settings({"home": home})
    passwords = demo.load_or_create_credentials(home)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        logins = demo.seed(session, passwords)
    vault = Vault.for_settings(settings)
    added = demo_evidence.seed_evidence(lambda: db.transaction(engine), vault, demo.ORGANIZATION, demo.DEMO_ACTOR)
    if added:
        click.echo(f"Stored {added} demo evidence document(s), encrypted, in {vault.blobs.location}.")
    with db.transaction(engine) as session:
        library = load_library(questionnaires_dir())
        answered = demo_answers.seed_answers(session, demo.ORGANIZATION, library, demo.DEMO_ACTOR)
        if answered:
            click.echo(f"Created {answered} demo assessment(s) with the vendors' answers.")
    with db.transaction(engine) as session:
        audit.write_checkpoint(session, signing.load_signer(home), "demo setup")
    engine.dispose()
    click.echo(f"\nSign in to {demo.ORGANIZATION} as any of these demo users:")
    for login in logins:
        click.echo(f"  {login.role.value:<9} {login.email:<32} {login.password}")
    click.echo("The admin and the auditor set up two-step sign-in (an authenticator app) when they first sign in.")
    if not no_serve:
        _serve(settings, host, port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to serve on.")
@friendly_errors
def serve(host: str, port: int) -> None:
    """Run the app with the built-in server (one machine; for production use gunicorn).

    \b
    Production: gunicorn "vendorcheck:create_app()" behind a TLS-terminating proxy.
    """
    _serve(load_settings(), host, port)


def _serve(settings: Settings, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    from vendorcheck import create_app

    app = create_app({"home": settings.home})
    if not _is_loopback(host):
        click.echo("warning: serving beyond this machine without TLS; put a TLS proxy in front.", err=True)
    click.echo(f"\nvendorcheck is running at http://{host}:{port}  (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@cli.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply migrations to bring the database up to this version of vendorcheck."""
    settings = load_settings(require_instance=False)
    engine = db.make_engine(settings.database_url)
    current, head = db.schema_state(engine)
    if current == head:
        click.echo(f"Database {db.safe_url(engine)} is up to date (revision {head}).")
    else:
        db.upgrade(engine)
        click.echo(f"Database {db.safe_url(engine)} upgraded from {current or 'empty'} to {head}.")
    engine.dispose()


@cli.group()
def users() -> None:
    """Manage user accounts (the web's Users page does the same for admins)."""


def _instance_engine() -> Engine:
    """The engine of the instance in VENDORCHECK_HOME."""
    return db.make_engine(load_settings().database_url)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise accounts.AccountError(f"unknown role {value!r}: use one of {', '.join(r.value for r in Role)}") from None


ROLE_HELP = "One of: " + ", ".join(r.value for r in Role) + "."


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, help=ROLE_HELP)
@click.option("--organization", metavar="NAME", required=True, help="The user's organization (created if new).")
@click.option("--name", "display_name", metavar="NAME", help="Display name (default: from the email).")
@friendly_errors
def users_create(email: str, role: str, organization: str, display_name: str | None) -> None:
    """Create a user with a one-time password, printed once; they choose their own at first sign-in."""
    password = generate_password()
    engine = _instance_engine()
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, organization)
        user = accounts.create_user(
            session, org, email, _role(role), password, display_name=display_name, must_change_password=True
        )
        click.echo(f"Created {user.email} ({user.role.value}) in {org.name!r}.")
    engine.dispose()
    click.echo(f"One-time password (shown once, change it at first sign-in): {password}")


@users.command("list")
@click.option("--organization", metavar="NAME", help="Only this organization's users.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/cli.md).")
@friendly_errors
def users_list(organization: str | None, as_json: bool) -> None:
    """List users: email, role, organization, status, two-step sign-in."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
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
    engine.dispose()
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
    engine = _instance_engine()
    with db.transaction(engine) as session:
        user = accounts.find_user(session, email)
        if user is None:
            raise accounts.AccountError(f"no user with the email {email}: see `vendorcheck users list`")
        accounts.set_role(session, user, _role(role), Actor.cli())
        click.echo(f"{user.email} is now {user.role.value}.")
    engine.dispose()


@cli.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@friendly_errors
def audit_verify() -> None:
    """Recompute every entry's hash and link and every signed checkpoint; name the first bad entry.

    Exits 0 when the trail is intact, 1 when it is not. Writes nothing.
    """
    settings = load_settings()
    keys = signing.verification_keys(settings.home)
    engine = db.make_engine(settings.database_url, sqlite_immediate=False)
    with db.transaction(engine) as session:
        report = audit.verify(session, keys)
        latest = audit.latest_checkpoint(session)
    engine.dispose()
    if not report.ok:
        click.echo(f"vendorcheck: audit trail FAILED verification: {report.problems[0]}", err=True)
        sys.exit(1)
    click.echo(f"Audit trail intact: {report.entries} entries and {report.checkpoints} signed checkpoint(s) verified.")
    if latest is None:
        click.echo(
            f"No checkpoint yet: the running app signs one within {settings.checkpoint_minutes} minutes, "
            "or run `vendorcheck audit checkpoint` now."
        )
    elif not keys:
        click.echo("warning: no signing key in the instance folder, so checkpoint signatures were not checked.")


@audit_group.command("checkpoint")
@friendly_errors
def audit_checkpoint() -> None:
    """Sign the trail's current size and Merkle root now (the running app also signs them on a schedule)."""
    settings = load_settings()
    signer = signing.load_signer(settings.home)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        checkpoint = audit.write_checkpoint(session, signer, "scheduled")
        click.echo(f"Checkpoint signed: {checkpoint.tree_size} entries, root {checkpoint.root_hash}.")
    engine.dispose()


@cli.group("packet")
def packet_group() -> None:
    """Evidence packets for auditors: export a vendor's, verify one offline."""


@packet_group.command("export")
@click.argument("vendor")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.zip")
@friendly_errors
def packet_export(vendor: str, out: Path) -> None:
    """Write VENDOR's evidence packet (BagIt bag + signed DSSE envelope, in a ZIP) to FILE.

    The export is an audit event and signs a fresh checkpoint, both committed before the file is written.
    The file appears only when complete; a failure (such as a document that no longer decrypts) leaves none.
    """
    if out.suffix.lower() != ".zip":
        _fail("--out must end in .zip")
    if not out.parent.is_dir():
        _fail(f"{out.parent} is not a folder")
    settings = load_settings()
    signer = signing.load_signer(settings.home)
    vault = Vault.for_settings(settings)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        found = _find_vendor(session, vendor)
        export = packets.prepare(session, vault, signer, Actor.cli(), found)
    engine.dispose()
    # A progress bar on a terminal; nothing in logs and pipes.
    shown = sys.stderr.isatty()
    bar = click.progressbar(length=export.payload_bytes, label="Exporting", file=sys.stderr)
    with bar if shown else contextlib.nullcontext(bar):
        packets.write_file(export, signer, out, bar.update if shown else None)
    files = len(export.packet.files)
    click.echo(
        f"Wrote {out}: {files} payload files, {export.evidence_bytes:,} bytes of evidence, "
        f"audit checkpoint at {export.checkpoint.tree_size} entries, signed by key {signer.key_id}."
    )


@packet_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A trusted public key (PEM); repeatable. Default: this instance's signing key, if there is one.",
)
@friendly_errors
def packet_verify(file: Path, key_files: tuple[Path, ...]) -> None:
    """Check a packet offline: its signature, every file, the bag, and its audit events.

    Exits 0 when all is well and 1 naming every problem found. Writes nothing.
    """
    trusted: dict[str, Any] = {}
    for key_file in key_files:
        try:
            key = signing.load_public_pem(key_file.read_bytes())
        except ValueError:
            _fail(f"{key_file} is not an Ed25519 public key in PEM form")
        trusted[signing.key_id(key)] = key
    if not key_files:  # on the instance itself its key is the one to trust; elsewhere there may be none
        trusted = signing.verification_keys(load_settings(require_instance=False).home)
    report = packet.verify(str(file), trusted)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if not report.ok:
        for problem in report.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo(f"vendorcheck: packet FAILED verification: {len(report.problems)} problem(s).", err=True)
        sys.exit(1)
    vendor = report.predicate.get("vendor", {}).get("name", "?")
    click.echo(
        f"Packet intact: {report.files} files (payload and bag tag files) match the statement signed by key "
        f"{report.key_id}; "
        f"{report.evidence} evidence file(s) match their recorded uploads; {report.events} audit event(s) "
        f"are in the signed log. Vendor {vendor}, exported {report.predicate.get('exported_at', '?')}."
    )


@cli.group()
def sessions() -> None:
    """Session signing key."""


@sessions.command("rotate-key")
@friendly_errors
def sessions_rotate_key() -> None:
    """Make a new session-signing key active; the previous one keeps verifying, so nobody is signed out.

    Restart the app afterwards. A key rotated out twice stops working.
    """
    settings = load_settings()
    dropped = rotate_session_key(settings.home)
    click.echo(f"New session key active in {settings.home / 'secret_key'}; {dropped} old key(s) dropped.")
    click.echo("Restart vendorcheck (or gunicorn) to use it.")


@cli.group()
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
    engine = db.make_engine(settings.database_url, sqlite_immediate=False)
    with db.transaction(engine) as session:
        counts = evidence.count_by_key_version(session)
    engine.dispose()
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
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        version = ring.rotate()
        audit.record(session, "keys.rotated", Actor.cli(), target_type="key_ring", target_id=version)
        ring.save()  # inside the transaction: if saving fails, no event claims a rotation
    engine.dispose()
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
    engine = db.make_engine(settings.database_url)
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
                session, "keys.retired", Actor.cli(), target_type="key_ring", details={"below": local.active_version}
            )
            local.save()
        click.echo(f"Key versions below {local.active_version} are retired: they no longer decrypt anything.")
    engine.dispose()


@cli.group("evidence")
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
    engine = db.make_engine(settings.database_url, sqlite_immediate=False)
    failures = checked = 0
    with db.transaction(engine) as session:
        for result in evidence.verify_stored(vault, evidence.versions_to_verify(session, everything)):
            checked += 1
            if result.error:
                failures += 1
                click.echo(f"FAILED {result.label}: {result.error}", err=True)
    engine.dispose()
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
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        removed = evidence.sweep(session, vault, timedelta(hours=older_than_hours))
        if removed:
            audit.record(
                session, "evidence.swept", Actor.cli(), details={"removed": removed[:100], "count": len(removed)}
            )
    engine.dispose()
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
    engine = db.make_engine(settings.database_url)

    def progress(index: int, total: int, result: blobmigration.BlobOutcome) -> None:
        click.echo(f"[{index}/{total}] {result.label}", err=result.outcome == blobmigration.FAILED)

    try:
        report = blobmigration.migrate_store(
            lambda: db.transaction(engine),
            vault.keys,
            source,
            destination,
            Actor.cli(),
            delete_source=delete_source,
            on_blob=progress,
        )
    finally:
        engine.dispose()
    click.echo(
        f"{report.count(blobmigration.COPIED)} copied, {report.count(blobmigration.PRESENT)} already there, "
        f"{len(report.failures)} failed, of {report.total} blob(s); each checked by decrypting it in the destination."
    )
    if report.failures:
        click.echo(f"vendorcheck: {len(report.failures)} blob(s) failed: fix them and run the command again.", err=True)
        sys.exit(1)


@cli.group()
def vendors() -> None:
    """List and add vendors."""


def _find_vendor(session: Session, ref: str) -> Vendor:
    """A vendor by id or exact name (VENDOR in the CLI contract)."""
    query = select(Vendor).where(Vendor.id == int(ref)) if ref.isdigit() else select(Vendor).where(Vendor.name == ref)
    found = session.scalars(query).all()
    if not found:
        raise assessments.AssessmentError(f"no vendor {ref!r}: see `vendorcheck vendors list`")
    if len(found) > 1:
        ids = ", ".join(str(v.id) for v in found)
        raise assessments.AssessmentError(f"several vendors are named {ref!r} (ids {ids}); give the id instead")
    return found[0]


@vendors.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/cli.md).")
@friendly_errors
def vendors_list(as_json: bool) -> None:
    """Every vendor: id, name, status, organization, assessments."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
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
    engine.dispose()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>4}  {row['name']:<36} {row['status']:<12} {row['organization']}")


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
            _fail(f"{profile}: not valid JSON ({error})")
        if not isinstance(values, dict):
            _fail(f"{profile}: expected a JSON object of profile fields")
        for key, value in values.items():
            if key not in PROFILE_FIELDS:
                _fail(f"{profile}: unknown field {key!r}; known: {', '.join(PROFILE_FIELDS)}")
            if not isinstance(value, PROFILE_FIELDS[key]):
                _fail(f"{profile}: {key} must be a {PROFILE_FIELDS[key].__name__}")
        if "phi_volume" in values:
            try:
                values["phi_volume"] = PhiVolume(values["phi_volume"])
            except ValueError:
                _fail(f"{profile}: phi_volume must be one of {', '.join(p.value for p in PhiVolume)}")
    if not name.strip() or len(name) > 200:
        _fail("give the vendor a name of 1 to 200 characters")
    engine = _instance_engine()
    with db.transaction(engine) as session:
        orgs = session.scalars(select(Organization)).all()
        chosen = [o for o in orgs if organization is None or o.name == organization]
        if len(chosen) != 1:
            names = ", ".join(repr(o.name) for o in orgs) or "none yet: run `vendorcheck init --admin-email ...`"
            _fail(f"choose the organization with --organization (organizations: {names})")
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
    engine.dispose()


@cli.group()
def answers() -> None:
    """Export and import a vendor's answers (XLSX or JSON)."""


def _assessment_of(session: Session, vendor: Vendor, assessment_id: int | None) -> Assessment:
    candidates = [a for a in vendor.assessments if a.status != AssessmentStatus.CANCELLED]
    if assessment_id is not None:
        candidates = [a for a in vendor.assessments if a.id == assessment_id]
    if not candidates:
        raise assessments.AssessmentError(
            f"{vendor.name} has no assessment{'' if assessment_id is None else f' {assessment_id}'}: "
            "create one on the vendor's page"
        )
    return candidates[-1]


@answers.command("export")
@click.argument("vendor")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.xlsx or .json")
@click.option("--assessment", "assessment_id", type=int, help="Which assessment (default: the newest).")
@click.option("--blank", is_flag=True, help="XLSX without the current answers.")
@friendly_errors
def answers_export(vendor: str, out: Path, assessment_id: int | None, blank: bool) -> None:
    """Write a vendor's questionnaire and answers to FILE.xlsx, or its answers to FILE.json."""
    if out.suffix.lower() not in (".xlsx", ".json"):
        _fail("--out must end in .xlsx or .json")
    engine = _instance_engine()
    with db.transaction(engine) as session:
        found = _find_vendor(session, vendor)
        form = assessments.form_of(session, _assessment_of(session, found, assessment_id))
        if out.suffix.lower() == ".json":
            data = json.dumps(spreadsheet.export_json(form), indent=2, ensure_ascii=False).encode("utf-8")
        else:
            data = spreadsheet.export_xlsx(form, with_answers=not blank)
    engine.dispose()
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    click.echo(f"Wrote {out} (assessment {form.assessment.id}, {len(form.answers)} answers).")


@answers.command("import")
@click.argument("vendor")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--assessment", "assessment_id", type=int, help="Which assessment (default: the newest).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@friendly_errors
def answers_import(vendor: str, file: Path, assessment_id: int | None, dry_run: bool) -> None:
    """Read FILE.xlsx or FILE.json into a vendor's assessment: every bad cell is listed and nothing applied."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
        found = _find_vendor(session, vendor)
        form = assessments.form_of(session, _assessment_of(session, found, assessment_id))
        data = file.read_bytes()
        try:
            reader = spreadsheet.read_json if file.suffix.lower() == ".json" else spreadsheet.read_xlsx
            entries = reader(form, data)
        except spreadsheet.SheetError as error:
            for problem in error.problems:
                click.echo(f"{file}: {problem}", err=True)
            click.echo(f"vendorcheck: error: {len(error.problems)} problem(s); nothing was imported.", err=True)
            sys.exit(1)
        changes = spreadsheet.diff(form, entries)
        for change in changes:
            click.echo(f"{change.question_id}: {change.before} -> {change.after}")
        if dry_run or not changes:
            click.echo(f"{len(changes)} change(s){' (dry run: nothing written)' if dry_run else ''}.")
            session.rollback()
            return
        result = assessments.save(session, Actor.cli(), form, entries, on_behalf=True)
        if result.errors:
            session.rollback()
            _fail("; ".join(f"{k}: {v}" for k, v in result.errors.items()))
        click.echo(f"Imported {len(result.changed)} change(s) into assessment {form.assessment.id}.")
    engine.dispose()


def _score_lines(entry: scores.VendorScore) -> list[str]:
    found = entry.score
    if found is None or found.rating is None:
        return [f"{entry.vendor.name}: not assessed. {entry.message}"]
    rating = found.rating
    lines = [
        f"{entry.vendor.name}: {rating.name} risk ({entry.message})",
        f"  Claimed {found.claimed:.1f}/100, proven {found.proven:.1f}/100, "
        f"evidence confidence {found.confidence:.0f}%",
        f"  Why {rating.name}: impact {LEVELS[rating.inherent]} ({' '.join(found.inherent_reasons)}); "
        f"controls {LEVELS[rating.strength]} ({found.rating_basis} {found.basis:.1f}) -> likelihood "
        f"{LEVELS[rating.likelihood]}; NIST SP 800-30 matrix -> {LEVELS[rating.matrix]}"
        + (f"; raised to {rating.name} by {len(found.knockouts)} failed knock-out(s)" if rating.floored else ""),
    ]
    lines.append("  Knock-outs: " + ("none" if not found.knockouts else ""))
    lines += [f"    {k.question_id} ({k.answer}): {k.reason} [{', '.join(k.controls)}]" for k in found.knockouts]
    lines.append("  Domains (claimed / proven, weight):")
    lines += [f"    {d.label:<24} {d.claimed:5.1f} / {d.proven:5.1f}  x{d.weight:g}" for d in found.domains]
    lines.append("  Gaps that cost the most:")
    for gap in found.gaps[:5]:
        lines.append(f"    -{gap.points:.2f}  {gap.question_id} ({gap.answer}): {gap.why} [{', '.join(gap.controls)}]")
        lines.append(f"           {gap.ask}")
    lines.append(f"  Method {found.method_version}, scoring profile version {found.profile_version}.")
    return lines


@cli.command("score")
@click.argument("vendor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/cli.md).")
@friendly_errors
def score_command(vendor: str, as_json: bool) -> None:
    """A vendor's risk rating, claimed and proven scores, knock-outs and the gaps that cost the most."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
        found = _find_vendor(session, vendor)
        [entry] = scores.score_vendors(session, [found], scores.current_profile(session, found.org_id))
        output = json.dumps(scores.score_json(entry), indent=2, ensure_ascii=False) if as_json else None
        lines = _score_lines(entry)
    engine.dispose()
    click.echo(output if as_json else "\n".join(lines))


@cli.command("compare")
@click.argument("vendor_refs", metavar="VENDOR...", nargs=-1, required=True)
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the table to F.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see docs/cli.md).")
@friendly_errors
def compare_command(vendor_refs: tuple[str, ...], csv_out: Path | None, as_json: bool) -> None:
    """Vendors side by side, best first, with whether the ranking holds when domain weights move by 25%."""
    engine = _instance_engine()
    with db.transaction(engine) as session:
        chosen = [_find_vendor(session, ref) for ref in vendor_refs]
        if len({v.org_id for v in chosen}) > 1:
            _fail("these vendors belong to different organizations; compare vendors of one organization")
        try:
            comparison = scores.compare(session, chosen, scores.current_profile(session, chosen[0].org_id))
        except scores.ScoreError as error:
            _fail(str(error))
        rows = scores.comparison_rows(comparison)
        data = scores.comparison_json(comparison)
    engine.dispose()
    if csv_out is not None:
        partial = csv_out.with_name(csv_out.name + ".partial")
        with partial.open("w", newline="", encoding="utf-8") as handle:
            csv_writer(handle).writerows(rows)
        partial.replace(csv_out)
        click.echo(f"Wrote {csv_out} ({len(rows) - 1} vendors).")
    elif as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    if csv_out is None and not as_json:
        for row in rows[1:]:
            click.echo(f"{row[0]}. {row[1]}: {row[3]}" + (f" (claimed {row[4]}, proven {row[5]})" if row[4] else ""))
        click.echo(f"Recommended: {data['recommended'] or 'none yet (every assessed vendor fails a knock-out)'}")
        click.echo("The ranking holds when any domain weight moves by 25%." if data["stable"] else "")
        for flip in data["flips"]:
            click.echo(f"  {flip}")


@cli.group("questionnaires")
def questionnaires_group() -> None:
    """Check the questionnaire files."""


@questionnaires_group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def questionnaires_validate(paths: tuple[Path, ...]) -> None:
    """Check questionnaire files (default: the shipped library) and list every problem.

    Each problem reads FILE:LINE: QUESTION: FIELD: MESSAGE. Exit status 1 when there is any.
    """
    loaded, problems = validate_paths(list(paths) or [questionnaires_dir()])
    for problem in problems:
        click.echo(str(problem), err=True)
    for questionnaire in loaded.values():
        click.echo(
            f"ok  {questionnaire.key} {questionnaire.version}: {len(questionnaire.questions)} questions, "
            f"{sum(1 for q in questionnaire.questions if q.critical)} critical, hash {questionnaire.content_hash[:12]}"
        )
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)


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
