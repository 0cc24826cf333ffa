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

:mod:`vendorcheck.packets.verify` checks a packet offline; :mod:`vendorcheck.packets.export` gathers one from
the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vendorcheck import signing
from vendorcheck.audit import chain

if TYPE_CHECKING:  # the row checkpoint_document reads; never imported at run time (this module stays pure)
    from vendorcheck.models import AuditCheckpoint

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


def checkpoint_document(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """A signed audit checkpoint as the packet carries it (``audit/checkpoint.json``): v2 names the chain."""
    legacy = checkpoint.chain == chain.LEGACY_CHAIN
    return {
        "format": chain.LEGACY_CHECKPOINT_FORMAT if legacy else chain.CHECKPOINT_FORMAT,
        **({} if legacy else {"chain": checkpoint.chain}),
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "created_at": chain.iso(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "reason": checkpoint.reason,
        "signed_message": (
            f"format{'' if legacy else ', chain (the organization id)'}, tree_size, root_hash and created_at, "
            "each followed by a line feed"
        ),
    }
