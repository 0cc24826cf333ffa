"""``vendorcheck packet``: export a vendor's evidence packet, verify one offline."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from vendorcheck import packets, signing
from vendorcheck.audit import Actor
from vendorcheck.cli.common import fail, find_vendor, friendly_errors, instance_session
from vendorcheck.config import load_settings
from vendorcheck.evidence import Vault
from vendorcheck.packets.verify import verify


@click.group("packet")
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
        fail("--out must end in .zip")
    if not out.parent.is_dir():
        fail(f"{out.parent} is not a folder")
    settings = load_settings()
    signer = signing.load_signer(settings.home)
    vault = Vault.for_settings(settings)
    with instance_session(settings) as session:
        export = packets.prepare(session, vault, signer, Actor.cli(), find_vendor(session, vendor))
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
            fail(f"{key_file} is not an Ed25519 public key in PEM form")
        trusted[signing.key_id(key)] = key
    if not key_files:  # on the instance itself its key is the one to trust; elsewhere there may be none
        trusted = signing.verification_keys(load_settings(require_instance=False).home)
    report = verify(str(file), trusted)
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
