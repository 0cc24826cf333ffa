"""Evidence packet benchmark: export a vendor holding 1 GiB of evidence; time and peak memory beside decrypt.

    python -m bench.packet [--size-mib 1024] [--files 8] [--dir FOLDER]

A fresh instance (SQLite, local key file) gets one vendor with ``--files`` documents of random bytes
adding up to ``--size-mib``. Then, each in a fresh child process so its peak RSS is its own:

* decrypt: the vault's streamed open of every document (read, authenticate each chunk, SHA-256), the
  work an export cannot avoid;
* export to a file: what ``vendorcheck packet export`` does (audit event, signed checkpoint, inclusion
  proofs, report, then the ZIP streamed to disk, no fsync);
* export to a sink: the same stream handed to a byte counter, as the web server hands it to the socket;
  with the time to the first piece (when the browser's download starts).

The export is also run at a quarter of the size to show that memory does not grow with the evidence.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import children

MIB = 1024 * 1024
PIECE = 4 * MIB
VENDOR = "Bench Billing Co."


def _child(task: str, home: Path, *args: str) -> dict:
    """Run one measurement in a fresh interpreter on the instance ``home``."""
    env = {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "VENDORCHECK_HOME": str(home)}
    return children.run("bench.packet", task, *args, env=env)


# Child tasks: each prints a JSON object


def task_seed(size_mib: str, files: str) -> dict:
    """An instance with one vendor holding ``files`` random documents of ``size_mib`` MiB in all."""
    from vendorcheck import accounts, db, evidence
    from vendorcheck.audit import Actor
    from vendorcheck.config import load_settings
    from vendorcheck.instance import initialize
    from vendorcheck.models import EvidenceKind, Vendor

    settings = load_settings(require_instance=False)
    initialize(settings)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, "Bench Practice")
        vendor = Vendor(org_id=org.id, name=VENDOR)
        session.add(vendor)
        session.flush()
        org_id, vendor_id = org.id, vendor.id
    vault = evidence.Vault.for_settings(settings)
    each = int(size_mib) * MIB // int(files)

    head, tail = b"%PDF-1.7\n", b"\n%%EOF\n"  # what the upload's type check looks for

    def random_bytes():
        yield head
        remaining = each - len(head) - len(tail)
        while remaining:
            piece = os.urandom(min(PIECE, remaining))
            remaining -= len(piece)
            yield piece
        yield tail

    for n in range(int(files)):
        evidence.store_bytes(
            lambda: db.transaction(engine),
            vault,
            Actor.cli(),
            vendor_id,
            org_id,
            f"soc2-part-{n + 1}.pdf",
            random_bytes(),
            details=evidence.EvidenceDetails(EvidenceKind.SOC2_REPORT, f"SOC 2 report part {n + 1}"),
            max_size=each + 1,
        )
    engine.dispose()
    return {"bytes": each * int(files)}


def task_decrypt() -> dict:
    """Every document of the vendor through the vault's streamed open."""
    from sqlalchemy import select

    from vendorcheck import db, evidence
    from vendorcheck.config import load_settings
    from vendorcheck.models import EvidenceVersion

    settings = load_settings()
    vault = evidence.Vault.for_settings(settings)
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        versions = session.scalars(select(EvidenceVersion).where(EvidenceVersion.complete.is_(True))).all()
        started = time.perf_counter()
        total = 0
        for version in versions:
            for chunk in evidence.open_version(vault, version):
                total += len(chunk)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": total, "peak_rss_mib": children.peak_rss_mib()}


def task_export(target: str) -> dict:
    """Prepare and stream the vendor's packet to ``target`` (a file path, or "sink" to count bytes only)."""
    from sqlalchemy import select

    from vendorcheck import db, evidence, packets, signing
    from vendorcheck.audit import Actor
    from vendorcheck.config import load_settings
    from vendorcheck.models import Vendor

    settings = load_settings()
    vault = evidence.Vault.for_settings(settings)
    signer = signing.load_signer(settings.home)
    engine = db.make_engine(settings.database_url)
    started = time.perf_counter()
    with db.transaction(engine) as session:
        vendor = session.scalars(select(Vendor).where(Vendor.name == VENDOR)).one()
        export = packets.prepare(session, vault, signer, Actor.cli(), vendor)
    prepared = time.perf_counter() - started
    first = None
    written = 0
    if target != "sink":
        written = packets.write_file(export, signer, Path(target))
    else:
        for piece in export.stream(signer):
            if first is None:
                first = time.perf_counter() - started
            written += len(piece)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "prepare_seconds": prepared,
        "first_piece_seconds": first,
        "zip_bytes": written,
        "peak_rss_mib": children.peak_rss_mib(),
    }


