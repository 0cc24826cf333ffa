"""The context bound into each blob's key derivation: which evidence file version it is.

A versioned, length-prefixed encoding, never a joined string: ("1", "23") and ("12", "3") differ.
"""

from __future__ import annotations

CONTEXT_LABEL = b"vendorcheck-evidence-v1"


def encode_fields(*fields: str | int) -> bytes:
    """The label, then each field as a 4-byte big-endian length and its UTF-8 bytes."""
    out = bytearray(CONTEXT_LABEL)
    for field in fields:
        data = str(field).encode("utf-8")
        out += len(data).to_bytes(4, "big") + data
    return bytes(out)


def evidence_context(org_id: int, vendor_id: int, evidence_id: int, version_no: int) -> bytes:
    """The context of one evidence file version."""
    return encode_fields(org_id, vendor_id, evidence_id, version_no)
