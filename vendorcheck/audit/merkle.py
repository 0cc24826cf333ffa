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


class Tree:
    """A tree over fixed leaves that answers many inclusion proofs in O(n) work overall.

    Every perfect, aligned subtree (the left side of every RFC 6962 split) is kept level by level; the only
    other subtrees a proof can need run to the right edge, ``[start, size)``, and there are at most log2(n)
    of them, remembered as they are met. Proofs and root are identical to :func:`inclusion_proof` and
    :func:`root`, which recompute from scratch (O(n) per proof).
    """

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.size = len(leaves)
        self._levels: list[list[bytes]] = [list(leaves)]
        while len(self._levels[-1]) > 1:
            below = self._levels[-1]
            self._levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
        self._right_edge: dict[int, bytes] = {}

    def _hash(self, start: int, end: int) -> bytes:
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:  # perfect and aligned: stored
            level = width.bit_length() - 1
            return self._levels[level][start >> level]
        if start not in self._right_edge:  # only [start, size) subtrees get here
            k = _split(width)
            self._right_edge[start] = node_hash(self._hash(start, start + k), self._hash(start + k, end))
        return self._right_edge[start]

    def root(self) -> bytes:
        """The Merkle Tree Hash of all the leaves."""
        return self._hash(0, self.size) if self.size else EMPTY_ROOT

    def inclusion_proof(self, index: int) -> list[bytes]:
        """The audit path of leaf ``index``, leaf side first (as :func:`inclusion_proof`)."""
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} is outside a tree of {self.size}")
        path: list[bytes] = []
        start, end = 0, self.size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self._hash(start + k, end))
                end = start + k
            else:
                path.append(self._hash(start, start + k))
                start += k
        path.reverse()
        return path
