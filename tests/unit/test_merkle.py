"""RFC 6962 tree hashes and inclusion proofs, checked against the recursive definition."""

import hashlib

import pytest

from vendorcheck.audit import merkle


def leaf(n: int) -> bytes:
    return hashlib.sha256(b"\x00" + str(n).encode()).digest()


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962's recursive Merkle Tree Hash, written as the RFC states it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 100])
def test_root_matches_the_recursive_definition(size: int) -> None:
    leaves = [leaf(n) for n in range(size)]
    assert merkle.root(leaves) == reference_root(leaves)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 33])
def test_every_inclusion_proof_leads_to_the_root(size: int) -> None:
    leaves = [leaf(n) for n in range(size)]
    expected = merkle.root(leaves)
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.root_from_inclusion(leaves[index], index, size, proof) == expected


def test_a_proof_for_another_leaf_or_position_fails() -> None:
    leaves = [leaf(n) for n in range(10)]
    expected = merkle.root(leaves)
    proof = merkle.inclusion_proof(3, leaves)
    assert merkle.root_from_inclusion(leaf(99), 3, 10, proof) != expected
    assert merkle.root_from_inclusion(leaves[3], 4, 10, proof) != expected


def test_malformed_proofs_are_refused() -> None:
    leaves = [leaf(n) for n in range(8)]
    proof = merkle.inclusion_proof(2, leaves)
    with pytest.raises(ValueError, match="too short"):
        merkle.root_from_inclusion(leaves[2], 2, 8, proof[:-1])
    with pytest.raises(ValueError, match="too long"):
        merkle.root_from_inclusion(leaves[2], 2, 8, [*proof, leaves[0]])
    with pytest.raises(ValueError, match="outside"):
        merkle.root_from_inclusion(leaves[2], 8, 8, proof)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 6, 7, 8, 11, 16, 37, 64, 100])
def test_the_tree_gives_the_same_root_and_proofs_as_recomputing(size: int) -> None:
    leaves = [leaf(n) for n in range(size)]
    tree = merkle.Tree(leaves)
    assert tree.root() == reference_root(leaves)
    for index in range(size):
        assert tree.inclusion_proof(index) == merkle.inclusion_proof(index, leaves)
    with pytest.raises(IndexError):
        tree.inclusion_proof(size)
