"""Exporting a vendor's evidence packet: gathers what the auditor needs for :mod:`vendorcheck.packets.format`.

:func:`prepare` runs inside the caller's transaction: it records the export (an audit event), signs a
checkpoint that covers it, and collects answers, score, evidence and the vendor's audit events with their
inclusion proofs. What it returns holds plain data only (evidence is read from the vault when the stream
reaches it), so the caller commits first and streams after: the audit trail says the export happened
before a single byte leaves. If a document fails to decrypt or verify while the packet streams, the stream
itself records ``packet.export_failed`` (:meth:`Export.stream`), so the web download and the command line's
file (:func:`vendorcheck.packets.file.write_file`) are audited alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vendorcheck import assessments, audit, contracts, evidence, scores, screening, signing
from vendorcheck.assessments import answers_json
from vendorcheck.audit import Actor, actions, trail
from vendorcheck.models import AssessmentStatus, AuditCheckpoint, AuditEvent, Evidence, Organization, Vendor
from vendorcheck.packets import format as packet_format
from vendorcheck.resources import templates_dir
from vendorcheck.scoring import METHOD_VERSION
from vendorcheck.vault import envelope
from vendorcheck.vault.chunked import VaultError

log = logging.getLogger(__name__)

README = """\
vendorcheck evidence packet
===========================

This folder is a BagIt bag (RFC 8493). Beside it, {envelope} is a DSSE envelope whose in-toto
Statement lists every file of the bag with its SHA-256, signed with the organization's Ed25519 key
(key id {key_id}; the public key is keys/organization-signing-key.pem).

  report.html                 the assessment in readable form: rating and why, answers, documents, audit trail
  score/score.json            the score with its explanation (format vendorcheck-score/1)
  answers/assessment-N.json   each assessment's answers (the format `vendorcheck answers import` reads)
  screening/records.json      every screening against OIG LEIE, SAM.gov and the HHS breach portal: list, version
                              date, SHA-256, result, and each candidate with who confirmed or dismissed it
  contracts/agreements.json   the vendor's agreements (BAA, services, data processing) with the clause checklist
                              (each clause present or not, where, its citations) and the offboarding record
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
class FailureLog:
    """Where an export that fails midway is recorded: its own transaction on the database the export used.

    The export's own event is committed before streaming starts, so its failure cannot join that
    transaction; the stream records it in a new one, whoever streams it (web download or CLI file).
    """

    engine: Engine
    actor: Actor
    org_id: int
    vendor_id: int

    def record(self, error: Exception) -> None:
        """Write the ``packet.export_failed`` event (a failure to write it is logged, not raised over ``error``)."""
        log.error("packet export for vendor %s stopped: %s", self.vendor_id, error)
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                record_failure(session, self.actor, self.org_id, self.vendor_id, error)
        except Exception:  # the export fails anyway, with its own error; say why its record is missing
            log.exception("could not record the failed packet export for vendor %s", self.vendor_id)


@dataclass(frozen=True)
class Export:
    """A prepared packet: what to stream, figures for the caller (file name, progress total), and where a
    failure is recorded."""

    packet: packet_format.Packet
    evidence_bytes: int
    checkpoint: AuditCheckpoint
    failures: FailureLog

    @property
    def filename(self) -> str:
        """The ZIP's file name: the bag's, which names the vendor and the time."""
        return self.packet.bag_name + ".zip"

    @property
    def payload_bytes(self) -> int:
        """The payload's size, for a progress bar."""
        return sum(f.size for f in self.packet.files)

    def stream(self, signer: signing.Signer, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """The ZIP in pieces (see :func:`vendorcheck.packets.format.stream`).

        A document that fails to decrypt or verify stops the stream before the ZIP's central directory (no
        short but valid-looking packet), is recorded as ``packet.export_failed`` (an integrity failure, like a
        failed download) and raises its :class:`VaultError` on.
        """
        try:
            yield from packet_format.stream(self.packet, signer, progress)
        except VaultError as exc:
            self.failures.record(exc)
            raise


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
) -> tuple[list[packet_format.PayloadFile], list[dict[str, Any]]]:
    files: list[packet_format.PayloadFile] = []
    index: list[dict[str, Any]] = []
    for item in items:
        for version in item.versions:
            if not version.complete:
                continue
            # The served name: its extension is always one of the detected type (older rows included).
            path = f"evidence/{item.id}/v{version.version_no}-{packet_format.safe_name(evidence.served_name(version))}"
            reader = _vault_reader(vault, version)
            files.append(packet_format.PayloadFile(path, version.size, reader, version.plaintext_sha256))
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