def task_write(target: str, size: str) -> dict:
    """The disk's own speed for the same write pattern: ``size`` bytes in 1 MiB pieces, no fsync."""
    block = os.urandom(MIB)
    started = time.perf_counter()
    with open(target, "wb") as sink:
        for _ in range(int(size) // MIB):
            sink.write(block)
    seconds = time.perf_counter() - started
    os.unlink(target)
    return {"seconds": seconds, "peak_rss_mib": children.peak_rss_mib()}


def task_baseline() -> dict:
    """The interpreter with vendorcheck's export path imported, before any work."""
    from vendorcheck import packets  # noqa: F401

    return {"peak_rss_mib": children.peak_rss_mib()}


def _instance(work: Path, name: str, size_mib: int, files: int) -> Path:
    home = work / name
    started = time.perf_counter()
    _child("seed", home, str(size_mib), str(files))
    print(f"seeded {name}: {files} documents, {size_mib} MiB, in {time.perf_counter() - started:.1f} s")
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024, help="evidence held by the vendor (default 1 GiB)")
    parser.add_argument("--files", type=int, default=8, help="number of documents (default 8)")
    parser.add_argument("--dir", type=Path, default=Path.cwd(), help="where the instances go")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        children.serve(globals(), args.child)
        return

    work = Path(tempfile.mkdtemp(prefix="vendorcheck-packet-bench-", dir=args.dir))
    try:
        print(f"vendorcheck packet benchmark in {work} (Python {sys.version.split()[0]})")
        home = _instance(work, "full", args.size_mib, args.files)
        quarter = _instance(work, "quarter", max(1, args.size_mib // 4), args.files)
        baseline = _child("baseline", home)["peak_rss_mib"]
        decrypt = _child("decrypt", home)
        disk = _child("write", home, str(work / "raw.bin"), str(args.size_mib * MIB))
        to_file = _child("export", home, str(work / "packet.zip"))
        to_sink = _child("export", home, "sink")
        small = _child("export", quarter, "sink")
        size = decrypt["bytes"]
        print(f"\n{'measurement':<24} {'seconds':>8} {'MiB/s':>8} {'peak RSS MiB':>13}  {'x decrypt':>9}")
        for name, result in (
            ("decrypt (vault)", decrypt),
            ("raw write to disk", disk),
            ("export to file (CLI)", to_file),
            ("export to sink (web)", to_sink),
        ):
            ratio = result["seconds"] / decrypt["seconds"]
            print(
                f"{name:<24} {result['seconds']:>8.2f} {size / MIB / result['seconds']:>8.0f}"
                f" {result['peak_rss_mib']:>13.1f}  {ratio:>9.2f}"
            )
        print(f"\ninterpreter baseline RSS: {baseline:.1f} MiB (included in the peaks above)")
        print(
            f"export: prepare (audit event, checkpoint, proofs, report) {to_sink['prepare_seconds'] * 1000:.0f} ms;"
            f" first piece of the ZIP after {to_sink['first_piece_seconds'] * 1000:.0f} ms;"
            f" ZIP {to_sink['zip_bytes'] / MIB:,.1f} MiB"
        )
        print(
            f"memory flat as evidence grows: export peak {small['peak_rss_mib']:.1f} MiB at {args.size_mib // 4} MiB"
            f" vs {to_sink['peak_rss_mib']:.1f} MiB at {args.size_mib} MiB"
        )
        peak = max(to_file["peak_rss_mib"], to_sink["peak_rss_mib"])
        streamed = to_sink["seconds"] / decrypt["seconds"]
        floor = max(decrypt["seconds"], disk["seconds"])
        print(
            f"targets: peak memory under 128 MiB ({'met' if peak < 128 else 'MISSED'}: {peak:.1f});"
            f" streamed export within 2x decrypt time ({'met' if streamed <= 2 else 'MISSED'}: {streamed:.2f}x);"
            f" export to file {to_file['seconds'] / floor:.2f}x the slower of decrypt and the raw disk write"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
