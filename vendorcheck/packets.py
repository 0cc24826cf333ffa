"""Exporting a vendor's evidence packet: gathers what the auditor needs and hands it to :mod:`vendorcheck.packet`.

:func:`prepare` runs inside the caller's transaction: it records the export (an audit event), signs a
checkpoint that covers it, and collects answers, score, evidence and the vendor's audit events with their
inclusion proofs. What it returns holds plain data only (evidence is read from the vault when the stream
reaches it), so the caller commits first and streams after: the audit trail says the export happened
before a single byte leaves.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import assessments, audit, auditlog, evidence, packet, scores, signing, spreadsheet
from vendorcheck.audit import Actor
from vendorcheck.models import AssessmentStatus, AuditCheckpoint, AuditEvent, Evidence, Organization, Vendor
from vendorcheck.resources import templates_dir
from vendorcheck.scoring import METHOD_VERSION
from vendorcheck.vault import envelope

README = """\
vendorcheck evidence packet
===========================

This folder is a BagIt bag (RFC 8493). Beside it, {envelope} is a DSSE envelope whose in-toto
Statement lists every file of the bag with its SHA-256, signed with the organization's Ed25519 key
(key id {key_id}; the public key is keys/organization-signing-key.pem).

  report.html                 the assessment in readable form: rating and why, answers, documents, audit trail
  score/score.json            the score with its explanation (format vendorcheck-score/1)
  answers/assessment-N.json   each assessment's answers (the format `vendorcheck answers import` reads)
  evidence/index.json         every document: title, kind, review, validity, questions, SHA-256, upload event
  evidence/<id>/v<n>-<name>   the documents themselves, decrypted, exactly as uploaded
  audit/events.json           this vendor's audit events, each with an RFC 6962 inclusion proof
  audit/checkpoint.json       the organization's signed audit checkpoint the proofs lead to
  audit/legacy-checkpoint.json  (if there are events from before per-organization chains) theirs

To check it (no network needed):
  vendorcheck packet verify THE.zip --key organization-signing-key.pem
  python -m bagit --validate <this bag's folder, once unzipped>
"""


def _software() -> str:
    try:
        return f"vendorcheck {package_version('vendorcheck')}"
    except PackageNotFoundError:  # running from a checkout without installing
        return "vendorcheck"


def slug(name: str) -> str:
    """A vendor name as a file-name part."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "vendor"


@dataclass(frozen=True)
class Export:
    """A prepared packet: what to stream, and figures for the caller (file name, progress total)."""

    packet: packet.Packet
    evidence_bytes: int
    checkpoint: AuditCheckpoint

    @property
    def filename(self) -> str:
        return self.packet.bag_name + ".zip"

    @property
    def payload_bytes(self) -> int:
        return sum(f.size for f in self.packet.files)

    def stream(self, signer: signing.Signer, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """The ZIP in pieces (see :func:`vendorcheck.packet.stream`)."""
        return packet.stream(self.packet, signer, progress)


WRITE_AHEAD = 8  # pieces (about a megabyte each) waiting for the disk while the next ones are decrypted


def write_file(export: Export, signer: signing.Signer, out: Path, progress: Callable[[int], None] | None = None) -> int:
    """Write the packet to ``out``; it appears only when complete, readable by its owner only. Returns its size.

    The disk is written by a second thread while this one decrypts and zips the next pieces, so the export
    takes about as long as the slower of the two rather than their sum; memory stays at ``WRITE_AHEAD``
    pieces. Any failure (a document that does not decrypt, a full disk) removes the partial file.
    """
    partial = out.with_name(out.name + ".partial")
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=WRITE_AHEAD)
    failed: list[BaseException] = []
    written = 0
    # The packet holds decrypted evidence: owner-only, like the instance's own files.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)

    def drain() -> None:
        with os.fdopen(descriptor, "wb") as sink:
            while (piece := pending.get()) is not None:
                if not failed:
                    try:
                        sink.write(piece)
                    except BaseException as exc:  # handed to the main thread below
                        failed.append(exc)

    writer = threading.Thread(target=drain, name="packet-writer")
    writer.start()
    try:
        try:
            for piece in export.stream(signer, progress):
                if failed:
                    break
                pending.put(piece)
                written += len(piece)
        finally:
            pending.put(None)
            writer.join()
        if failed:
            raise failed[0]
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def _upload_event(event: AuditEvent | None) -> dict[str, Any]:
    """The upload's audit event: its seq, and its chain (null for the legacy chain, whose entries name none)."""
    if event is None:
        return {"upload_event": None}
    return {"upload_event": event.seq, "upload_event_chain": audit.entry_document(event).get("chain")}


def _vault_reader(vault: evidence.Vault, version: Any) -> Callable[[], Iterable[bytes]]:
    sealed, context = evidence.sealed_of(version), evidence.context_of(version)  # plain data, read now
    return lambda: envelope.open_sealed(vault.keys, vault.blobs, sealed, context)


