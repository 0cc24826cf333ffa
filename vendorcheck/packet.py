"""Evidence packets: a BagIt bag in a ZIP, with a signed DSSE envelope beside it. Pure: no Flask, no database.

A packet is written as a stream (:func:`stream`): each payload file is copied through in pieces, so memory
stays flat whatever the evidence weighs, and the first bytes are ready before the last file is read. Its
layout::

    <bag>/bagit.txt                    BagIt 1.0 declaration (RFC 8493)
    <bag>/bag-info.txt                 who, what, when; Payload-Oxum
    <bag>/data/...                     the payload (evidence, answers, report, score, audit events, public key)
    <bag>/manifest-sha256.txt          SHA-256 of every payload file
    <bag>/tagmanifest-sha256.txt       SHA-256 of the tag files above
    <bag>.dsse.json                    DSSE envelope: an in-toto Statement v1 listing every file above with
                                       its SHA-256, signed with the organization's Ed25519 key

:func:`verify` checks a packet offline and names each problem: a file changed, missing or added, a bad
signature, an unknown key, a damaged bag, or audit events that are not what the signed checkpoint covers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vendorcheck import audit, merkle, signing

PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "urn:vendorcheck:evidence-packet:v1"
PACKET_FORMAT = "vendorcheck-packet/2"  # 2: proofs lead to the organization's chain (1: the global log)
ENVELOPE_SUFFIX = ".dsse.json"
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
EVIDENCE_INDEX = "data/evidence/index.json"
AUDIT_DIR = "data/audit/"
AUDIT_EVENTS = AUDIT_DIR + "events.json"
AUDIT_CHECKPOINT = AUDIT_DIR + "checkpoint.json"  # the organization's chain (format 1: the global log)
AUDIT_LEGACY_CHECKPOINT = AUDIT_DIR + "legacy-checkpoint.json"  # events from before per-organization chains
PUBLIC_KEY = "data/keys/organization-signing-key.pem"
STREAM_BLOCK = 1 << 20  # bytes gathered before a piece of the ZIP is handed on
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]+")


# Writing


@dataclass(frozen=True)
class PayloadFile:
    """One file of the bag's payload: its path under ``data/``, its size, and how to read it.

    ``sha256`` may be given when the source itself guarantees it (the vault checks every evidence blob
    against the hash recorded at upload and raises before the end of the stream if it differs); otherwise it
    is computed while the file is written.
    """

    path: str
    size: int
    chunks: Callable[[], Iterable[bytes]]
    sha256: str | None = None

    @classmethod
    def of_bytes(cls, path: str, data: bytes) -> PayloadFile:
        """A small file held in memory."""
        return cls(path, len(data), lambda: (data,), hashlib.sha256(data).hexdigest())

    @classmethod
    def of_json(cls, path: str, document: Any) -> PayloadFile:
        """A JSON document, indented for people."""
        return cls.of_bytes(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def safe_name(name: str) -> str:
    """A file name every operating system and BagIt manifest accepts as is (no %, no separators)."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:150] or "file"


def pae(payload_type: str, body: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what the signature covers."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def statement(subjects: Mapping[str, str], predicate: Mapping[str, Any]) -> dict[str, Any]:
    """The in-toto Statement v1 naming every file of the packet with its SHA-256."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": digest}} for name, digest in subjects.items()],
        "predicateType": PREDICATE_TYPE,
        "predicate": dict(predicate),
    }


def envelope(document: Mapping[str, Any], signer: signing.Signer) -> dict[str, Any]:
    """A DSSE envelope holding ``document`` as its payload, signed by ``signer``."""
    body = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
    return {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": [
            {"keyid": signer.key_id, "sig": base64.b64encode(signer.sign(pae(PAYLOAD_TYPE, body))).decode("ascii")}
        ],
    }


def _info_value(value: object) -> str:
    """A bag-info value on one line (a line break would start a new label)."""
    return " ".join(str(value).split())


def bag_info(fields: Mapping[str, object], files: Sequence[PayloadFile]) -> bytes:
    """bag-info.txt: the given labels, then Payload-Oxum (octets.file count)."""
    lines = [f"{label}: {_info_value(value)}" for label, value in fields.items()]
    lines.append(f"Payload-Oxum: {sum(f.size for f in files)}.{len(files)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _manifest(digests: Mapping[str, str]) -> bytes:
    return "".join(f"{digest}  {path}\n" for path, digest in digests.items()).encode("utf-8")


class _Pipe:
    """Where zipfile writes: pieces wait here until the stream hands them on (no seeking, so no rewrites)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.pending = 0
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        self.pending += len(data)
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.pieces)
        self.pieces.clear()
        self.pending = 0
        return data