@dataclass(frozen=True)
class _Proven:
    """Events of one chain and the signed checkpoint (with its tree) that their proofs lead to."""

    events: list[AuditEvent]
    checkpoint: AuditCheckpoint
    tree: Any
    file: str


def _audit_files(proven: list[_Proven], vendor: Vendor) -> tuple[list[packet_format.PayloadFile], dict[str, Any]]:
    checkpoints = [
        packet_format.PayloadFile.of_json(
            part.file.removeprefix("data/"), packet_format.checkpoint_document(part.checkpoint)
        )
        for part in proven
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
                "checkpoint": part.file.removeprefix(packet_format.AUDIT_DIR),
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
    environment.filters["detail"] = trail.detail_text
    return environment.get_template("packet/report.html").render(context).encode("utf-8")


def _contracts_json(session: Session, vendor: Vendor, today: date) -> dict[str, Any]:
    """The vendor's agreements with their clause checks, and its offboarding (format vendorcheck-vendor-contracts/1)."""
    found = contracts.agreements_of(session, [vendor.id]).get(vendor.id, [])
    return {
        "format": "vendorcheck-vendor-contracts/1",
        "clause_catalogue_version": contracts.catalogue().version,
        "agreements": [contracts.agreement_json(contracts.row_of(a, today)) for a in found],
        "offboarding": contracts.offboarding_json(contracts.of_vendor(session, vendor.id)),
    }


def record_failure(session: Session, actor: Actor, org_id: int, vendor_id: int, error: Exception) -> None:
    """An export cut off by evidence that failed to decrypt or verify: a security event, like a failed download."""
    audit.record(
        session,
        actions.PACKET_EXPORT_FAILED,
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
        actions.PACKET_EXPORTED,
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
            packet_format.AUDIT_CHECKPOINT,
        )
    ]
    # The vendor's history from before per-organization chains stays in the legacy chain, with its own checkpoint.
    legacy_events = list(session.scalars(query.where(AuditEvent.chain == audit.LEGACY_CHAIN)))
    if legacy_events:
        legacy, legacy_tree = audit.covering_tree(session, signer, "packet export", audit.LEGACY_CHAIN)
        proven.insert(0, _Proven(legacy_events, legacy, legacy_tree, packet_format.AUDIT_LEGACY_CHECKPOINT))
    events = [event for part in proven for event in part.events]
    uploads = {
        (e.target_id or "", int(e.details.get("version", 0))): e
        for e in events
        if e.action == actions.EVIDENCE_UPLOADED
    }
    evidence_files, index = _evidence_files(vault, items, uploads, today)
    checkpoint_files, events_doc = _audit_files(proven, vendor)

    profile = scores.current_profile(session, vendor.org_id)
    scored = scores.score_vendors(session, [vendor], profile, today)[0]
    forms = [assessments.sheet_of(session, a) for a in vendor.assessments if a.status != AssessmentStatus.CANCELLED]
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
        packet_format.PayloadFile.of_bytes(
            "README.txt",
            README.format(envelope=bag_name + packet_format.ENVELOPE_SUFFIX, key_id=signer.key_id).encode(),
        ),
        packet_format.PayloadFile.of_bytes("report.html", report),
        packet_format.PayloadFile.of_json("score/score.json", scores.score_json(scored)),
        *(
            packet_format.PayloadFile.of_json(
                f"answers/assessment-{form.assessment.id}.json", answers_json.export_json(form)
            )
            for form in forms
        ),
        packet_format.PayloadFile.of_json("screening/records.json", screening.records_json(session, vendor)),
        packet_format.PayloadFile.of_json("contracts/agreements.json", _contracts_json(session, vendor, today)),
        packet_format.PayloadFile.of_json(
            packet_format.EVIDENCE_INDEX.removeprefix("data/"),
            {"format": "vendorcheck-evidence-index/1", "files": index},
        ),
        *evidence_files,
        packet_format.PayloadFile.of_json(packet_format.AUDIT_EVENTS.removeprefix("data/"), events_doc),
        *checkpoint_files,
        packet_format.PayloadFile.of_bytes(packet_format.PUBLIC_KEY.removeprefix("data/"), public_pem),
    ]
    predicate = {
        "format": packet_format.PACKET_FORMAT,
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
    built = packet_format.Packet(bag_name, info, files, predicate, created)
    failures = FailureLog(session.get_bind().engine, actor, vendor.org_id, vendor.id)
    return Export(built, sum(f.size for f in evidence_files), checkpoint, failures)