def _evidence_files(
    vault: evidence.Vault, items: list[Evidence], uploads: dict[tuple[str, int], AuditEvent], today: date
) -> tuple[list[packet.PayloadFile], list[dict[str, Any]]]:
    files: list[packet.PayloadFile] = []
    index: list[dict[str, Any]] = []
    for item in items:
        for version in item.versions:
            if not version.complete:
                continue
            # The served name: its extension is always one of the detected type (older rows included).
            path = f"evidence/{item.id}/v{version.version_no}-{packet.safe_name(evidence.served_name(version))}"
            reader = _vault_reader(vault, version)
            files.append(packet.PayloadFile(path, version.size, reader, version.plaintext_sha256))
            index.append(
                {
                    "path": path,
                    "evidence_id": item.id,
                    "version": version.version_no,
                    "latest": version is evidence.latest_version(item),
                    "title": item.title,
                    "kind": item.kind.value,
                    "review_state": item.review_state.value,
                    "rejection_reason": item.rejection_reason,
                    "issued_on": item.issued_on.isoformat() if item.issued_on else None,
                    "valid_until": item.valid_until.isoformat() if item.valid_until else None,
                    "expired": item.is_expired(today),
                    "question_ids": list(item.question_ids),
                    "assessment_id": item.assessment_id,
                    "filename": version.display_filename,
                    "content_type": version.content_type,
                    "size": version.size,
                    "sha256": version.plaintext_sha256,
                    "uploaded_at": audit.iso(version.created_at),
                    "uploaded_by": version.uploaded_by_kind.value,
                    **_upload_event(uploads.get((str(item.id), version.version_no))),
                }
            )
    return files, index