@dataclass(frozen=True)
class Packet:
    """What goes into a packet: the bag's name and labels, its payload, the statement's predicate."""

    bag_name: str
    info: Mapping[str, object]
    files: Sequence[PayloadFile]
    predicate: Mapping[str, Any]
    created: datetime

    @property
    def envelope_name(self) -> str:
        return self.bag_name + ENVELOPE_SUFFIX


def stream(packet: Packet, signer: signing.Signer, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The packet as a ZIP, in pieces of about a megabyte; ``progress`` is told how many payload bytes went by.

    If a source fails (an evidence blob that does not decrypt), the error propagates before the ZIP's
    central directory is produced, so what was handed on so far can never be opened as a whole packet.
    """
    pipe = _Pipe()
    stamp = packet.created.timetuple()[:6]
    digests: dict[str, str] = {}
    bag = packet.bag_name

    def entry(name: str, size: int, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.file_size = size  # lets zipfile pick ZIP64 up front for large files
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    with zipfile.ZipFile(pipe, "w") as archive:  # type: ignore[arg-type]  # write/tell/flush is all it needs

        def put(name: str, data: bytes) -> None:
            archive.writestr(entry(name, len(data), compress=True), data)
            digests[name] = hashlib.sha256(data).hexdigest()

        put(f"{bag}/bagit.txt", BAGIT_TXT)
        put(f"{bag}/bag-info.txt", bag_info(packet.info, packet.files))
        payload: dict[str, str] = {}
        for item in packet.files:
            name = f"data/{item.path}"
            digest = None if item.sha256 else hashlib.sha256()
            # Large files (evidence: PDFs and images, already compressed) are stored, which keeps the export
            # near decrypt speed; small ones (JSON, the report) are deflated.
            with archive.open(entry(f"{bag}/{name}", item.size, item.size < STREAM_BLOCK), "w") as out:
                for chunk in item.chunks():
                    out.write(chunk)
                    if digest is not None:
                        digest.update(chunk)
                    if progress is not None:
                        progress(len(chunk))
                    if pipe.pending >= STREAM_BLOCK:
                        yield pipe.take()
            payload[name] = item.sha256 or digest.hexdigest()  # type: ignore[union-attr]
            digests[f"{bag}/{name}"] = payload[name]
            yield pipe.take()  # file by file, so the download starts with the first one
        manifest = _manifest(payload)
        put(f"{bag}/manifest-sha256.txt", manifest)
        tags = {name.removeprefix(f"{bag}/"): digest for name, digest in digests.items() if "/data/" not in name}
        put(f"{bag}/tagmanifest-sha256.txt", _manifest(tags))
        signed = envelope(statement(digests, packet.predicate), signer)
        archive.writestr(
            entry(packet.envelope_name, 0, compress=True), json.dumps(signed, indent=2).encode("utf-8") + b"\n"
        )
    yield pipe.take()


# Verifying


@dataclass
class PacketReport:
    """What :func:`verify` found; ``problems`` is empty when the packet is intact and signed by a trusted key."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    evidence: int = 0
    events: int = 0
    key_id: str | None = None
    predicate: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# What reading a damaged ZIP entry raises: a bad CRC or header, a corrupt deflate stream, an unknown method.
DAMAGED_ENTRY = (zipfile.BadZipFile, zlib.error, NotImplementedError)


class _Unreadable(Exception):
    """The packet cannot be checked any further (the message says why)."""


def _b64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise _Unreadable(f"{what} is missing")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _Unreadable(f"{what} is not base64") from None


def _find_envelope(archive: zipfile.ZipFile) -> str:
    found = [n for n in archive.namelist() if "/" not in n and n.endswith(ENVELOPE_SUFFIX)]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise _Unreadable(f"the packet has {what} signature envelope(s) (*{ENVELOPE_SUFFIX}) at its top level")
    return found[0]


def _check_signature(
    document: Mapping[str, Any], trusted: Mapping[str, Ed25519PublicKey], report: PacketReport
) -> tuple[bytes, Ed25519PublicKey | None]:
    """The signed body, and the trusted key that signed it (None if no trusted key did)."""
    if document.get("payloadType") != PAYLOAD_TYPE:
        raise _Unreadable(f"the envelope's payloadType is not {PAYLOAD_TYPE}")
    body = _b64(document.get("payload"), "the envelope's payload")
    signatures = document.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        report.problems.append("the envelope carries no signature")
        return body, None
    unknown: list[str] = []
    for entry in signatures:
        keyid = str(entry.get("keyid", "")) if isinstance(entry, dict) else ""
        key = trusted.get(keyid)
        if key is None:
            unknown.append(keyid or "(no key id)")
            continue
        report.key_id = keyid
        if signing.verify(key, _b64(entry.get("sig"), "a signature"), pae(PAYLOAD_TYPE, body)):
            return body, key
        report.problems.append(
            f"bad signature: the statement was not signed by key {keyid} as it claims "
            "(it was changed after signing, or signed with another key)"
        )
        return body, None
    report.problems.append(
        f"signed by an unknown key {', '.join(unknown)}: it is not one you trust "
        f"(trusted: {', '.join(sorted(trusted)) or 'none'}); pass the organization's public key with --key"
    )
    return body, None


def _subjects(body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    try:
        document = json.loads(body)
    except ValueError:
        raise _Unreadable("the signed statement is not JSON") from None
    if not isinstance(document, dict) or document.get("_type") != STATEMENT_TYPE:
        raise _Unreadable("the signed statement is not an in-toto Statement v1")
    if document.get("predicateType") != PREDICATE_TYPE:
        raise _Unreadable(f"the statement's predicateType is not {PREDICATE_TYPE}")
    subjects: dict[str, str] = {}
    for subject in document.get("subject") or []:
        try:
            subjects[str(subject["name"])] = str(subject["digest"]["sha256"])
        except (KeyError, TypeError):
            raise _Unreadable("a subject of the statement has no name or SHA-256") from None
    predicate = document.get("predicate")
    return subjects, predicate if isinstance(predicate, dict) else {}


def _digest_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The SHA-256 of a member, or None if the ZIP entry itself is damaged."""
    digest = hashlib.sha256()
    try:
        with archive.open(name) as member:
            while block := member.read(STREAM_BLOCK):
                digest.update(block)
    except DAMAGED_ENTRY:
        return None
    return digest.hexdigest()


def _parse_manifest(text: str, what: str, report: PacketReport) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, path = line.strip().partition(" ")
        path = path.strip().replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or not path:
            report.problems.append(f"{what} line {number} is not 'SHA-256  path'")
            continue
        entries[path] = digest
    return entries


def _check_bag(
    archive: zipfile.ZipFile, bag: str, digests: Mapping[str, str | None], flagged: set[str], report: PacketReport
) -> dict[str, bytes]:
    """RFC 8493 checks inside the ZIP; returns the small tag and audit files read for later checks.

    Files already named against the signed statement (``flagged``) are not named again for the manifests.
    """

    def read(name: str) -> bytes | None:
        full = f"{bag}/{name}"
        if full not in digests or digests[full] is None:
            return None
        return archive.read(full)

    declaration = read("bagit.txt")
    if declaration is None or not declaration.startswith(b"BagIt-Version: 1."):
        report.problems.append(f"{bag}/bagit.txt is missing or is not a BagIt declaration")
    manifest = read("manifest-sha256.txt")
    if manifest is None:
        report.problems.append(f"{bag}/manifest-sha256.txt is missing")
        return {}
    listed = _parse_manifest(manifest.decode("utf-8", "replace"), "manifest-sha256.txt", report)
    payload = {n.removeprefix(f"{bag}/"): d for n, d in digests.items() if n.startswith(f"{bag}/data/")}
    for path, digest in listed.items():
        if f"{bag}/{path}" in flagged:
            continue
        if path not in payload:
            report.problems.append(f"bag manifest lists {path}, which is not in the bag")
        elif payload[path] is not None and payload[path] != digest:
            report.problems.append(f"bag manifest: {path} does not match its SHA-256")
    for path in payload:
        if path not in listed and f"{bag}/{path}" not in flagged:
            report.problems.append(f"bag manifest does not list {path}")
    info = read("bag-info.txt")
    if info is not None:
        oxum = re.search(rb"^Payload-Oxum:\s*(\d+)\.(\d+)\s*$", info, re.MULTILINE)
        sizes = [archive.getinfo(n).file_size for n in digests if n.startswith(f"{bag}/data/")]
        actual = (sum(sizes), len(sizes))
        if oxum is None or (int(oxum.group(1)), int(oxum.group(2))) != actual:
            report.problems.append(f"bag-info.txt's Payload-Oxum does not match the payload ({actual[0]}.{actual[1]})")
    tag = read("tagmanifest-sha256.txt")
    if tag is not None:
        for path, digest in _parse_manifest(tag.decode("utf-8", "replace"), "tagmanifest-sha256.txt", report).items():
            if digests.get(f"{bag}/{path}") not in (digest, None) and f"{bag}/{path}" not in flagged:
                report.problems.append(f"bag tag manifest: {path} does not match its SHA-256")
    small = (EVIDENCE_INDEX, AUDIT_EVENTS, AUDIT_CHECKPOINT, AUDIT_LEGACY_CHECKPOINT)
    return {name: data for name in small if (data := read(name))}


@dataclass(frozen=True)
class _Checkpoint:
    chain: int
    size: int
    root_hex: str
    message: bytes
    signature: bytes


def _read_checkpoint(raw: bytes) -> _Checkpoint:
    """A checkpoint file, v2 (one organization's chain) or v1 (the legacy chain); ValueError and co. if neither."""
    document = json.loads(raw)
    if document["format"] == audit.LEGACY_CHECKPOINT_FORMAT:
        chain = audit.LEGACY_CHAIN
    elif document["format"] == audit.CHECKPOINT_FORMAT:
        chain = int(document["chain"])
    else:
        raise ValueError("unknown checkpoint format")
    size, root_hex = int(document["tree_size"]), str(document["root_hash"])
    message = audit.checkpoint_message(chain, size, root_hex, datetime.fromisoformat(document["created_at"]))
    return _Checkpoint(chain, size, root_hex, message, base64.b64decode(document["signature"], validate=True))


def _check_audit(
    files: Mapping[str, bytes], key: Ed25519PublicKey | None, report: PacketReport
) -> dict[tuple[int | None, int], dict]:
    """The events' hashes and inclusion proofs against the signed checkpoints; returns the events by (chain, seq).

    Events of the organization's chain (their entry names it) are proven against checkpoint.json, which must be
    that organization's; events from before per-organization chains against the legacy (v1) checkpoint.
    """
    if AUDIT_CHECKPOINT not in files or AUDIT_EVENTS not in files:
        report.problems.append("the audit events or their checkpoint are missing from the bag")
        return {}
    try:
        main = _read_checkpoint(files[AUDIT_CHECKPOINT])
        legacy = _read_checkpoint(files[AUDIT_LEGACY_CHECKPOINT]) if AUDIT_LEGACY_CHECKPOINT in files else None
        events = json.loads(files[AUDIT_EVENTS])["events"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        report.problems.append("the audit checkpoint or events file is not in the expected format")
        return {}
    checkpoints = {main.chain: main} | ({audit.LEGACY_CHAIN: legacy} if legacy else {})
    organization = report.predicate.get("organization", {}).get("id")
    if main.chain != audit.LEGACY_CHAIN and main.chain != organization:
        report.problems.append(f"the audit checkpoint is of organization {main.chain}'s chain, not this packet's")
    if legacy is not None and legacy.chain != audit.LEGACY_CHAIN:
        report.problems.append("the legacy audit checkpoint is not of the legacy chain")
    for checkpoint in checkpoints.values():
        if key is not None and not signing.verify(key, checkpoint.signature, checkpoint.message):
            report.problems.append("the audit checkpoint's signature is bad: the checkpoint was altered")
    by_key: dict[tuple[int | None, int], dict] = {}
    for item in events:
        try:
            entry, seq = item["entry"], int(item["entry"]["seq"])
            proof = [bytes.fromhex(p) for p in item["inclusion_proof"]]
            stored = str(item["entry_hash"])
        except (KeyError, TypeError, ValueError):
            report.problems.append("an audit event in the bag is not in the expected format")
            continue
        report.events += 1
        label = f"audit event {seq} ({entry.get('action')})"
        if audit.leaf_hash(audit.canonical_json(entry)) != stored:
            report.problems.append(f"{label} was edited: its content no longer matches its hash")
            continue
        chain = entry.get("chain", audit.LEGACY_CHAIN)  # legacy entries were hashed before chains had a name
        checkpoint = checkpoints.get(chain)
        if checkpoint is None:
            report.problems.append(f"{label} is of chain {chain}, which no checkpoint in the packet signs")
            continue
        if main.chain != audit.LEGACY_CHAIN and entry.get("org_id") != main.chain:
            report.problems.append(f"{label} belongs to organization {entry.get('org_id')}, not to this packet's")
            continue
        try:
            reached = merkle.root_from_inclusion(bytes.fromhex(stored), seq - 1, checkpoint.size, proof)
        except ValueError:
            reached = b""
        if reached.hex() != checkpoint.root_hex:
            report.problems.append(f"{label} is not in the signed audit log: its inclusion proof fails")
            continue
        by_key[(entry.get("chain"), seq)] = entry
    return by_key


def _check_evidence(
    files: Mapping[str, bytes],
    digests: Mapping[str, str | None],
    bag: str,
    events: Mapping[tuple[int | None, int], dict],
    report: PacketReport,
) -> None:
    """Each evidence file is the one whose upload the audit log recorded (same SHA-256)."""
    if EVIDENCE_INDEX not in files:
        report.problems.append(f"{EVIDENCE_INDEX} is missing from the bag")
        return
    try:
        items = json.loads(files[EVIDENCE_INDEX])["files"]
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"{EVIDENCE_INDEX} is not in the expected format")
        return
    for item in items:
        path = f"{bag}/data/{item.get('path')}"
        report.evidence += 1
        actual = digests.get(path)
        if actual is None:
            continue  # already reported as missing or damaged
        upload = events.get((item.get("upload_event_chain"), item.get("upload_event")))  # type: ignore[arg-type]
        recorded = (upload or {}).get("details", {}).get("sha256")
        if recorded is None:
            report.notes.append(f"{path}: no upload event in the packet records its hash")
        elif recorded != actual:
            report.problems.append(f"{path} is not the file whose upload the audit log recorded (different SHA-256)")


def verify(source: str | IO[bytes], trusted: Mapping[str, Ed25519PublicKey] | None = None) -> PacketReport:
    """Check a packet offline: signature, every file against the statement, the bag, the audit events.

    ``trusted`` are the keys the checker trusts, by key id. With none, the key inside the packet is used and
    the report notes that it was not pinned (anyone can sign a packet with a key of their own).
    """
    report = PacketReport()
    try:
        with zipfile.ZipFile(source) as archive:
            _verify_archive(archive, dict(trusted or {}), report)
    except zipfile.BadZipFile as exc:
        report.problems.append(f"not a readable ZIP file ({exc})")
    except _Unreadable as exc:
        report.problems.append(str(exc))
    except (TypeError, AttributeError) as exc:
        # Untrusted input: JSON of another shape than export writes (a number where a list of objects belongs)
        # in a file the checks read is a finding, not a crash.
        report.problems.append(f"the packet is malformed and could not be checked further ({type(exc).__name__})")
    return report


def _verify_archive(archive: zipfile.ZipFile, trusted: dict[str, Ed25519PublicKey], report: PacketReport) -> None:
    names = [n for n in archive.namelist() if not n.endswith("/")]
    duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicates:
        raise _Unreadable(f"the ZIP holds two entries named {duplicates[0]}: it was tampered with")
    envelope_name = _find_envelope(archive)
    bag = envelope_name.removesuffix(ENVELOPE_SUFFIX)
    try:
        document = json.loads(archive.read(envelope_name))
    except DAMAGED_ENTRY:
        raise _Unreadable(f"{envelope_name} is damaged: its ZIP entry cannot be read") from None
    except ValueError:
        raise _Unreadable(f"{envelope_name} is not JSON") from None
    if not isinstance(document, dict):
        raise _Unreadable(f"{envelope_name} is not a DSSE envelope")
    if not trusted:
        pem = f"{bag}/{PUBLIC_KEY}"
        try:
            own = signing.load_public_pem(archive.read(pem))
        except (KeyError, ValueError, *DAMAGED_ENTRY):
            raise _Unreadable(f"no trusted key given, and {pem} is missing or not an Ed25519 key") from None
        trusted = {signing.key_id(own): own}
        report.notes.append(
            f"checked against the key inside the packet (key id {signing.key_id(own)}), which proves nothing "
            "about who made it: compare that id with your organization's (Audit trail page) or pass --key"
        )
    body, key = _check_signature(document, trusted, report)
    subjects, report.predicate = _subjects(body)
    digests: dict[str, str | None] = {}
    flagged: set[str] = set()
    for name in names:
        if name == envelope_name:
            continue
        digests[name] = actual = _digest_member(archive, name)
        report.files += 1
        if name not in subjects:
            report.problems.append(f"added: {name} is not listed in the signed statement")
        elif actual is None:
            report.problems.append(f"changed: {name} is damaged (its ZIP entry cannot be read)")
        elif actual != subjects[name]:
            report.problems.append(f"changed: {name} does not match the SHA-256 in the signed statement")
        else:
            continue
        flagged.add(name)
    for name in subjects:
        if name not in digests:
            report.problems.append(f"missing: {name} is listed in the signed statement but not in the packet")
            flagged.add(name)
    small = _check_bag(archive, bag, digests, flagged, report)
    events = _check_audit(small, key, report)
    _check_evidence(small, digests, bag, events, report)
