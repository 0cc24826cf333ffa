"""RFC 6962 Merkle tree hashing: the tree head of the audit log and inclusion proofs. Pure.

Leaves are given already hashed (``leaf_hash`` = SHA-256(0x00 || entry)); interior nodes are
SHA-256(0x01 || left || right); the tree over n leaves splits at the largest power of two below n.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of the leaf hashes (computed bottom-up, O(n) time, O(log n) stack)."""
    if not leaves:
        return EMPTY_ROOT
    # Fold complete subtrees like a binary counter: equivalent to RFC 6962's recursive definition.
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash)
    for leaf in leaves:
        size, value = 1, leaf
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, value = left_size + size, node_hash(left, value)
        stack.append((size, value))
    _, value = stack.pop()
    while stack:
        _, left = stack.pop()
        value = node_hash(left, value)
    return value


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path proving leaf ``index`` is in the tree over ``leaves`` (RFC 6962 section 2.1.1)."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is outside a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` at ``index`` in a tree of ``size`` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of {size}")
    fn, sn, value = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ValueError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("inclusion proof is too short")
    return value