def _checkpoint_doc(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    legacy = checkpoint.chain == audit.LEGACY_CHAIN
    return {
        "format": audit.LEGACY_CHECKPOINT_FORMAT if legacy else audit.CHECKPOINT_FORMAT,
        **({} if legacy else {"chain": checkpoint.chain}),
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "created_at": audit.iso(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "reason": checkpoint.reason,
        "signed_message": (
            f"format{'' if legacy else ', chain (the organization id)'}, tree_size, root_hash and created_at, "
            "each followed by a line feed"
        ),
    }


@dataclass(frozen=True)
class _Proven:
    """Events of one chain and the signed checkpoint (with its tree) that their proofs lead to."""

    events: list[AuditEvent]
    checkpoint: AuditCheckpoint
    tree: Any
    file: str


def _audit_files(proven: list[_Proven], vendor: Vendor) -> tuple[list[packet.PayloadFile], dict[str, Any]]:
    checkpoints = [
        packet.PayloadFile.of_json(part.file.removeprefix("data/"), _checkpoint_doc(part.checkpoint)) for part in proven
    ]
    events_doc = {
        "format": "vendorcheck-audit-events/2",
        "vendor": {"id": vendor.id, "name": vendor.name},
        "checkpoint": {"tree_size": proven[-1].checkpoint.tree_size, "root_hash": proven[-1].checkpoint.root_hash},
        "leaf_hash": "SHA-256(0x00 || canonical JSON of entry): sorted keys, no spaces, UTF-8",
        "events": [
            {
                "entry": audit.entry_document(event),
                "entry_hash": event.entry_hash,
                "leaf_index": event.seq - 1,
                "inclusion_proof": [node.hex() for node in part.tree.inclusion_proof(event.seq - 1)],
                "checkpoint": part.file.removeprefix(packet.AUDIT_DIR),
            }
            for part in proven
            for event in part.events
        ],
    }
    return checkpoints, events_doc


def _report(context: dict[str, Any]) -> bytes:
    environment = Environment(
        loader=FileSystemLoader(templates_dir()), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    environment.filters["detail"] = auditlog.detail_text
    return environment.get_template("packet/report.html").render(context).encode("utf-8")


def record_failure(session: Session, actor: Actor, org_id: int, vendor_id: int, error: Exception) -> None:
    """An export cut off by evidence that failed to decrypt or verify: a security event, like a failed download."""
    audit.record(
        session,
        "packet.export_failed",
        actor,
        org_id=org_id,
        vendor_id=vendor_id,
        target_type="vendor",
        target_id=vendor_id,
        details={"error": str(error)[:300]},
    )


def prepare(
    session: Session,
    vault: evidence.Vault,
    signer: signing.Signer,
    actor: Actor,
    vendor: Vendor,
    today: date | None = None,
) -> Export:
    """Record the export, sign a checkpoint covering it, and gather the packet (caller commits, then streams)."""
    today = today or date.today()
    owned = (Evidence.vendor_id == vendor.id, Evidence.org_id == vendor.org_id)
    items = list(session.scalars(select(Evidence).where(*owned).order_by(Evidence.id)))
    versions = [v for item in items for v in item.versions if v.complete]
    exported = audit.record(
        session,
        "packet.exported",
        actor,
        org_id=vendor.org_id,
        vendor_id=vendor.id,
        target_type="vendor",
        target_id=vendor.id,
        details={
            "evidence_versions": [v.id for v in versions],
            "evidence_bytes": sum(v.size for v in versions),
        },
    )
    checkpoint, tree = audit.checkpoint_tree(session, signer, "packet export", vendor.org_id)
    own = (AuditEvent.org_id == vendor.org_id, AuditEvent.vendor_id == vendor.id)
    query = select(AuditEvent).where(*own).order_by(AuditEvent.seq)
    proven = [
        _Proven(
            list(session.scalars(query.where(AuditEvent.chain == checkpoint.chain))),
            checkpoint,
            tree,
            packet.AUDIT_CHECKPOINT,
        )
    ]
    # The vendor's history from before per-organization chains stays in the legacy chain, with its own checkpoint.
    legacy_events = list(session.scalars(query.where(AuditEvent.chain == audit.LEGACY_CHAIN)))
    if legacy_events:
        legacy, legacy_tree = audit.covering_tree(session, signer, "packet export", audit.LEGACY_CHAIN)
        proven.insert(0, _Proven(legacy_events, legacy, legacy_tree, packet.AUDIT_LEGACY_CHECKPOINT))
    events = [event for part in proven for event in part.events]
    uploads = {
        (e.target_id or "", int(e.details.get("version", 0))): e for e in events if e.action == "evidence.uploaded"
    }
    evidence_files, index = _evidence_files(vault, items, uploads, today)
    checkpoint_files, events_doc = _audit_files(proven, vendor)

    profile = scores.current_profile(session, vendor.org_id)
    scored = scores.score_vendors(session, [vendor], profile, today)[0]
    forms = [assessments.form_of(session, a) for a in vendor.assessments if a.status != AssessmentStatus.CANCELLED]
    organization = session.get(Organization, vendor.org_id)
    assert organization is not None
    created = checkpoint.created_at
    bag_name = f"vendorcheck-packet-{slug(vendor.name)}-{created:%Y%m%dT%H%M%SZ}"
    public_pem = signing.public_pem(signer.public_key)
    report = _report(
        {
            "vendor": vendor,
            "organization": organization,
            "created": created,
            "actor": actor,
            "score": scored,
            "score_doc": scores.score_json(scored),
            "forms": forms,
            "evidence": index,
            "events": events,
            "checkpoint": checkpoint,
            "bag_name": bag_name,
            "key_id": signer.key_id,
            "method_version": METHOD_VERSION,
            "today": today,
        }
    )
    files = [
        packet.PayloadFile.of_bytes(
            "README.txt", README.format(envelope=bag_name + packet.ENVELOPE_SUFFIX, key_id=signer.key_id).encode()
        ),
        packet.PayloadFile.of_bytes("report.html", report),
        packet.PayloadFile.of_json("score/score.json", scores.score_json(scored)),
        *(
            packet.PayloadFile.of_json(f"answers/assessment-{form.assessment.id}.json", spreadsheet.export_json(form))
            for form in forms
        ),
        packet.PayloadFile.of_json(
            packet.EVIDENCE_INDEX.removeprefix("data/"), {"format": "vendorcheck-evidence-index/1", "files": index}
        ),
        *evidence_files,
        packet.PayloadFile.of_json(packet.AUDIT_EVENTS.removeprefix("data/"), events_doc),
        *checkpoint_files,
        packet.PayloadFile.of_bytes(packet.PUBLIC_KEY.removeprefix("data/"), public_pem),
    ]
    predicate = {
        "format": packet.PACKET_FORMAT,
        "bag": bag_name,
        "organization": {"id": organization.id, "name": organization.name},
        "vendor": {"id": vendor.id, "name": vendor.name},
        "exported_at": audit.iso(created),
        "exported_by": actor.label,
        "export_event": exported.seq,
        "audit_checkpoint": {
            "chain": checkpoint.chain,
            "tree_size": checkpoint.tree_size,
            "root_hash": checkpoint.root_hash,
            "created_at": audit.iso(checkpoint.created_at),
            "key_id": checkpoint.key_id,
        },
        "evidence_files": len(evidence_files),
        "scoring_method": METHOD_VERSION,
    }
    info = {
        "Source-Organization": organization.name,
        "Contact-Name": actor.label,
        "External-Identifier": bag_name,
        "External-Description": f"Vendor due-diligence evidence packet for {vendor.name}",
        "Bagging-Date": created.date().isoformat(),
        "Bag-Software-Agent": _software(),
    }
    built = packet.Packet(bag_name, info, files, predicate, created)
    return Export(built, sum(f.size for f in evidence_files), checkpoint)
